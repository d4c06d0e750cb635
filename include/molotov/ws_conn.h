/* ws_conn.h: one WebSocket connection, below its Lua face (ws.h): libcurl's
 * CONNECT_ONLY transfer on the engine, the upgrade handshake
 * (ws_handshake.h) over curl_easy_send/recv, wslay's frames on a uv_poll_t,
 * the messages received and the one worker waiting on it. The handshake is
 * one request of the statistics; the connection's messages are counted on
 * that same row. */
#ifndef MOLOTOV_WS_CONN_H
#define MOLOTOV_WS_CONN_H

#include "molotov/common.h"
#include "molotov/engine.h"
#include "molotov/worker.h"

#include <lua.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>
#include <wslay/wslay.h>

enum { MT_WS_CONNECT, MT_WS_HANDSHAKE, MT_WS_OPEN, MT_WS_DONE };
enum { MT_WS_WAIT_NONE, MT_WS_WAIT_OPEN, MT_WS_WAIT_RECV, MT_WS_WAIT_FLUSH, MT_WS_WAIT_CLOSE };

/* A message received, queued until the script takes it. */
typedef struct mt_ws_msg {
    struct mt_ws_msg *next;
    int opcode; /* WSLAY_TEXT_FRAME, WSLAY_BINARY_FRAME or WSLAY_CONNECTION_CLOSE */
    uint16_t code;
    size_t len;
    char data[];
} mt_ws_msg;

typedef struct mt_ws {
    mt_host *host;
    mt_worker *w; /* the worker waiting on it, while one does */
    mt_xfer xfer;
    uv_poll_t poll;
    uv_timer_t timer;
    int handles;  /* uv handles not yet closed */
    bool poll_on; /* poll initialised */
    bool gc;      /* its Lua object was collected */
    int state, waiting;
    wslay_event_context_ptr ctx;
    mt_buf out, in; /* handshake bytes to send; bytes read not yet parsed */
    size_t out_off, in_off;
    char key[32];
    char url[1024]; /* as given, without userinfo */
    char label[256], origin[200];
    bool named;
    mt_ws_msg *head, *tail;
    char err[1200]; /* what the next call raises, once set */
    bool timed_out; /* the last receive waited in vain */
    uint64_t t0;
    long timeout_ms;
    struct mt_ws *next;
} mt_ws;

/* A connection to url (ws:// or wss://, userinfo kept out of ws->url) in
 * h's list of open ones, its row labelled name, or "WS /path" when name is
 * NULL. Its transfer is the caller's to set up and start, with
 * mt_ws_on_connected as its callback. */
mt_ws *mt_ws_new(mt_host *h, const char *url, const char *name);
/* Ends the connection: its handles close, its transfer leaves the engine. */
void mt_ws_shut(mt_ws *ws);
/* Frees ws once its handles are closed and Lua collected it. */
void mt_ws_free(mt_ws *ws);
/* Suspends the running worker on ws (one at a time) until it is woken or
 * timeout_ms pass; k continues. */
int mt_ws_wait_on(lua_State *L, mt_ws *ws, int what, long timeout_ms, lua_KFunction k);
/* Sends and reads what the socket allows now, wakes a waiter that can go on. */
void mt_ws_pump(mt_ws *ws);
/* The engine's callback once libcurl connected (or failed to). */
void mt_ws_on_connected(mt_xfer *x);
/* Counts a message of `bytes` sent (out) or received on the handshake's row. */
void mt_ws_count_message(mt_ws *ws, bool out, size_t bytes);

#endif

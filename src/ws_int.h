/* ws_int.h: what the two halves of ws.h share (not installed): the
 * connection (ws_conn.c: libcurl's connection, the handshake, wslay's
 * frames, the waiting worker) and its Lua face (ws.c). */
#ifndef MOLOTOV_WS_INT_H
#define MOLOTOV_WS_INT_H

#include "molotov/ws.h"
#include "molotov/http.h"
#include "molotov/worker.h"

#include <lua.h>
#include <wslay/wslay.h>

#define WS_MT "molotov.websocket"

enum { ST_CONNECT, ST_HANDSHAKE, ST_OPEN, ST_DONE };
enum { WAIT_NONE, WAIT_OPEN, WAIT_RECV, WAIT_FLUSH, WAIT_CLOSE };

typedef struct msg {
    struct msg *next;
    int opcode; /* WSLAY_TEXT_FRAME, WSLAY_BINARY_FRAME or WSLAY_CONNECTION_CLOSE */
    uint16_t code;
    size_t len;
    char data[];
} msg;

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
    msg *head, *tail;
    char err[1200]; /* what the next call raises, once set */
    bool timed_out; /* the last receive waited in vain */
    uint64_t t0;
    long timeout_ms;
    struct mt_ws *next;
} mt_ws;

/* Ends the connection: its handles close, its transfer leaves the engine. */
void mt_ws_shut(mt_ws *ws);
/* Closes every connection of the run (it is over). */
void mt_ws_close_all(mt_host *h);
/* Frees ws once its handles are closed and Lua collected it. */
void mt_ws_free(mt_ws *ws);
/* Suspends the running worker on ws (one at a time) until it is woken or
 * timeout_ms pass; k continues. */
int mt_ws_wait_on(lua_State *L, mt_ws *ws, int what, long timeout_ms, lua_KFunction k);
/* Sends and reads what the socket allows now, wakes a waiter that can go on. */
void mt_ws_pump(mt_ws *ws);
/* The engine's callback once libcurl connected (or failed to). */
void mt_ws_on_connected(mt_xfer *x);

#endif

/* ws.h: WebSockets for scenarios: session:ws_connect(url, opts) and the ws
 * object (send, send_binary, receive, ping, close). libcurl makes the TCP
 * and TLS connection (CONNECT_ONLY: its proxies and TLS options hold), the
 * upgrade handshake is ours, and frames are wslay's over curl_easy_send /
 * curl_easy_recv, watched by a uv_poll_t on the loop. Every call suspends
 * only its worker. */
#ifndef MOLOTOV_WS_H
#define MOLOTOV_WS_H

#include "molotov/common.h"
#include "molotov/transport.h"

#include <lua.h>
#include <stdbool.h>
#include <stddef.h>

/* The upgrade request for url (ws:// or wss://) with the 24-character key:
 * GET path, Host, Upgrade, Connection, Sec-WebSocket-Key/Version, then
 * extra header lines ("Name: value\r\n" each, may be NULL). */
void mt_ws_handshake_request(mt_buf *out, const char *url, const char *key, const char *extra);

/* Parses the answer to it in buf (len bytes). Returns 1 while the header
 * block is incomplete; 0 when it is a 101 whose Sec-WebSocket-Accept fits
 * key; -1 otherwise. *status is the answer's status (0 when unreadable),
 * *header_len the bytes of the header block (frames may follow). */
int mt_ws_handshake_parse(const char *buf, size_t len, const char *key, long *status,
                          size_t *header_len);

/* Adds ws_connect to the methods table on top of L; slot_of finds the
 * session's HTTP slot (its cookie jar) and options_of, for the session at
 * idx and the URL, seeds the jar and pushes the session's headers and
 * defaults tables (in that order). */
void mt_ws_register(lua_State *L, mt_http *(*slot_of)(lua_State *L, int idx),
                    void (*options_of)(lua_State *L, int idx, const char *url));

#endif

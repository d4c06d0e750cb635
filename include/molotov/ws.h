/* ws.h: WebSockets for scenarios: session:ws_connect(url, opts) and the ws
 * object (send, send_binary, receive, ping, close). libcurl makes the TCP
 * and TLS connection (CONNECT_ONLY: its proxies and TLS options hold), the
 * upgrade handshake is ours (ws_handshake.h), and frames are wslay's over
 * curl_easy_send / curl_easy_recv, watched by a uv_poll_t on the loop (the
 * connection, ws_conn.h). Every call suspends only its worker. */
#ifndef MOLOTOV_WS_H
#define MOLOTOV_WS_H

#include <lua.h>

typedef struct mt_http mt_http; /* transport.h's slot, opaque here */

/* Adds ws_connect to the methods table on top of L; slot_of finds the
 * session's HTTP slot (its cookie jar) and options_of, for the session at
 * idx and the URL, seeds the jar and pushes the session's headers and
 * defaults tables (in that order). */
void mt_ws_register(lua_State *L, mt_http *(*slot_of)(lua_State *L, int idx),
                    void (*options_of)(lua_State *L, int idx, const char *url));

#endif

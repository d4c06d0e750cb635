/* ws_handshake.h: the WebSocket opening handshake of RFC 6455, section 4,
 * as bytes: the client's upgrade request and the check of the server's
 * answer. No socket and no Lua: the connection (ws_conn.h) sends and reads
 * them. */
#ifndef MOLOTOV_WS_HANDSHAKE_H
#define MOLOTOV_WS_HANDSHAKE_H

#include "molotov/common.h"

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

#endif

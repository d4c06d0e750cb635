/* conn.h: molotov-serve's connections, and the server struct they share with
 * the listener (listen.c): what a connection reads from (the loop, the
 * routes, the 'x' slices of /bytes) and counts into (answers handed out). */
#ifndef MOLOTOV_SERVE_CONN_H
#define MOLOTOV_SERVE_CONN_H

#include "routes.h"
#include "serve.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

#define MT_SERVE_CHUNK_SIZE 65536 /* one slice of /bytes output */

typedef struct mt_serve_conn mt_serve_conn;

struct mt_server {
    uv_tcp_t listener;
    uv_loop_t *loop;
    mt_serve_conn *conns; /* open and closing connections */
    mt_serve_routes routes;
    char *xs; /* MT_SERVE_CHUNK_SIZE bytes of 'x' for /bytes */
    _Atomic uint64_t requests;
    int port;
    bool stopping, listener_closed;
    /* called once a connection is closed and unlinked from conns, so that the
     * listener's side can free a stopping server after its last connection */
    void (*conn_gone)(mt_server *s);
};

/* Accepts the pending connection on s's listener and starts reading it; a
 * connection libuv refuses is closed again at once. Cannot fail. */
void mt_serve_conn_accept(mt_server *s);

/* Closes every connection of s (pending delays and /bytes streams are
 * abandoned); each is unlinked, then reported to s->conn_gone, from its close
 * callbacks. */
void mt_serve_conn_close_all(mt_server *s);

#endif

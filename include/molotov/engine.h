/* engine.h: libcurl's side of transport.h's engine: one libuv loop driving
 * libcurl's multi socket interface, with the transfers sharded over several
 * multi handles (docs/architecture.md, design rules). */
#ifndef MOLOTOV_ENGINE_H
#define MOLOTOV_ENGINE_H

#include "molotov/transport.h"

#include <curl/curl.h>
#include <stdbool.h>
#include <uv.h>

typedef struct mt_xfer mt_xfer;

/* Called from the loop (never from inside a curl callback) when a transfer
 * ends; x->result holds curl's result code. */
typedef void (*mt_xfer_cb)(mt_xfer *x);

/* A transfer slot: one easy handle, reused for every request of its owner. */
struct mt_xfer {
    CURL *easy;
    mt_xfer_cb done;
    void *data;
    CURLcode result;
    int shard;
    bool active;
    bool keep;     /* stays in its multi handle when done (CONNECT_ONLY: easy_send/recv) */
    bool attached; /* done, and still in its multi handle (keep) */
    mt_xfer *next; /* completion queue */
};

/* Creates x's easy handle and binds it to a shard. Returns MT_OK or MT_ECURL. */
int mt_engine_xfer_init(mt_engine *e, mt_xfer *x, mt_xfer_cb done, void *data);

/* Frees x's easy handle (cancelling it first if it is active). */
void mt_engine_xfer_free(mt_engine *e, mt_xfer *x);

/* Starts the transfer configured on x->easy. Returns MT_OK, or MT_ECURL if
 * curl refuses the handle (x->done is then not called). */
int mt_engine_start(mt_engine *e, mt_xfer *x);

/* Cancels an active transfer: x->done is not called. A kept transfer that
 * is done leaves its multi handle (its connection closes). */
void mt_engine_cancel(mt_engine *e, mt_xfer *x);

/* The loop the engine runs on (the native transport's too). */
uv_loop_t *mt_engine_loop(const mt_engine *e);

#endif

/* exchange.h: a worker's requests in flight: its two slots (the session's,
 * molotov.request's), the request built (request.h) and sent through the
 * transport, the worker yielded, the completion recorded (statistics,
 * StatsD) as the transport reports it, then, when the worker resumes,
 * redirects followed hop by hop and the response (or "<kind>: <url>")
 * handed to the script; sending_request and response_received fire
 * around it. */
#ifndef MOLOTOV_EXCHANGE_H
#define MOLOTOV_EXCHANGE_H

#include "molotov/request.h"
#include "molotov/transport.h"
#include "molotov/worker.h"

#include <lua.h>
#include <stdbool.h>
#include <stdint.h>

enum { MT_SLOT_SESSION, MT_SLOT_AUX, MT_SLOTS }; /* the session's; molotov.request's */

typedef struct mt_exchange {
    mt_worker *w;
    mt_http *slots[MT_SLOTS];         /* the aux one made on first use */
    mt_scratch scratch[MT_SLOTS];     /* their request strings */
    mt_http *busy;                    /* the slot a request is waiting on */
    const char *req_method, *req_url; /* of that request (alive on the Lua stack) */
    mt_reqstate cur;                  /* the request in flight */
    bool req_unsent;                  /* pending is built, its listeners run, not yet sent */
    mt_reqstate pending;              /* that request */
    uint64_t first_t0;                /* when its first hop was sent (monotonic ns) */
    int hops;                         /* its redirects followed */
    int history_idx;                  /* its resp.history on the coroutine's stack, or 0 */
    mt_outcome out;                   /* how its last hop ended */
} mt_exchange;

/* Gives w its exchange and the session's slot. Returns MT_OK or MT_ECURL
 * (nothing left behind). */
int mt_exchange_init(mt_worker *w);

/* Cancels the request in flight (nothing is recorded) and frees one that
 * waits, unsent, on its sending_request listeners. */
void mt_exchange_abort(mt_worker *w);

/* Frees w's exchange and its slots. */
void mt_exchange_free(mt_worker *w);

/* The slot of the worker's session (its connection and cookie jar). */
mt_http *mt_exchange_session_slot(mt_worker *w);

/* From a worker's coroutine L: the request (method, the URL at url_idx,
 * the options at c) built on slot MT_SLOT_SESSION or MT_SLOT_AUX (made on
 * first use; raises when it cannot be), sending_request emitted (with the
 * session at `self`, or none when 0), sent, and L suspended until it is
 * answered. Returns through lua_yieldk. */
int mt_exchange_request(lua_State *L, mt_worker *w, int slot, const char *method, int url_idx,
                        mt_reqctx *c, int self);

#endif

/* routes.h: molotov-serve's router: what each route answers (the list is in
 * serve.h), the state the routes share (the /items counter, /limit's
 * in-flight count, scratch buffers, the cached Date) and the formatting of an
 * answer's head and body. */
#ifndef MOLOTOV_SERVE_ROUTES_H
#define MOLOTOV_SERVE_ROUTES_H

#include "parse.h"

#include "molotov/common.h"

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

/* What a route answers. body points into static text or the routes' scratch
 * buffer, valid until the next call on the same mt_serve_routes. */
typedef struct {
    int status;
    const char *type;
    const char *body;
    size_t body_len;
    uint64_t stream;              /* /bytes payload, N bytes of 'x' after the body */
    uint64_t delay_ms;            /* /delay, /limit */
    bool limit_slot;              /* /limit: took a slot of the in-flight count */
    uint64_t trickle, trickle_ms; /* /trickle/N/MS: N bytes, one every MS ms */
    bool raw;                     /* /garbage: body only, no status line or headers */
    bool hangup;                  /* /hangup */
} mt_serve_resp;

typedef struct {
    mt_buf out;  /* scratch: the answer being formatted */
    mt_buf body; /* scratch: a formatted body */
    char date[40];
    time_t date_at;
    uint64_t next_id;        /* POST /items */
    uint64_t limit_inflight; /* /limit answers accepted and not yet handed out */
} mt_serve_routes;

/* The Connection header an answer carries, if any. */
typedef enum { MT_SERVE_CONN_NONE, MT_SERVE_CONN_CLOSE, MT_SERVE_CONN_KEEP_ALIVE } mt_serve_connhdr;

void mt_serve_routes_init(mt_serve_routes *rt);
void mt_serve_routes_free(mt_serve_routes *rt);

/* The answer to q (its path matched without the query string); a /limit
 * answer under capacity takes a slot (r->limit_slot), which the caller gives
 * back with mt_serve_limit_release. Cannot fail. */
void mt_serve_route(mt_serve_routes *rt, const mt_serve_req *q, mt_serve_resp *r);

/* The answer for an error status: "STATUS REASON\n" as text/plain. */
void mt_serve_route_error(mt_serve_routes *rt, mt_serve_resp *r, int status);

/* Gives back one /limit slot. */
void mt_serve_limit_release(mt_serve_routes *rt);

/* Formats r's status line and headers (Server, Date, Content-Type,
 * Content-Length but for 204 and 304, the Connection header `conn`), then
 * its body unless head_only, into rt->out and returns it; valid until the
 * next call. */
const mt_buf *mt_serve_format(mt_serve_routes *rt, const mt_serve_resp *r, mt_serve_connhdr conn,
                              bool head_only);

#endif

/* transport.h: the seam between a request and the wire. A client slot
 * (mt_http) sends one request at a time and calls its owner back, from the
 * loop, with the outcome: status, timing, error kind, the next hop of a
 * redirect; the response's bytes are taken from the slot afterwards. Two
 * transports stand behind these calls: the native HTTP/1.1 client
 * (native.c) and libcurl's multi interface (http.c over engine.c); http.c
 * picks one per request (--engine). Nothing here names a curl type. */
#ifndef MOLOTOV_TRANSPORT_H
#define MOLOTOV_TRANSPORT_H

#include "molotov/common.h"
#include "molotov/jar.h"
#include "molotov/options.h"
#include "molotov/timings.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

typedef struct mt_engine mt_engine;   /* the transport of a process (engine.c) */
typedef struct mt_http mt_http;       /* a client slot: its connection and cookie jar */
typedef struct mt_headers mt_headers; /* a request's header lines */
typedef struct mt_mime mt_mime;       /* a multipart body (multipart.h) */

/* What a response leaves behind: raw body, raw header block of the last
 * response (after redirects) and the final URL. Pooled: no malloc per request
 * in the steady state. */
typedef struct mt_respbuf {
    mt_buf body, headers, url;
    uint64_t dropped; /* body bytes received beyond the slot's max_body */
    uint64_t wire;    /* body bytes as received, before any decoding */
    struct mt_respbuf *next;
} mt_respbuf;

mt_respbuf *mt_respbuf_get(void);
void mt_respbuf_clear(mt_respbuf *r); /* empty again, memory kept: a new answer goes in */
void mt_respbuf_put(mt_respbuf *r);
void mt_respbuf_drain_pool(void); /* frees the pooled buffers and header lists (at exit) */

/* A request as the slot sends it. */
typedef struct {
    const char *method; /* upper case */
    const char *url;
    mt_headers *headers; /* owned by the slot once sent (until mt_http_take) */
    const char *body;
    size_t body_len;
    bool has_body;
    const char *cookie;          /* "a=b; c=d" sent besides the jar, or NULL */
    const char *user, *password; /* basic auth when user != NULL */
    long timeout_ms, connect_timeout_ms;
    bool verify;
    bool compress;     /* send Accept-Encoding and decode the body */
    int http_version;  /* 1 or 2 */
    const char *proxy; /* "http://host:port", "" for none, NULL: the environment's */
    const char *proxy_user, *proxy_password;
    mt_mime *mime; /* multipart body (files), owned by the slot once sent */
} mt_http_req;

/* How an exchange ended. The strings live in the slot until its next send. */
typedef struct {
    long status;              /* the answer's status; 0 when none was read */
    const char *error_kind;   /* NULL, or a transport failure ("timeout", ...) */
    const char *error_detail; /* more about that failure (a TLS problem), or "" */
    uint64_t latency_us;      /* request to complete answer (or to the failure) */
    const char *url;          /* the URL the answer is for, or NULL */
    const char *location;     /* a redirect's absolute next URL, or NULL */
    bool truncated;           /* body bytes past --max-body were dropped */
    mt_timing timing;         /* DNS, connect, TLS, wait, transfer */
    uint64_t bytes_out;       /* request headers and body sent */
    uint64_t bytes_in;        /* response headers and body received */
    uint64_t body_in;         /* of them, the body as received (before decoding) */
} mt_outcome;

/* Called from the loop (never from inside the transport's own callbacks)
 * when the request on h ended; a cancelled request calls nothing. */
typedef void (*mt_http_done)(mt_http *h, const mt_outcome *out, void *data);

/* The transport of a process on `loop`, its connections spread over groups
 * of about `per_shard`. Returns MT_OK or MT_ECURL/MT_EUV. */
int mt_engine_new(uv_loop_t *loop, int per_shard, mt_engine **out);

/* Requests in flight. */
int mt_engine_active(const mt_engine *e);

/* Closes every handle; the loop must then be run until it has no handles,
 * after which the engine is freed. */
void mt_engine_close(mt_engine *e);

/* A new slot on e whose requests call done(h, outcome, data), with the
 * run's options that hold for every request (--max-body, --cacert, -vv).
 * Returns MT_OK, or MT_ECURL with *out NULL and nothing left behind. */
int mt_http_open(mt_engine *e, mt_http_done done, void *data, const mt_options *o, mt_http **out);

/* Cancels what the slot does and frees it (NULL is fine). */
void mt_http_close(mt_http *h);

/* The slot's cookie jar: every hop sends its cookies for the hop's URL (with
 * the request's own `cookie` after them) and stores the Set-Cookie lines of
 * the answer before done is called. */
mt_jar *mt_http_jar(mt_http *h);

/* Starts r on h. Returns MT_OK, or MT_ECURL if the transport refused it
 * (its headers and mime body are freed in both cases once it is done). */
int mt_http_send(mt_http *h, const mt_http_req *r);

/* A redirect's next hop on the same slot: the request r (its URL, method
 * and body as the redirect rules made them) with the headers of the hop
 * before, less Authorization when drop_auth (another origin) and less
 * Content-Type when the body was dropped. The previous answer is
 * discarded. Returns MT_OK or MT_ECURL. */
int mt_http_resend(mt_http *h, const mt_http_req *r, bool drop_auth);

/* Cancels the request in flight on h: its done is not called. */
void mt_http_cancel(mt_http *h);

/* After completion: frees per-request state; returns the response buffers
 * (the caller owns them, see mt_respbuf_put) and gives the slot fresh ones. */
mt_respbuf *mt_http_take(mt_http *h);

/* A request's header lines live in one buffer, and lists are pooled: a
 * request's headers cost no allocation in the steady state. */

/* Appends one "Name: value" line to *l (NULL: a new, empty list). */
void mt_headers_add(mt_headers **l, const char *line);

/* The same from a line of n bytes. */
void mt_headers_addn(mt_headers **l, const char *line, size_t n);

/* "name: value", or "name:" (a header of the transport's own left out)
 * when value is NULL. */
void mt_headers_add_pair(mt_headers **l, const char *name, const char *value);

/* Gives a list back to the pool (NULL is fine). */
void mt_headers_free(mt_headers *l);

/* Lists taken and not given back: what a test checks nothing leaked. */
int mt_headers_in_use(void);

/* Walks a list: its first line when prev is NULL, else the line after
 * prev; NULL after the last (and for a NULL list). */
const char *mt_headers_each(const mt_headers *l, const char *prev);

/* Frees a multipart body that was not sent (NULL is fine). */
void mt_mime_free(mt_mime *m);

#endif

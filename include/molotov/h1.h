/* h1.h: the HTTP/1.x response reader of the native transport. Bytes read
 * off a connection go in, in any splits; out come the final answer's header
 * block (as received), its body (de-chunked, gzip/deflate decoded on
 * request, kept up to a bound) and what the connection can do next. Built
 * on http_parser (HTTP_RESPONSE) and zlib; embedded in a connection, it
 * allocates nothing per response once its buffers have grown. */
#ifndef MOLOTOV_H1_H
#define MOLOTOV_H1_H

#include "molotov/common.h"
#include "molotov/transport.h"

#include <http_parser.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <zlib.h>

#define MT_H1_MAX_HEAD (300 * 1024) /* header bytes of one answer, 1xx included (libcurl's) */

typedef struct mt_h1 {
    http_parser parser;
    mt_respbuf *resp;
    size_t max_body;
    uint64_t head_bytes;    /* header bytes of this answer (1xx included) */
    const char *error;      /* NULL, or what broke */
    z_stream z;             /* inflate state, initialised at first use */
    unsigned char sniff[2]; /* the first bytes of a deflate body (zlib or raw?) */
    unsigned char nsniff;
    unsigned char coding; /* enum in h1.c: none, gzip, deflate, deflate after the sniff, end */
    bool z_ready;         /* z holds an inflate state */
    bool head, decode;
    bool started, in_head, headers_done, in_trailer, done, keep_alive;
} mt_h1;

void mt_h1_init(mt_h1 *p);
void mt_h1_free(mt_h1 *p); /* frees the zlib state */

/* Ready for the answer to one request: resp gets the header block of the
 * final (non-1xx) answer as received (status line to blank line, then any
 * chunked trailer lines, as libcurl gives them) and the body, decoded when
 * `decode` and Content-Encoding is gzip, x-gzip or deflate (zlib-wrapped or
 * raw), kept up to max_body bytes (the rest counted in resp->dropped);
 * resp->wire = body bytes as received after de-chunking. head: the request
 * was HEAD (no body). 1xx answers are skipped; 204 and 304 have no body. */
void mt_h1_start(mt_h1 *p, mt_respbuf *resp, size_t max_body, bool head, bool decode);

/* Feeds n bytes read. Returns how many were used (fewer than n when the
 * answer ended inside them; 0 once it is done), or MT_EPROTO when they are
 * not an HTTP/1.x answer (mt_h1_error says what). */
long mt_h1_feed(mt_h1 *p, const char *data, size_t n);

/* The peer closed: MT_OK when that completes the answer (a body read to the
 * close), else MT_EPROTO (cut short, or nothing read: mt_h1_started false). */
int mt_h1_eof(mt_h1 *p);

bool mt_h1_done(const mt_h1 *p);         /* the whole answer is in */
bool mt_h1_started(const mt_h1 *p);      /* any byte of an answer was read */
bool mt_h1_headers_done(const mt_h1 *p); /* the final answer's header block is in */
long mt_h1_status(const mt_h1 *p);       /* the final answer's status, or 0 */
/* Once done: the connection can carry the next request (HTTP/1.1 without
 * "Connection: close", or 1.0 with keep-alive; not after a body to the close). */
bool mt_h1_keep_alive(const mt_h1 *p);
uint64_t mt_h1_header_bytes(const mt_h1 *p); /* header bytes read, 1xx blocks included */
const char *mt_h1_error(const mt_h1 *p);     /* "" when none */

/* The value of header `name` in a block like resp->headers (status line
 * first): the first match, case-insensitive, trimmed, *vlen its length;
 * NULL when absent. */
const char *mt_h1_header(const char *block, size_t len, const char *name, size_t *vlen);

/* Each value of a repeated header in turn (Set-Cookie): *pos NULL to start,
 * then left as the call leaves it; NULL when there are no more. */
const char *mt_h1_header_next(const char *block, size_t len, const char *name, const char **pos,
                              size_t *vlen);

#endif

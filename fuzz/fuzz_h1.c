/* fuzz_h1.c: libFuzzer target for the HTTP/1.x response reader (h1.c).
 * The first byte picks HEAD, decoding and max_body, the second seeds the
 * splits; the rest is fed in pieces, then the close. Never a crash or an
 * overread; what is used stays within what was fed, the body within
 * max_body, and the answer's fields agree with how it ended. */
#include "molotov/h1.h"

#include <stdint.h>
#include <stdlib.h>

static const size_t max_bodies[4] = {0, 7, 1024, 1 << 20};

static void check(const mt_h1 *p, const mt_respbuf *r, size_t max_body)
{
    if (r->body.len > max_body) abort();
    if (mt_h1_header_bytes(p) > MT_H1_MAX_HEAD) abort();
    if (mt_h1_done(p) && !mt_h1_headers_done(p)) abort();
    if (mt_h1_headers_done(p) && (mt_h1_status(p) < 200 || mt_h1_status(p) > 999)) abort();
    size_t n;
    const char *pos = NULL;
    while (mt_h1_header_next(r->headers.data, r->headers.len, "set-cookie", &pos, &n))
        if (pos > r->headers.data + r->headers.len) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2) return 0;
    uint8_t flags = data[0], seed = data[1];
    data += 2;
    size -= 2;
    size_t max_body = max_bodies[(flags >> 2) & 3];
    mt_respbuf r = {0};
    mt_h1 p;
    mt_h1_init(&p);
    for (int round = 0; round < 2; round++) { /* twice: a reused reader too */
        mt_h1_start(&p, &r, max_body, flags & 1, flags & 2);
        size_t off = 0;
        unsigned split = seed | 1;
        while (off < size && !mt_h1_done(&p)) {
            size_t n = seed ? 1 + split % 97 : size - off;
            if (n > size - off) n = size - off;
            long used = mt_h1_feed(&p, (const char *)data + off, n);
            if (used < 0) break;
            if ((size_t)used > n || ((size_t)used < n && !mt_h1_done(&p))) abort();
            off += (size_t)used;
            split = split * 1103515245u + 12345u;
            check(&p, &r, max_body);
        }
        if (!mt_h1_done(&p) && mt_h1_eof(&p) == MT_OK && !mt_h1_done(&p)) abort();
        check(&p, &r, max_body);
    }
    mt_h1_free(&p);
    mt_buf_free(&r.body);
    mt_buf_free(&r.headers);
    return 0;
}

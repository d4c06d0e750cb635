/* transport.c: what every transport shares (transport.h): the pool of
 * response buffers, so a request costs no malloc in the steady state. */
#include "molotov/transport.h"

#include <stdlib.h>

static mt_respbuf *pool;

mt_respbuf *mt_respbuf_get(void)
{
    mt_respbuf *r = pool;
    if (r) {
        pool = r->next;
        mt_buf_reset(&r->body);
        mt_buf_reset(&r->headers);
        mt_buf_reset(&r->url);
        r->dropped = r->wire = 0;
        return r;
    }
    r = mt_calloc(1, sizeof(*r));
    return r;
}

#define POOL_KEEP_MAX (1u << 20) /* larger buffers are freed, not pooled */

void mt_respbuf_put(mt_respbuf *r)
{
    if (!r) return;
    if (r->body.cap > POOL_KEEP_MAX) mt_buf_free(&r->body);
    r->next = pool;
    pool = r;
}

void mt_respbuf_drain_pool(void)
{
    while (pool) {
        mt_respbuf *r = pool;
        pool = r->next;
        mt_buf_free(&r->body);
        mt_buf_free(&r->headers);
        mt_buf_free(&r->url);
        free(r);
    }
}

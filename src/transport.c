/* transport.c: what every transport shares (transport.h): the pools of
 * response buffers and of header lists, so a request costs no malloc in
 * the steady state. */
#include "molotov/transport.h"

#include <stdlib.h>
#include <string.h>

static mt_respbuf *pool;

void mt_respbuf_clear(mt_respbuf *r)
{
    mt_buf_reset(&r->body);
    mt_buf_reset(&r->headers);
    mt_buf_reset(&r->url);
    r->dropped = r->wire = 0;
}

mt_respbuf *mt_respbuf_get(void)
{
    mt_respbuf *r = pool;
    if (r) {
        pool = r->next;
        mt_respbuf_clear(r);
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

static void headers_drain_pool(void);

void mt_respbuf_drain_pool(void)
{
    headers_drain_pool();
    while (pool) {
        mt_respbuf *r = pool;
        pool = r->next;
        mt_buf_free(&r->body);
        mt_buf_free(&r->headers);
        mt_buf_free(&r->url);
        free(r);
    }
}

struct mt_headers {
    mt_buf text;      /* the lines, each ended by its NUL */
    mt_headers *next; /* the pool */
};

static mt_headers *free_lists;
static int in_use;

int mt_headers_in_use(void)
{
    return in_use;
}

void mt_headers_addn(mt_headers **l, const char *line, size_t n)
{
    if (!*l) {
        in_use++;
        *l = free_lists ? free_lists : mt_calloc(1, sizeof(**l));
        if (free_lists) free_lists = free_lists->next;
        mt_buf_reset(&(*l)->text);
    }
    mt_buf_append(&(*l)->text, line, n);
    mt_buf_append(&(*l)->text, "", 1); /* the line's NUL, kept in len */
}

void mt_headers_add_pair(mt_headers **l, const char *name, const char *value)
{
    mt_headers_addn(l, name, strlen(name));
    mt_buf *b = &(*l)->text;
    b->len--; /* the line goes on past its NUL */
    mt_buf_append(b, value ? ": " : ":", value ? 2 : 1);
    if (value) mt_buf_appends(b, value);
    mt_buf_append(b, "", 1);
}

void mt_headers_add(mt_headers **l, const char *line)
{
    mt_headers_addn(l, line, strlen(line));
}

void mt_headers_free(mt_headers *l)
{
    if (!l) return;
    in_use--;
    if (l->text.cap > POOL_KEEP_MAX) mt_buf_free(&l->text);
    l->next = free_lists;
    free_lists = l;
}

const char *mt_headers_each(const mt_headers *l, const char *prev)
{
    if (!l || !l->text.len) return NULL;
    if (!prev) return l->text.data;
    const char *next = prev + strlen(prev) + 1;
    return next < l->text.data + l->text.len ? next : NULL;
}

static void headers_drain_pool(void)
{
    while (free_lists) {
        mt_headers *l = free_lists;
        free_lists = l->next;
        mt_buf_free(&l->text);
        free(l);
    }
}

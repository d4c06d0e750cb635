/* native_server.h: a scripted HTTP/1.1 server on the test's own libuv loop,
 * for test_native.c. It reads whole requests (head, then Content-Length
 * bytes of body) on any number of connections and answers the Nth request
 * it reads with step N of its script (the last step repeats): bytes to
 * send, then keep the connection, close it, or hold the request without an
 * answer, close without a byte, or reset. It counts the connections it
 * accepted and closed and the requests it read, and keeps the last one. */
#ifndef MOLOTOV_TESTS_NATIVE_SERVER_H
#define MOLOTOV_TESTS_NATIVE_SERVER_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <uv.h>

#include "molotov/common.h"

typedef enum {
    NS_KEEP,  /* send the bytes, keep the connection */
    NS_CLOSE, /* send the bytes, then close */
    NS_HOLD,  /* no answer; the connection stays */
    NS_DROP,  /* close without a byte */
    NS_RESET, /* reset without a byte */
} ns_act;

typedef struct {
    ns_act act;
    const char *bytes;
} ns_step;

typedef struct ns_conn ns_conn;

typedef struct {
    uv_tcp_t tcp;
    int port;
    const ns_step *script;
    int nsteps;
    int conns, closed, requests;
    mt_buf last; /* the last request read, head and body */
    ns_conn *open;
} ns_server;

struct ns_conn {
    uv_tcp_t tcp;
    uv_write_t w;
    ns_server *s;
    mt_buf in;
    bool close_after, closing;
    ns_conn *next;
};

static inline void ns_on_closed(uv_handle_t *h)
{
    ns_conn *c = h->data;
    ns_server *s = c->s;
    for (ns_conn **p = &s->open; *p; p = &(*p)->next)
        if (*p == c) {
            *p = c->next;
            break;
        }
    s->closed++;
    mt_buf_free(&c->in);
    free(c);
}

static inline void ns_close(ns_conn *c, bool reset)
{
    if (c->closing) return;
    c->closing = true;
    uv_read_stop((uv_stream_t *)&c->tcp);
    if (!reset || uv_tcp_close_reset(&c->tcp, ns_on_closed) != 0)
        uv_close((uv_handle_t *)&c->tcp, ns_on_closed);
}

static inline void ns_on_written(uv_write_t *w, int status)
{
    ns_conn *c = w->data;
    if (status || c->close_after) ns_close(c, false);
}

/* The length of the whole request at the start of b, or 0 while it is not in. */
static inline size_t ns_request_len(const mt_buf *b)
{
    const char *end = b->len ? memmem(b->data, b->len, "\r\n\r\n", 4) : NULL;
    if (!end) return 0;
    size_t head = (size_t)(end + 4 - b->data), body = 0;
    for (const char *l = b->data; l < end;) {
        const char *eol = memmem(l, (size_t)(end + 2 - l), "\r\n", 2);
        if (strncasecmp(l, "Content-Length:", 15) == 0) body = strtoul(l + 15, NULL, 10);
        l = eol + 2;
    }
    return b->len >= head + body ? head + body : 0;
}

static inline void ns_answer(ns_conn *c, const ns_step *st)
{
    if (st->act == NS_DROP || st->act == NS_RESET) return ns_close(c, st->act == NS_RESET);
    if (st->act == NS_HOLD) return;
    c->close_after = st->act == NS_CLOSE;
    uv_buf_t b = uv_buf_init((char *)st->bytes, (unsigned)strlen(st->bytes));
    c->w.data = c;
    if (uv_write(&c->w, (uv_stream_t *)&c->tcp, &b, 1, ns_on_written)) ns_close(c, false);
}

static inline void ns_alloc(uv_handle_t *h, size_t want, uv_buf_t *b)
{
    (void)h;
    b->base = malloc(want);
    b->len = want;
}

static inline void ns_on_read(uv_stream_t *st, ssize_t n, const uv_buf_t *b)
{
    ns_conn *c = st->data;
    if (n < 0) ns_close(c, false);
    if (n > 0) mt_buf_append(&c->in, b->base, (size_t)n);
    free(b->base);
    size_t len;
    while (!c->closing && (len = ns_request_len(&c->in)) > 0) {
        ns_server *s = c->s;
        mt_buf_reset(&s->last);
        mt_buf_append(&s->last, c->in.data, len);
        memmove(c->in.data, c->in.data + len, c->in.len - len);
        c->in.len -= len;
        int i = s->requests++;
        ns_answer(c, &s->script[i < s->nsteps ? i : s->nsteps - 1]);
    }
}

static inline void ns_on_connection(uv_stream_t *l, int status)
{
    ns_server *s = l->data;
    if (status) return;
    ns_conn *c = mt_calloc(1, sizeof *c);
    c->s = s;
    mt_buf_init(&c->in);
    uv_tcp_init(l->loop, &c->tcp);
    c->tcp.data = c;
    c->next = s->open;
    s->open = c;
    if (uv_accept(l, (uv_stream_t *)&c->tcp)) return ns_close(c, false);
    s->conns++;
    uv_read_start((uv_stream_t *)&c->tcp, ns_alloc, ns_on_read);
}

/* Listens on a free loopback port of loop. */
static inline int ns_start(ns_server *s, uv_loop_t *loop)
{
    memset(s, 0, sizeof *s);
    mt_buf_init(&s->last);
    struct sockaddr_in a;
    uv_ip4_addr("127.0.0.1", 0, &a);
    uv_tcp_init(loop, &s->tcp);
    s->tcp.data = s;
    int rc = uv_tcp_bind(&s->tcp, (const struct sockaddr *)&a, 0);
    if (!rc) rc = uv_listen((uv_stream_t *)&s->tcp, 16, ns_on_connection);
    int len = sizeof a;
    if (!rc) rc = uv_tcp_getsockname(&s->tcp, (struct sockaddr *)&a, &len);
    s->port = ntohs(a.sin_port);
    return rc;
}

static inline void ns_script(ns_server *s, const ns_step *script, int n)
{
    s->script = script;
    s->nsteps = n;
    s->requests = 0;
}

/* Closes the listener and every connection (the loop then runs them out). */
static inline void ns_stop(ns_server *s)
{
    for (ns_conn *c = s->open; c; c = c->next) ns_close(c, false);
    uv_close((uv_handle_t *)&s->tcp, NULL);
    mt_buf_free(&s->last);
}

#endif

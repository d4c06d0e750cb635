/* serve_helpers.h: what the molotov-serve tests share: a server whose loop
 * runs in a second thread (the cmocka setup and teardown), and a blocking
 * HTTP client over plain sockets that reads one reply at a time. */
#ifndef MOLOTOV_TESTS_SERVE_HELPERS_H
#define MOLOTOV_TESTS_SERVE_HELPERS_H

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "molotov/common.h"
#include "serve/serve.h"

#define HELLO "Hello from molotov serve\n"
#define GET(path) "GET " path " HTTP/1.1\r\nHost: t\r\n\r\n"

/* ---- a server whose loop runs in a second thread ---- */

typedef struct {
    uv_loop_t loop;
    uv_async_t stop;
    mt_server *srv;
    pthread_t thread;
    int port;
    bool stopped;
} fixture;

static inline void on_stop(uv_async_t *a)
{
    fixture *f = a->data;
    mt_serve_stop(f->srv);
    uv_close((uv_handle_t *)a, NULL);
}

static inline void *run_loop(void *arg)
{
    fixture *f = arg;
    uv_run(&f->loop, UV_RUN_DEFAULT);
    return NULL;
}

static inline int setup(void **state)
{
    fixture *f = mt_calloc(1, sizeof *f);
    assert_int_equal(uv_loop_init(&f->loop), 0);
    assert_int_equal(mt_serve_start(&f->loop, "127.0.0.1", 0, &f->srv), MT_OK);
    f->port = mt_serve_port(f->srv);
    assert_true(f->port > 0);
    assert_int_equal(uv_async_init(&f->loop, &f->stop, on_stop), 0);
    f->stop.data = f;
    assert_int_equal(pthread_create(&f->thread, NULL, run_loop, f), 0);
    *state = f;
    return 0;
}

/* Stops the server on its thread and waits for the loop to end. uv_run only
 * returns once no handle is left open or closing, and uv_loop_close fails if
 * any handle is still registered; ASan's leak check covers the memory. */
static inline void fixture_stop(fixture *f)
{
    if (f->stopped) return;
    f->stopped = true;
    uv_async_send(&f->stop);
    pthread_join(f->thread, NULL);
    assert_int_equal(uv_loop_close(&f->loop), 0);
}

static inline int teardown(void **state)
{
    fixture *f = *state;
    fixture_stop(f);
    free(f);
    return 0;
}

/* ---- a blocking HTTP client ---- */

typedef struct {
    int fd;
    size_t len;
    char buf[1 << 16];
} client;

typedef struct {
    int status;
    long long length; /* Content-Length, -1 when absent */
    char head[4096];
    char value[256];
    mt_buf body;
} reply;

static inline client *cl_open(int port)
{
    client *c = mt_calloc(1, sizeof *c);
    c->fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(c->fd >= 0);
    struct timeval tv = {.tv_sec = 10};
    int one = 1;
    setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(connect(c->fd, (struct sockaddr *)&sa, sizeof sa), 0);
    return c;
}

static inline void cl_close(client *c)
{
    close(c->fd);
    free(c);
}

/* Closes with a TCP reset instead of a FIN. */
static inline void cl_reset(client *c)
{
    struct linger lg = {.l_onoff = 1, .l_linger = 0};
    setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    cl_close(c);
}

static inline void cl_send(client *c, const char *data, size_t n)
{
    while (n) {
        ssize_t k = send(c->fd, data, n, MSG_NOSIGNAL);
        assert_true(k > 0);
        data += k;
        n -= (size_t)k;
    }
}

static inline void cl_sends(client *c, const char *s)
{
    cl_send(c, s, strlen(s));
}

/* Reads more input; returns what recv returned. */
static inline ssize_t cl_fill(client *c)
{
    ssize_t k = recv(c->fd, c->buf + c->len, sizeof c->buf - c->len, 0);
    if (k > 0) c->len += (size_t)k;
    return k;
}

static inline void cl_consume(client *c, size_t n)
{
    memmove(c->buf, c->buf + n, c->len - n);
    c->len -= n;
}

/* The trimmed value of header `name`, or NULL. */
static inline const char *header(reply *r, const char *name)
{
    size_t n = strlen(name);
    for (char *line = strstr(r->head, "\r\n"); line; line = strstr(line + 2, "\r\n")) {
        char *v = line + 2;
        if (strncasecmp(v, name, n) != 0 || v[n] != ':') continue;
        v += n + 1;
        while (*v == ' ') v++;
        size_t vl = strcspn(v, "\r");
        assert_true(vl < sizeof r->value);
        memcpy(r->value, v, vl);
        r->value[vl] = '\0';
        return r->value;
    }
    return NULL;
}

/* Reads one response; head_only for answers to HEAD. */
static inline void cl_read(client *c, reply *r, bool head_only)
{
    char *end;
    while (!(end = memmem(c->buf, c->len, "\r\n\r\n", 4))) assert_true(cl_fill(c) > 0);
    size_t hl = (size_t)(end + 4 - c->buf);
    assert_true(hl < sizeof r->head);
    memcpy(r->head, c->buf, hl);
    r->head[hl] = '\0';
    cl_consume(c, hl);
    assert_int_equal(sscanf(r->head, "HTTP/1.1 %d ", &r->status), 1);
    const char *cl = header(r, "Content-Length");
    r->length = cl ? atoll(cl) : -1;
    mt_buf_reset(&r->body);
    size_t want = head_only || r->length < 0 ? 0 : (size_t)r->length;
    while (r->body.len < want) {
        if (!c->len) assert_true(cl_fill(c) > 0);
        size_t k = c->len < want - r->body.len ? c->len : want - r->body.len;
        mt_buf_append(&r->body, c->buf, k);
        cl_consume(c, k);
    }
}

static inline void exchange(client *c, const char *req, reply *r)
{
    cl_sends(c, req);
    cl_read(c, r, strncmp(req, "HEAD ", 5) == 0);
}

/* Asserts the server closed the connection (after any reply already read). */
static inline void assert_closed(client *c)
{
    assert_int_equal(c->len, 0);
    ssize_t k = cl_fill(c);
    assert_true(k == 0 || (k < 0 && errno == ECONNRESET));
}

static inline void assert_reply(reply *r, int status, const char *type, const char *body)
{
    assert_int_equal(r->status, status);
    assert_non_null(header(r, "Content-Type"));
    assert_string_equal(header(r, "Content-Type"), type);
    if (body) {
        assert_int_equal(r->length, strlen(body));
        assert_string_equal(r->body.data ? r->body.data : "", body);
    }
}

static inline void reply_init(reply *r)
{
    memset(r, 0, sizeof *r);
    mt_buf_init(&r->body);
}

/* A client of the server of the fixture in state, and r made ready for its
 * replies; cl_finish frees both. */
static inline client *cl_start(void **state, reply *r)
{
    fixture *f = *state;
    reply_init(r);
    return cl_open(f->port);
}

static inline void cl_finish(client *c, reply *r)
{
    mt_buf_free(&r->body);
    cl_close(c);
}

#endif

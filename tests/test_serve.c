/* test_serve.c: the built-in HTTP target (src/serve.c): routes, framing,
 * keep-alive and pipelining, partial reads, delays, /limit's capacity,
 * malformed and oversized requests, client disconnects, stopping with
 * connections open, start errors and the `molotov serve` subcommand. The
 * server's loop runs in its own thread; the test thread talks to it over plain
 * blocking sockets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "molotov/common.h"
#include "molotov/serve.h"

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

static void on_stop(uv_async_t *a)
{
    fixture *f = a->data;
    mt_serve_stop(f->srv);
    uv_close((uv_handle_t *)a, NULL);
}

static void *run_loop(void *arg)
{
    fixture *f = arg;
    uv_run(&f->loop, UV_RUN_DEFAULT);
    return NULL;
}

static int setup(void **state)
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
static void fixture_stop(fixture *f)
{
    if (f->stopped) return;
    f->stopped = true;
    uv_async_send(&f->stop);
    pthread_join(f->thread, NULL);
    assert_int_equal(uv_loop_close(&f->loop), 0);
}

static int teardown(void **state)
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

static client *cl_open(int port)
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

static void cl_close(client *c)
{
    close(c->fd);
    free(c);
}

/* Closes with a TCP reset instead of a FIN. */
static void cl_reset(client *c)
{
    struct linger lg = {.l_onoff = 1, .l_linger = 0};
    setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    cl_close(c);
}

static void cl_send(client *c, const char *data, size_t n)
{
    while (n) {
        ssize_t k = send(c->fd, data, n, MSG_NOSIGNAL);
        assert_true(k > 0);
        data += k;
        n -= (size_t)k;
    }
}

static void cl_sends(client *c, const char *s)
{
    cl_send(c, s, strlen(s));
}

/* Reads more input; returns what recv returned. */
static ssize_t cl_fill(client *c)
{
    ssize_t k = recv(c->fd, c->buf + c->len, sizeof c->buf - c->len, 0);
    if (k > 0) c->len += (size_t)k;
    return k;
}

static void cl_consume(client *c, size_t n)
{
    memmove(c->buf, c->buf + n, c->len - n);
    c->len -= n;
}

/* The trimmed value of header `name`, or NULL. */
static const char *header(reply *r, const char *name)
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
static void cl_read(client *c, reply *r, bool head_only)
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

static void exchange(client *c, const char *req, reply *r)
{
    cl_sends(c, req);
    cl_read(c, r, strncmp(req, "HEAD ", 5) == 0);
}

/* Asserts the server closed the connection (after any reply already read). */
static void assert_closed(client *c)
{
    assert_int_equal(c->len, 0);
    ssize_t k = cl_fill(c);
    assert_true(k == 0 || (k < 0 && errno == ECONNRESET));
}

static void assert_reply(reply *r, int status, const char *type, const char *body)
{
    assert_int_equal(r->status, status);
    assert_non_null(header(r, "Content-Type"));
    assert_string_equal(header(r, "Content-Type"), type);
    if (body) {
        assert_int_equal(r->length, strlen(body));
        assert_string_equal(r->body.data ? r->body.data : "", body);
    }
}

static void reply_init(reply *r)
{
    memset(r, 0, sizeof *r);
    mt_buf_init(&r->body);
}

/* ---- routes ---- */

static void test_routes(void **state)
{
    fixture *f = *state;
    client *c = cl_open(f->port);
    reply r;
    reply_init(&r);
    exchange(c, GET("/"), &r);
    assert_reply(&r, 200, "text/plain", HELLO);
    assert_string_equal(header(&r, "Server"), "molotov");
    exchange(c, GET("/json?pretty=1"), &r);
    assert_reply(&r, 200, "application/json", "{\"hello\":\"world\"}");
    exchange(c, "POST /items HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}", &r);
    assert_reply(&r, 201, "application/json", "{\"id\":1}");
    exchange(c, "POST /items HTTP/1.1\r\nContent-Length: 0\r\n\r\n", &r);
    assert_reply(&r, 201, "application/json", "{\"id\":2}");
    exchange(c, "PUT /echo?a=1&b=%22 HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello", &r);
    assert_reply(&r, 200, "application/json",
                 "{\"method\":\"PUT\",\"path\":\"/echo?a=1&b=%22\",\"body_length\":5}");
    exchange(c, GET("/echo"), &r);
    assert_reply(&r, 200, "application/json",
                 "{\"method\":\"GET\",\"path\":\"/echo\",\"body_length\":0}");
    exchange(c, GET("/bytes/10"), &r);
    assert_reply(&r, 200, "application/octet-stream", "xxxxxxxxxx");
    exchange(c, GET("/bytes/0"), &r);
    assert_reply(&r, 200, "application/octet-stream", "");
    mt_buf_free(&r.body);
    cl_close(c);
}

static void test_status_route(void **state)
{
    fixture *f = *state;
    client *c = cl_open(f->port);
    reply r;
    reply_init(&r);
    exchange(c, GET("/status/503"), &r);
    assert_reply(&r, 503, "text/plain", "");
    assert_non_null(strstr(r.head, "HTTP/1.1 503 Service Unavailable\r\n"));
    exchange(c, "DELETE /status/418 HTTP/1.1\r\n\r\n", &r);
    assert_reply(&r, 418, "text/plain", "");
    exchange(c, "POST /status/200 HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc", &r);
    assert_reply(&r, 200, "text/plain", "");
    exchange(c, GET("/status/204"), &r); /* no body, and RFC 9110 forbids Content-Length */
    assert_int_equal(r.status, 204);
    assert_int_equal(r.length, -1);
    exchange(c, GET("/status/abc"), &r);
    assert_int_equal(r.status, 404);
    exchange(c, GET("/status/600"), &r); /* a bad code, but a well-formed request */
    assert_reply(&r, 400, "text/plain", "400 Bad Request\n");
    exchange(c, GET("/status/200"), &r);
    assert_reply(&r, 200, "text/plain", "");
    mt_buf_free(&r.body);
    cl_close(c);
}

static void test_not_found_and_head(void **state)
{
    fixture *f = *state;
    client *c = cl_open(f->port);
    reply r;
    reply_init(&r);
    const char *missing[] = {GET("/nope"),
                             GET("/items"),
                             GET("/json/"),
                             GET("/bytes/x"),
                             "POST /json HTTP/1.1\r\n\r\n",
                             "POST / HTTP/1.1\r\n\r\n"};
    for (size_t i = 0; i < sizeof missing / sizeof *missing; i++) {
        exchange(c, missing[i], &r);
        assert_reply(&r, 404, "text/plain", "404 Not Found\n");
    }
    exchange(c, "HEAD / HTTP/1.1\r\n\r\n", &r);
    assert_int_equal(r.status, 200);
    assert_int_equal(r.length, strlen(HELLO));
    exchange(c, "HEAD /bytes/99999999999 HTTP/1.1\r\n\r\n", &r);
    assert_int_equal(r.length, 4ll << 30); /* capped at 4 GiB, and no body follows */
    exchange(c, GET("/"), &r);
    assert_reply(&r, 200, "text/plain", HELLO);
    mt_buf_free(&r.body);
    cl_close(c);
}

static bool all_x(const mt_buf *b)
{
    for (size_t i = 0; i < b->len; i++)
        if (b->data[i] != 'x') return false;
    return true;
}

static void test_bytes_streams_large_bodies(void **state)
{
    fixture *f = *state;
    client *c = cl_open(f->port);
    reply r;
    reply_init(&r);
    exchange(c, GET("/bytes/3000001"), &r);
    assert_int_equal(r.status, 200);
    assert_int_equal(r.length, 3000001);
    assert_int_equal(r.body.len, 3000001);
    assert_true(all_x(&r.body));
    exchange(c, GET("/bytes/67108864"), &r);
    assert_int_equal(r.length, 64 << 20);
    assert_int_equal(r.body.len, 64 << 20);
    assert_true(all_x(&r.body));
    exchange(c, GET("/json"), &r); /* the stream was framed exactly */
    assert_reply(&r, 200, "application/json", "{\"hello\":\"world\"}");
    mt_buf_free(&r.body);
    cl_close(c);
}

/* ---- connections ---- */

static void test_keep_alive_and_pipelining(void **state)
{
    fixture *f = *state;
    client *c = cl_open(f->port);
    reply r;
    reply_init(&r);
    exchange(c, GET("/"), &r);
    assert_reply(&r, 200, "text/plain", HELLO);
    assert_null(header(&r, "Connection"));
    exchange(c, GET("/json"), &r);
    assert_reply(&r, 200, "application/json", "{\"hello\":\"world\"}");
    cl_sends(c, GET("/delay/30") GET("/") "POST /echo HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc" GET(
                    "/status/202") "POST /items HTTP/1.1\r\n\r\n");
    cl_read(c, &r, false);
    assert_reply(&r, 200, "application/json", "{\"delay_ms\":30}");
    cl_read(c, &r, false);
    assert_reply(&r, 200, "text/plain", HELLO);
    cl_read(c, &r, false);
    assert_reply(&r, 200, "application/json",
                 "{\"method\":\"POST\",\"path\":\"/echo\",\"body_length\":3}");
    cl_read(c, &r, false);
    assert_reply(&r, 202, "text/plain", "");
    cl_read(c, &r, false);
    assert_reply(&r, 201, "application/json", "{\"id\":1}");
    exchange(c, "GET / HTTP/1.1\r\nConnection: close\r\n\r\n" GET("/json"), &r);
    assert_reply(&r, 200, "text/plain", HELLO);
    assert_string_equal(header(&r, "Connection"), "close");
    assert_closed(c); /* the request after the close is not answered */
    mt_buf_free(&r.body);
    cl_close(c);
}

static void test_many_pipelined_requests(void **state)
{
    fixture *f = *state;
    client *c = cl_open(f->port);
    mt_buf all;
    mt_buf_init(&all);
    for (int i = 0; i < 2000; i++) mt_buf_appends(&all, GET("/echo"));
    cl_send(c, all.data, all.len);
    reply r;
    reply_init(&r);
    for (int i = 0; i < 2000; i++) {
        cl_read(c, &r, false);
        assert_int_equal(r.status, 200);
    }
    assert_int_equal(mt_serve_requests(f->srv), 2000);
    mt_buf_free(&all);
    mt_buf_free(&r.body);
    cl_close(c);
}

static void test_http10(void **state)
{
    fixture *f = *state;
    client *c = cl_open(f->port);
    reply r;
    reply_init(&r);
    exchange(c, "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", &r);
    assert_reply(&r, 200, "text/plain", HELLO);
    assert_string_equal(header(&r, "Connection"), "keep-alive");
    exchange(c, "GET /json HTTP/1.0\r\n\r\n", &r);
    assert_reply(&r, 200, "application/json", "{\"hello\":\"world\"}");
    assert_string_equal(header(&r, "Connection"), "close");
    assert_closed(c);
    mt_buf_free(&r.body);
    cl_close(c);
}

static void test_partial_reads(void **state)
{
    fixture *f = *state;
    client *c = cl_open(f->port);
    const char *req = "\r\nPOST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\n0123456789";
    for (const char *p = req; *p; p++) cl_send(c, p, 1);
    reply r;
    reply_init(&r);
    cl_read(c, &r, false);
    assert_reply(&r, 200, "application/json",
                 "{\"method\":\"POST\",\"path\":\"/echo\",\"body_length\":10}");
    cl_sends(c, "GET /json HTTP/1.1\r\n\r");
    cl_sends(c, "\n");
    cl_read(c, &r, false);
    assert_reply(&r, 200, "application/json", "{\"hello\":\"world\"}");
    mt_buf_free(&r.body);
    cl_close(c);
}

static void test_large_request_body_is_skipped(void **state)
{
    fixture *f = *state;
    client *c = cl_open(f->port);
    size_t n = 5u << 20;
    char *body = mt_malloc(n);
    memset(body, 'b', n);
    cl_sends(c, "POST /echo HTTP/1.1\r\nContent-Length: 5242880\r\n\r\n");
    cl_send(c, body, n);
    reply r;
    reply_init(&r);
    cl_read(c, &r, false);
    assert_reply(&r, 200, "application/json",
                 "{\"method\":\"POST\",\"path\":\"/echo\",\"body_length\":5242880}");
    exchange(c, GET("/"), &r);
    assert_reply(&r, 200, "text/plain", HELLO);
    free(body);
    mt_buf_free(&r.body);
    cl_close(c);
}

static void test_expect_continue(void **state)
{
    fixture *f = *state;
    client *c = cl_open(f->port);
    reply r;
    reply_init(&r);
    exchange(c, "PUT /echo HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n", &r);
    assert_int_equal(r.status, 100);
    exchange(c, "abcd", &r);
    assert_reply(&r, 200, "application/json",
                 "{\"method\":\"PUT\",\"path\":\"/echo\",\"body_length\":4}");
    mt_buf_free(&r.body);
    cl_close(c);
}

/* ---- delays ---- */

static void test_delay_waits(void **state)
{
    fixture *f = *state;
    client *c = cl_open(f->port);
    reply r;
    reply_init(&r);
    uint64_t t0 = mt_now_ns();
    exchange(c, GET("/delay/100"), &r);
    uint64_t took = mt_now_ns() - t0;
    assert_reply(&r, 200, "application/json", "{\"delay_ms\":100}");
    assert_true(took >= 100 * 1000000ull);
    mt_buf_free(&r.body);
    cl_close(c);
}

static void test_delay_does_not_block_others(void **state)
{
    fixture *f = *state;
    client *slow = cl_open(f->port), *fast = cl_open(f->port);
    reply r;
    reply_init(&r);
    cl_sends(slow, GET("/delay/1000"));
    exchange(fast, GET("/"), &r);
    assert_reply(&r, 200, "text/plain", HELLO);
    struct pollfd pfd = {.fd = slow->fd, .events = POLLIN};
    assert_int_equal(poll(&pfd, 1, 0), 0); /* the delayed answer is still pending */
    cl_close(slow);                        /* and the client gives up */
    exchange(fast, GET("/json"), &r);
    assert_int_equal(r.status, 200);
    mt_buf_free(&r.body);
    cl_close(fast);
}

/* ---- /limit: a known capacity ---- */

#define MS(ns) ((ns) / 1000000ull)

static void test_limit_capacity(void **state)
{
    fixture *f = *state;
    enum { N = 5 };
    client *c[N];
    reply r;
    reply_init(&r);
    for (int i = 0; i < N; i++) c[i] = cl_open(f->port);
    uint64_t t0 = mt_now_ns();
    for (int i = 0; i < N; i++) cl_sends(c[i], GET("/limit/3/300"));
    uint64_t at[N] = {0}; /* when each answer arrived */
    for (int left = N; left > 0;) {
        struct pollfd pfd[N];
        for (int i = 0; i < N; i++)
            pfd[i] = (struct pollfd){.fd = at[i] ? -1 : c[i]->fd, .events = POLLIN};
        assert_true(poll(pfd, N, 10000) > 0);
        uint64_t now = mt_now_ns();
        for (int i = 0; i < N; i++)
            if (pfd[i].revents) at[i] = now, left--;
    }
    int ok = 0, over = 0;
    for (int i = 0; i < N; i++) {
        cl_read(c[i], &r, false);
        uint64_t took = MS(at[i] - t0);
        if (r.status == 200) {
            assert_reply(&r, 200, "text/plain", "ok\n");
            assert_true(took >= 300);
            ok++;
        } else {
            assert_reply(&r, 503, "text/plain", "over capacity\n");
            assert_non_null(strstr(r.head, "HTTP/1.1 503 Service Unavailable\r\n"));
            assert_null(header(&r, "Connection")); /* a 503 keeps the connection */
            assert_true(took < 150);
            over++;
        }
    }
    assert_int_equal(ok, 3);
    assert_int_equal(over, 2);
    /* Every slot came back: even K=1 has room, on old and new connections. */
    exchange(c[0], GET("/limit/1/0"), &r);
    assert_reply(&r, 200, "text/plain", "ok\n");
    client *d = cl_open(f->port);
    uint64_t t1 = mt_now_ns();
    exchange(d, GET("/limit/3/50"), &r);
    assert_reply(&r, 200, "text/plain", "ok\n");
    assert_true(MS(mt_now_ns() - t1) >= 50);
    exchange(d, "HEAD /limit/1/0 HTTP/1.1\r\n\r\n", &r);
    assert_int_equal(r.status, 200);
    assert_int_equal(r.length, 3);
    exchange(d, GET("/limit/0/0"), &r); /* no capacity at all */
    assert_reply(&r, 503, "text/plain", "over capacity\n");
    exchange(d, "POST /limit/100000/0 HTTP/1.1\r\nContent-Length: 2\r\n\r\nhi", &r);
    assert_reply(&r, 200, "text/plain", "ok\n");
    mt_buf_free(&r.body);
    cl_close(d);
    for (int i = 0; i < N; i++) cl_close(c[i]);
}

/* Asks GET /limit/K/0 on c until it gets a 200, for up to two seconds. */
static void await_limit_room(client *c, int k)
{
    char req[64];
    snprintf(req, sizeof req, "GET /limit/%d/0 HTTP/1.1\r\n\r\n", k);
    reply r;
    reply_init(&r);
    uint64_t deadline = mt_now_ns() + 2000000000ull;
    for (;;) {
        exchange(c, req, &r);
        if (r.status == 200 || mt_now_ns() > deadline) break;
        assert_int_equal(r.status, 503);
        poll(NULL, 0, 5);
    }
    assert_reply(&r, 200, "text/plain", "ok\n");
    mt_buf_free(&r.body);
}

static void test_limit_disconnect_frees_slot(void **state)
{
    fixture *f = *state;
    client *w[3], *probe = cl_open(f->port);
    reply r;
    reply_init(&r);
    for (int i = 0; i < 3; i++) {
        w[i] = cl_open(f->port);
        cl_sends(w[i], GET("/limit/3/30000"));
    }
    /* Wait until the server holds all three: then a fourth is over capacity. */
    uint64_t deadline = mt_now_ns() + 2000000000ull;
    do {
        exchange(probe, GET("/limit/3/0"), &r);
        if (r.status == 200) poll(NULL, 0, 5);
    } while (r.status == 200 && mt_now_ns() < deadline);
    assert_reply(&r, 503, "text/plain", "over capacity\n");
    cl_close(w[0]); /* a FIN while waiting */
    await_limit_room(probe, 3);
    exchange(probe, GET("/limit/2/0"), &r); /* two still wait */
    assert_int_equal(r.status, 503);
    cl_reset(w[1]); /* a reset while waiting */
    await_limit_room(probe, 2);
    exchange(probe, GET("/limit/1/0"), &r); /* one still waits */
    assert_int_equal(r.status, 503);
    mt_buf_free(&r.body);
    cl_close(probe);
    cl_close(w[2]); /* left for the server's stop to abandon */
}

static void test_limit_bad_paths(void **state)
{
    fixture *f = *state;
    client *c = cl_open(f->port);
    reply r;
    reply_init(&r);
    const char *bad[] = {
        GET("/limit"),         GET("/limit/"),      GET("/limit/3"),
        GET("/limit/3/"),      GET("/limit//300"),  GET("/limit/3/300/"),
        GET("/limit/-1/0"),    GET("/limit/3/-5"),  GET("/limit/a/0"),
        GET("/limit/3/0x"),    GET("/limit/3/1.5"), GET("/limit/100001/0"),
        GET("/limit/3/60001"), GET("/limit/3/0/0"), GET("/limits/3/0"),
        GET("/limit/+3/0"),    GET("/limit/3%2F0"), GET("/limit/9999999999999999999/0")};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        exchange(c, bad[i], &r);
        assert_reply(&r, 404, "text/plain", "404 Not Found\n");
    }
    exchange(c, GET("/limit/1/0?x=/"), &r); /* the query string is not part of the path */
    assert_reply(&r, 200, "text/plain", "ok\n");
    mt_buf_free(&r.body);
    cl_close(c);
}

/* ---- bad requests ---- */

static void expect_error(fixture *f, const char *req, size_t n, int status)
{
    client *c = cl_open(f->port);
    reply r;
    reply_init(&r);
    cl_send(c, req, n);
    cl_read(c, &r, false);
    assert_int_equal(r.status, status);
    assert_non_null(header(&r, "Content-Type"));
    assert_string_equal(header(&r, "Connection"), "close");
    assert_int_equal(r.length, r.body.len);
    assert_closed(c);
    mt_buf_free(&r.body);
    cl_close(c);
}

static void test_malformed_requests(void **state)
{
    fixture *f = *state;
    const char *bad[] = {
        "garbage\r\n\r\n",
        "\x01\x02\x03\x04",
        "GET / HTTP/1.1\nHost: t\n\n",
        "GET / HTTP/2.0\r\n\r\n",
        "GET  / HTTP/1.1\r\n\r\n",
        "GET /\r\n\r\n",
        "G(T / HTTP/1.1\r\n\r\n",
        "GET / HTTP/1.1\r\n folded\r\n\r\n",
        "GET / HTTP/1.1\r\nNo-Colon\r\n\r\n",
        "GET / HTTP/1.1\r\nHost : t\r\n\r\n",
        "GET / HTTP/1.1\r\nContent-Length: abc\r\n\r\n",
        "GET / HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
        "GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
        "GET / HTTP/1.1\r\nX: a\rb\r\n\r\n",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        expect_error(f, bad[i], strlen(bad[i]), 400);
    expect_error(f, "GET /a\0b HTTP/1.1\r\n\r\n", 21, 400);
    const char *chunked =
        "POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n";
    expect_error(f, chunked, strlen(chunked), 411);
}

/* A head of exactly `size` bytes: a request line, one padding header, CRLFCRLF. */
static char *head_of_size(size_t size)
{
    const char *start = "GET / HTTP/1.1\r\nX-Pad: ";
    char *h = mt_malloc(size + 1);
    size_t k = strlen(start);
    memcpy(h, start, k);
    memset(h + k, 'a', size - k - 4);
    memcpy(h + size - 4, "\r\n\r\n", 5);
    return h;
}

static void test_header_size_limit(void **state)
{
    fixture *f = *state;
    char *h = head_of_size(16384);
    client *c = cl_open(f->port);
    reply r;
    reply_init(&r);
    exchange(c, h, &r);
    assert_reply(&r, 200, "text/plain", HELLO);
    cl_close(c);
    free(h);
    h = head_of_size(16385);
    expect_error(f, h, strlen(h), 431);
    free(h);
    h = head_of_size(40000);
    h[30000] = '\0'; /* no end of head at all */
    expect_error(f, h, strlen(h), 431);
    free(h);
    mt_buf_free(&r.body);
}

/* ---- counting, disconnects, stopping ---- */

static void test_request_counter(void **state)
{
    fixture *f = *state;
    assert_int_equal(mt_serve_requests(f->srv), 0);
    client *c = cl_open(f->port);
    reply r;
    reply_init(&r);
    exchange(c, GET("/"), &r);
    exchange(c, GET("/nope"), &r);
    exchange(c, "POST /items HTTP/1.1\r\n\r\n", &r);
    assert_int_equal(mt_serve_requests(f->srv), 3);
    cl_sends(c, GET("/") GET("/json"));
    cl_read(c, &r, false);
    cl_read(c, &r, false);
    assert_int_equal(mt_serve_requests(f->srv), 5);
    exchange(c, "junk\r\n\r\n", &r); /* a 400 is an answer too */
    assert_int_equal(mt_serve_requests(f->srv), 6);
    mt_buf_free(&r.body);
    cl_close(c);
}

static void test_client_disconnects(void **state)
{
    fixture *f = *state;
    client *c = cl_open(f->port);
    cl_close(c); /* connects and leaves */
    c = cl_open(f->port);
    cl_sends(c, "GET / HT");
    cl_reset(c); /* half a request, then a reset */
    c = cl_open(f->port);
    cl_sends(c, GET("/delay/20"));
    cl_close(c); /* gone before the delayed answer */
    c = cl_open(f->port);
    cl_sends(c, GET("/bytes/67108864"));
    assert_true(cl_fill(c) > 0);
    cl_reset(c); /* resets in the middle of a stream */
    c = cl_open(f->port);
    cl_sends(c, GET("/bytes/1000000") GET("/bytes/1000000"));
    cl_close(c); /* FIN with answers unread */
    c = cl_open(f->port);
    reply r;
    reply_init(&r);
    exchange(c, GET("/delay/60"), &r); /* by now the server saw every one of them */
    assert_reply(&r, 200, "application/json", "{\"delay_ms\":60}");
    exchange(c, GET("/"), &r);
    assert_reply(&r, 200, "text/plain", HELLO);
    mt_buf_free(&r.body);
    cl_close(c);
}

static void test_stop_with_open_connections(void **state)
{
    fixture *f = *state;
    reply r;
    reply_init(&r);
    client *idle = cl_open(f->port);
    exchange(idle, GET("/"), &r);
    client *delayed = cl_open(f->port);
    cl_sends(delayed, GET("/delay/10000"));
    client *streaming = cl_open(f->port);
    cl_sends(streaming, GET("/bytes/67108864"));
    assert_true(cl_fill(streaming) > 0);
    client *partial = cl_open(f->port);
    cl_sends(partial, "POST /echo HTTP/1.1\r\nContent-Length: 100\r\n\r\nabc");
    client *other = cl_open(f->port);
    exchange(other, GET("/json"), &r); /* the server has seen the others by now */
    fixture_stop(f);
    assert_closed(idle);
    assert_closed(partial);
    assert_closed(delayed);
    client *all[] = {idle, delayed, streaming, partial, other};
    for (size_t i = 0; i < 5; i++) cl_close(all[i]);
    mt_buf_free(&r.body);
}

/* ---- starting ---- */

static void test_start_errors(void **state)
{
    fixture *f = *state;
    uv_loop_t loop;
    assert_int_equal(uv_loop_init(&loop), 0);
    mt_server *s = (mt_server *)&loop; /* must be reset to NULL */
    assert_int_equal(mt_serve_start(&loop, "127.0.0.1", -1, &s), MT_EINVAL);
    assert_null(s);
    assert_int_equal(mt_serve_start(&loop, "127.0.0.1", 65536, &s), MT_EINVAL);
    assert_int_equal(mt_serve_start(&loop, "not-an-address", 0, &s), MT_EINVAL);
    assert_int_equal(mt_serve_start(&loop, "", 0, &s), MT_EINVAL);
    assert_int_equal(mt_serve_start(NULL, "127.0.0.1", 0, &s), MT_EINVAL);
    assert_int_equal(mt_serve_start(&loop, "127.0.0.1", 0, NULL), MT_EINVAL);
    assert_int_equal(mt_serve_start(&loop, "127.0.0.1", f->port, &s), MT_EIO);
    assert_int_equal(errno, EADDRINUSE);
    assert_null(s);
    assert_int_equal(mt_serve_start(&loop, "localhost", 0, &s), MT_OK);
    assert_true(mt_serve_port(s) > 0);
    assert_int_equal(mt_serve_requests(s), 0);
    mt_serve_stop(s);
    mt_serve_stop(NULL);
    assert_int_equal(uv_run(&loop, UV_RUN_DEFAULT), 0);
    assert_int_equal(uv_loop_close(&loop), 0);
}

/* ---- the subcommand ---- */

typedef struct {
    int fd, saved, read_end;
} capture;

static void capture_begin(capture *cap, int fd)
{
    int p[2];
    assert_int_equal(pipe(p), 0);
    fflush(fd == 1 ? stdout : stderr);
    cap->fd = fd;
    cap->saved = dup(fd);
    cap->read_end = p[0];
    dup2(p[1], fd);
    close(p[1]);
}

/* Restores the stream and returns what was written to it (caller frees). */
static char *capture_end(capture *cap)
{
    fflush(cap->fd == 1 ? stdout : stderr);
    dup2(cap->saved, cap->fd);
    close(cap->saved);
    mt_buf b;
    mt_buf_init(&b);
    char chunk[512];
    ssize_t k;
    while ((k = read(cap->read_end, chunk, sizeof chunk)) > 0) mt_buf_append(&b, chunk, (size_t)k);
    close(cap->read_end);
    mt_buf_appends(&b, "");
    return b.data;
}

static int run_main(int argc, const char **argv, char **out, char **err)
{
    capture co, ce;
    capture_begin(&co, 1);
    capture_begin(&ce, 2);
    int rc = mt_serve_main(argc, (char **)argv);
    *err = capture_end(&ce);
    *out = capture_end(&co);
    return rc;
}

static void expect_bad_option(const char **argv, int argc, const char *named)
{
    char *out, *err;
    assert_int_equal(run_main(argc, argv, &out, &err), 2);
    assert_string_equal(out, "");
    assert_non_null(strstr(err, named));
    assert_int_equal(strchr(err, '\n') - err + 1, strlen(err)); /* one line */
    free(out);
    free(err);
}

static void test_main_options(void **state)
{
    fixture *f = *state;
    const char *a1[] = {"serve", "--bogus"}, *a2[] = {"serve", "--port", "abc"};
    const char *a3[] = {"serve", "--port"}, *a4[] = {"serve", "--port=70000"};
    const char *a5[] = {"serve", "--duration", "0"}, *a6[] = {"serve", "extra"};
    expect_bad_option(a1, 2, "--bogus");
    expect_bad_option(a2, 3, "--port");
    expect_bad_option(a3, 2, "--port");
    expect_bad_option(a4, 2, "--port");
    expect_bad_option(a5, 3, "--duration");
    expect_bad_option(a6, 2, "extra");
    char *out, *err;
    const char *help[] = {"serve", "-h"};
    assert_int_equal(run_main(2, help, &out, &err), 0);
    assert_true(strncmp(out, "usage: molotov serve", 20) == 0);
    free(out);
    free(err);
    char port[16];
    snprintf(port, sizeof port, "%d", f->port);
    const char *busy[] = {"serve", "--port", port};
    assert_int_equal(run_main(3, busy, &out, &err), 1);
    assert_non_null(strstr(err, "cannot listen on 127.0.0.1:"));
    free(out);
    free(err);
    const char *timed[] = {"serve", "--port=0", "--duration=0.05"};
    assert_int_equal(run_main(3, timed, &out, &err), 0);
    int p = 0;
    assert_int_equal(sscanf(out, "molotov serve: listening on http://127.0.0.1:%d\n", &p), 1);
    assert_true(p > 0);
    assert_int_equal(strchr(out, '\n') - out + 1, strlen(out));
    free(out);
    free(err);
}

typedef struct {
    const char **argv;
    int argc, rc;
} main_call;

static void *main_thread(void *arg)
{
    main_call *m = arg;
    m->rc = mt_serve_main(m->argc, (char **)m->argv);
    return NULL;
}

/* Runs the subcommand until `signum`, talking to it in between. */
static void serve_until_signal(int signum)
{
    capture co;
    capture_begin(&co, 1);
    const char *argv[] = {"serve", "--host", "127.0.0.1", "--port", "0"};
    main_call m = {.argv = argv, .argc = 5, .rc = -1};
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, main_thread, &m), 0);
    char line[128];
    size_t n = 0;
    while (n < sizeof line - 1 && (n == 0 || line[n - 1] != '\n'))
        assert_true(read(co.read_end, line + n++, 1) == 1);
    line[n] = '\0';
    int port = 0;
    assert_int_equal(sscanf(line, "molotov serve: listening on http://127.0.0.1:%d\n", &port), 1);
    client *c = cl_open(port);
    reply r;
    reply_init(&r);
    exchange(c, GET("/"), &r);
    assert_reply(&r, 200, "text/plain", HELLO);
    kill(getpid(), signum);
    pthread_join(t, NULL);
    assert_int_equal(m.rc, 0);
    assert_closed(c);
    cl_close(c);
    mt_buf_free(&r.body);
    free(capture_end(&co));
}

static void test_main_stops_on_signals(void **state)
{
    (void)state;
    serve_until_signal(SIGTERM);
    serve_until_signal(SIGINT);
}

/* ---- faults on purpose ---- */

static void test_garbage_and_hangup(void **state)
{
    fixture *f = *state;
    client *c = cl_open(f->port);
    cl_sends(c, GET("/garbage"));
    while (cl_fill(c) > 0) {
    }
    assert_true(c->len > 0);
    assert_null(memmem(c->buf, c->len, "HTTP/", 5)); /* not a status line */
    cl_close(c);
    c = cl_open(f->port);
    cl_sends(c, GET("/hangup"));
    assert_closed(c); /* read, then closed without a byte */
    cl_close(c);
}

static void test_trickle_sends_a_byte_at_a_time(void **state)
{
    fixture *f = *state;
    client *c = cl_open(f->port);
    reply r;
    reply_init(&r);
    uint64_t t0 = mt_now_ns();
    exchange(c, GET("/trickle/5/40"), &r);
    uint64_t took = mt_now_ns() - t0;
    assert_reply(&r, 200, "text/plain", "xxxxx");
    assert_true(took >= 5 * 40 * 1000000ull);
    exchange(c, GET("/"), &r); /* the connection is still good */
    assert_int_equal(r.status, 200);
    exchange(c, GET("/trickle/100001/1"), &r);
    assert_int_equal(r.status, 404);
    exchange(c, GET("/trickle/5/0"), &r);
    assert_int_equal(r.status, 404);
    mt_buf_free(&r.body);
    cl_close(c);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_routes),
        T(test_status_route),
        T(test_not_found_and_head),
        T(test_bytes_streams_large_bodies),
        T(test_keep_alive_and_pipelining),
        T(test_many_pipelined_requests),
        T(test_http10),
        T(test_partial_reads),
        T(test_large_request_body_is_skipped),
        T(test_expect_continue),
        T(test_delay_waits),
        T(test_delay_does_not_block_others),
        T(test_limit_capacity),
        T(test_limit_disconnect_frees_slot),
        T(test_limit_bad_paths),
        T(test_malformed_requests),
        T(test_header_size_limit),
        T(test_request_counter),
        T(test_client_disconnects),
        T(test_stop_with_open_connections),
        T(test_start_errors),
        T(test_main_options),
        T(test_main_stops_on_signals),
        T(test_garbage_and_hangup),
        T(test_trickle_sends_a_byte_at_a_time),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_serve_routes.c: molotov-serve's routes (tools/serve/routes.c), over a
 * real connection: the fixed answers, /status, 404 and HEAD, /bytes streams,
 * /delay, /limit's capacity and the faults on purpose (/garbage, /hangup,
 * /trickle). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <poll.h>

#include "serve_helpers.h"

/* ---- routes ---- */

static void test_routes(void **state)
{
    reply r;
    client *c = cl_start(state, &r);
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
    cl_finish(c, &r);
}

static void test_status_route(void **state)
{
    reply r;
    client *c = cl_start(state, &r);
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
    cl_finish(c, &r);
}

static void test_not_found_and_head(void **state)
{
    reply r;
    client *c = cl_start(state, &r);
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
    cl_finish(c, &r);
}

static bool all_x(const mt_buf *b)
{
    for (size_t i = 0; i < b->len; i++)
        if (b->data[i] != 'x') return false;
    return true;
}

static void test_bytes_streams_large_bodies(void **state)
{
    reply r;
    client *c = cl_start(state, &r);
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
    cl_finish(c, &r);
}

/* ---- delays ---- */

static void test_delay_waits(void **state)
{
    reply r;
    client *c = cl_start(state, &r);
    uint64_t t0 = mt_now_ns();
    exchange(c, GET("/delay/100"), &r);
    uint64_t took = mt_now_ns() - t0;
    assert_reply(&r, 200, "application/json", "{\"delay_ms\":100}");
    assert_true(took >= 100 * 1000000ull);
    cl_finish(c, &r);
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
            assert_true(took < 250); /* at once, well before the 300 ms of an ok (a loaded CI) */
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
    reply r;
    client *c = cl_start(state, &r);
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
    cl_finish(c, &r);
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
    reply r;
    client *c = cl_start(state, &r);
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
    cl_finish(c, &r);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_routes),
        T(test_status_route),
        T(test_not_found_and_head),
        T(test_bytes_streams_large_bodies),
        T(test_delay_waits),
        T(test_delay_does_not_block_others),
        T(test_limit_capacity),
        T(test_limit_disconnect_frees_slot),
        T(test_limit_bad_paths),
        T(test_garbage_and_hangup),
        T(test_trickle_sends_a_byte_at_a_time),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

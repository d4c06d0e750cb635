/* test_serve_conn.c: molotov-serve's connections and listener
 * (tools/serve/conn.c, listen.c): keep-alive and pipelining, HTTP/1.0,
 * partial reads, skipped bodies, 100-continue, malformed and oversized
 * requests, the request counter, client disconnects, stopping with
 * connections open and start errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "serve_helpers.h"

/* ---- connections ---- */

static void test_keep_alive_and_pipelining(void **state)
{
    reply r;
    client *c = cl_start(state, &r);
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
    cl_finish(c, &r);
}

static void test_many_pipelined_requests(void **state)
{
    fixture *f = *state;
    reply r;
    client *c = cl_start(state, &r);
    mt_buf all;
    mt_buf_init(&all);
    for (int i = 0; i < 2000; i++) mt_buf_appends(&all, GET("/echo"));
    cl_send(c, all.data, all.len);
    for (int i = 0; i < 2000; i++) {
        cl_read(c, &r, false);
        assert_int_equal(r.status, 200);
    }
    assert_int_equal(mt_serve_requests(f->srv), 2000);
    mt_buf_free(&all);
    cl_finish(c, &r);
}

static void test_http10(void **state)
{
    reply r;
    client *c = cl_start(state, &r);
    exchange(c, "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", &r);
    assert_reply(&r, 200, "text/plain", HELLO);
    assert_string_equal(header(&r, "Connection"), "keep-alive");
    exchange(c, "GET /json HTTP/1.0\r\n\r\n", &r);
    assert_reply(&r, 200, "application/json", "{\"hello\":\"world\"}");
    assert_string_equal(header(&r, "Connection"), "close");
    assert_closed(c);
    cl_finish(c, &r);
}

static void test_partial_reads(void **state)
{
    reply r;
    client *c = cl_start(state, &r);
    const char *req = "\r\nPOST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\n0123456789";
    for (const char *p = req; *p; p++) cl_send(c, p, 1);
    cl_read(c, &r, false);
    assert_reply(&r, 200, "application/json",
                 "{\"method\":\"POST\",\"path\":\"/echo\",\"body_length\":10}");
    cl_sends(c, "GET /json HTTP/1.1\r\n\r");
    cl_sends(c, "\n");
    cl_read(c, &r, false);
    assert_reply(&r, 200, "application/json", "{\"hello\":\"world\"}");
    cl_finish(c, &r);
}

static void test_large_request_body_is_skipped(void **state)
{
    reply r;
    client *c = cl_start(state, &r);
    size_t n = 5u << 20;
    char *body = mt_malloc(n);
    memset(body, 'b', n);
    cl_sends(c, "POST /echo HTTP/1.1\r\nContent-Length: 5242880\r\n\r\n");
    cl_send(c, body, n);
    cl_read(c, &r, false);
    assert_reply(&r, 200, "application/json",
                 "{\"method\":\"POST\",\"path\":\"/echo\",\"body_length\":5242880}");
    exchange(c, GET("/"), &r);
    assert_reply(&r, 200, "text/plain", HELLO);
    free(body);
    cl_finish(c, &r);
}

static void test_expect_continue(void **state)
{
    reply r;
    client *c = cl_start(state, &r);
    exchange(c, "PUT /echo HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n", &r);
    assert_int_equal(r.status, 100);
    exchange(c, "abcd", &r);
    assert_reply(&r, 200, "application/json",
                 "{\"method\":\"PUT\",\"path\":\"/echo\",\"body_length\":4}");
    cl_finish(c, &r);
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
    cl_finish(c, &r);
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
    cl_finish(c, &r);
}

static void test_client_disconnects(void **state)
{
    fixture *f = *state;
    reply r;
    client *c = cl_start(state, &r);
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
    exchange(c, GET("/delay/60"), &r); /* by now the server saw every one of them */
    assert_reply(&r, 200, "application/json", "{\"delay_ms\":60}");
    exchange(c, GET("/"), &r);
    assert_reply(&r, 200, "text/plain", HELLO);
    cl_finish(c, &r);
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

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_keep_alive_and_pipelining),
        T(test_many_pipelined_requests),
        T(test_http10),
        T(test_partial_reads),
        T(test_large_request_body_is_skipped),
        T(test_expect_continue),
        T(test_malformed_requests),
        T(test_header_size_limit),
        T(test_request_counter),
        T(test_client_disconnects),
        T(test_stop_with_open_connections),
        T(test_start_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

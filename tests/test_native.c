/* test_native.c: the native transport's slot (src/native.c) on a real
 * loop against a scripted server on the same loop (native_server.h):
 * bodies by length and chunked, keep-alive reuse and what ends it
 * (Connection: close, bytes after the answer, the server's idle close), a
 * dead reused connection sent again once, each error kind (empty, partial,
 * malformed, reset, refused, connect timeout, timeout, invalid url, dns),
 * cancel and close in flight, the outcome's fields (status, bytes, timing,
 * url, location), --max-body, four hosts kept (the least recently used
 * one dropped), -vv's lines. done is never called from inside
 * mt_native_send: every test's callback checks it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "molotov/dns.h"
#include "molotov/native.h"
#include "native_server.h"

#define OK2 "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"

typedef struct {
    uv_loop_t loop;
    ns_server s;
    mt_options opt;
    mt_native *n;
    mt_respbuf *resp;
    int dones;
    mt_outcome o; /* the last outcome, its strings copied below */
    char url[512], location[512], kind[64];
    bool has_location, has_kind;
} fixture;

static bool in_send; /* within mt_native_send */

static void on_done(void *data, const mt_outcome *o)
{
    fixture *f = data;
    if (in_send) fail_msg("done called from inside mt_native_send");
    f->dones++;
    uv_stop(&f->loop); /* wait_done's uv_run returns */
    f->o = *o;
    snprintf(f->url, sizeof f->url, "%s", o->url ? o->url : "(null)");
    f->has_location = o->location != NULL;
    snprintf(f->location, sizeof f->location, "%s", o->location ? o->location : "");
    f->has_kind = o->error_kind != NULL;
    snprintf(f->kind, sizeof f->kind, "%s", o->error_kind ? o->error_kind : "");
}

static void open_slot(fixture *f, long max_body)
{
    f->opt.max_body = max_body;
    f->n = mt_native_open(&f->loop, &f->opt, on_done, f);
    assert_non_null(f->n);
}

static int setup(void **state)
{
    fixture *f = mt_calloc(1, sizeof *f);
    uv_loop_init(&f->loop);
    assert_int_equal(ns_start(&f->s, &f->loop), 0);
    f->resp = mt_respbuf_get();
    open_slot(f, 1 << 20);
    *state = f;
    return 0;
}

/* Everything closed: the loop ends with no handle left behind. */
static int teardown(void **state)
{
    fixture *f = *state;
    mt_native_close(f->n);
    ns_stop(&f->s);
    uv_run(&f->loop, UV_RUN_DEFAULT);
    assert_int_equal(uv_loop_close(&f->loop), 0);
    mt_respbuf_put(f->resp);
    free(f);
    return 0;
}

static const char *url_of(fixture *f, const char *path)
{
    static char url[256];
    snprintf(url, sizeof url, "http://127.0.0.1:%d%s", f->s.port, path);
    return url;
}

/* Sends method url with these timeouts (ms); done comes later. */
static void send_timed(fixture *f, const char *method, const char *url, long timeout,
                       long connect_timeout)
{
    mt_http_req r = {.method = method,
                     .url = url,
                     .proxy = "",
                     .http_version = 1,
                     .timeout_ms = timeout,
                     .connect_timeout_ms = connect_timeout};
    int before = f->dones;
    in_send = true;
    assert_int_equal(mt_native_send(f->n, &r, NULL, f->resp), MT_OK);
    in_send = false;
    assert_int_equal(f->dones, before);
}

/* Runs the loop until the request's done (each request has a timeout). */
static void wait_done(fixture *f, int want)
{
    while (f->dones < want) uv_run(&f->loop, UV_RUN_DEFAULT);
}

static void on_quiet(uv_timer_t *t)
{
    (void)t;
}

/* Runs the loop for ms (to see that something does not come). */
static void run_for(fixture *f, uint64_t ms)
{
    uv_timer_t t;
    uv_timer_init(&f->loop, &t);
    uv_timer_start(&t, on_quiet, ms, 0);
    while (uv_is_active((uv_handle_t *)&t)) uv_run(&f->loop, UV_RUN_ONCE);
    uv_close((uv_handle_t *)&t, NULL);
    uv_run(&f->loop, UV_RUN_NOWAIT); /* its close */
}

/* One GET of path, to its end; returns the outcome's error kind or "". */
static const char *get(fixture *f, const char *path)
{
    send_timed(f, "GET", url_of(f, path), 5000, 2000);
    wait_done(f, f->dones + 1);
    return f->kind;
}

static void expect_ok(fixture *f, const char *path, long status, const char *body)
{
    const char *kind = get(f, path);
    if (*kind) fail_msg("GET %s: %s", path, kind);
    assert_int_equal(f->o.status, status);
    assert_int_equal(f->resp->body.len, strlen(body));
    assert_memory_equal(f->resp->body.data, body, strlen(body));
}

static void test_content_length_and_outcome(void **state)
{
    fixture *f = *state;
    static const char reply[] = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: 1\r\n\r\nhello";
    static const ns_step script[] = {{NS_KEEP, reply}};
    ns_script(&f->s, script, 1);
    expect_ok(f, "", 200, "hello"); /* "/" added */
    assert_string_equal(f->url, url_of(f, "/"));
    assert_string_equal(mt_native_url(f->n), url_of(f, "/"));
    assert_false(f->has_location);
    assert_false(f->o.truncated);
    assert_int_equal(f->o.bytes_out, f->s.last.len); /* what the server read */
    assert_int_equal(f->o.bytes_in, sizeof reply - 1);
    assert_int_equal(f->o.body_in, 5);
    assert_non_null(strstr(f->resp->headers.data, "X-A: 1"));
    assert_memory_equal(f->s.last.data, "GET / HTTP/1.1\r\nHost: 127.0.0.1:", 32);
    /* timing: every phase of a fresh connection but DNS (a number) and TLS */
    const mt_timing *t = &f->o.timing;
    assert_true(t->valid);
    uint64_t sum = 0;
    for (int i = 0; i < MT_NPHASES; i++) sum += t->us[i];
    assert_int_equal(sum, f->o.latency_us);
    assert_true(f->o.latency_us > 0 && f->o.latency_us < 5000000);
    assert_int_equal(t->us[MT_PHASE_DNS], 0);
    assert_int_equal(t->us[MT_PHASE_TLS], 0);
    assert_true(t->us[MT_PHASE_CONNECT] > 0);
    /* again, on the same connection: no connect */
    expect_ok(f, "/again?x=1", 200, "hello");
    assert_string_equal(f->url, url_of(f, "/again?x=1"));
    assert_int_equal(f->s.conns, 1);
    assert_int_equal(f->o.timing.us[MT_PHASE_CONNECT], 0);
    sum = 0;
    for (int i = 0; i < MT_NPHASES; i++) sum += f->o.timing.us[i];
    assert_int_equal(sum, f->o.latency_us);
}

static void test_chunked_and_head(void **state)
{
    fixture *f = *state;
    static const char head[] = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
    static const char chunked[] = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                                  "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n";
    static const ns_step script[] = {{NS_KEEP, chunked},
                                     {NS_KEEP, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n"},
                                     {NS_KEEP, OK2}};
    ns_script(&f->s, script, 3);
    expect_ok(f, "/c", 200, "hello world");
    assert_int_equal(f->o.body_in, 11);
    assert_int_equal(f->o.bytes_in, sizeof head - 1 + 2 + 11); /* with the trailer's CRLF */
    send_timed(f, "HEAD", url_of(f, "/h"), 5000, 2000);        /* no body for HEAD */
    wait_done(f, 2);
    assert_false(f->has_kind);
    assert_int_equal(f->resp->body.len, 0);
    assert_memory_equal(f->s.last.data, "HEAD /h ", 8);
    expect_ok(f, "/after", 200, "ok");
    assert_int_equal(f->s.conns, 1); /* all three on one connection */
    assert_int_equal(f->s.requests, 3);
}

static void test_keep_alive_ends(void **state)
{
    fixture *f = *state;
    /* the server keeps every connection: the client is the one to drop them */
    static const ns_step script[] = {
        {NS_KEEP, "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok"},
        {NS_KEEP, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA"},
        {NS_KEEP, "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok"},
        {NS_KEEP, "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok"},
        {NS_KEEP, OK2}};
    ns_script(&f->s, script, 5);
    expect_ok(f, "/1", 200, "ok");
    expect_ok(f, "/2", 200, "ok"); /* a new connection after Connection: close */
    assert_int_equal(f->s.conns, 2);
    expect_ok(f, "/3", 200, "ok"); /* and after bytes past the answer */
    assert_int_equal(f->s.conns, 3);
    expect_ok(f, "/4", 200, "ok"); /* and after HTTP/1.0 without keep-alive */
    assert_int_equal(f->s.conns, 4);
    expect_ok(f, "/5", 200, "ok"); /* HTTP/1.0 with keep-alive: kept */
    assert_int_equal(f->s.conns, 4);
    assert_int_equal(f->s.requests, 5);
}

static void test_server_idle_close(void **state)
{
    fixture *f = *state;
    static const ns_step script[] = {{NS_CLOSE, OK2}}; /* kept-alive answers, then closes */
    ns_script(&f->s, script, 1);
    expect_ok(f, "/1", 200, "ok");
    while (f->s.closed < 1) uv_run(&f->loop, UV_RUN_ONCE);
    for (int i = 0; i < 4; i++) uv_run(&f->loop, UV_RUN_NOWAIT); /* the client sees the FIN */
    expect_ok(f, "/2", 200, "ok");
    assert_int_equal(f->s.conns, 2);
    assert_int_equal(f->s.requests, 2);
}

static void test_reused_connection_dies_retried_once(void **state)
{
    fixture *f = *state;
    static const ns_step script[] = {{NS_KEEP, OK2}, {NS_DROP, NULL}, {NS_KEEP, OK2}};
    ns_script(&f->s, script, 3);
    expect_ok(f, "/1", 200, "ok");
    expect_ok(f, "/2", 200, "ok"); /* died unanswered on the kept connection, sent again */
    assert_int_equal(f->s.conns, 2);
    assert_int_equal(f->s.requests, 3);
    assert_int_equal(f->o.bytes_out, f->s.last.len); /* counted once */
    assert_memory_equal(f->s.last.data, "GET /2 ", 7);
    /* a reset instead of a close: the same */
    static const ns_step reset[] = {{NS_KEEP, OK2}, {NS_RESET, NULL}, {NS_KEEP, OK2}};
    ns_script(&f->s, reset, 3);
    expect_ok(f, "/3", 200, "ok");
    expect_ok(f, "/4", 200, "ok");
    assert_int_equal(f->s.requests, 3);
    /* only once: the new connection dying too is the failure */
    static const ns_step twice[] = {{NS_KEEP, OK2}, {NS_DROP, NULL}};
    ns_script(&f->s, twice, 2);
    expect_ok(f, "/5", 200, "ok");
    int conns = f->s.conns;
    assert_string_equal(get(f, "/6"), "empty response");
    assert_int_equal(f->s.requests, 3);
    assert_int_equal(f->s.conns, conns + 1);
}

/* The error kind of one GET against a server doing step. */
static void expect_kind(fixture *f, ns_act act, const char *bytes, const char *want)
{
    ns_step script[] = {{act, bytes}};
    ns_script(&f->s, script, 1);
    int conns = f->s.conns;
    assert_string_equal(get(f, "/x"), want);
    assert_int_equal(f->s.conns, conns + 1); /* a fresh connection: never retried */
    assert_int_equal(f->s.requests, 1);
    assert_false(f->has_location);
    assert_true(f->o.timing.valid);
}

static void test_answers_cut_or_broken(void **state)
{
    fixture *f = *state;
    expect_kind(f, NS_DROP, NULL, "empty response");
    assert_int_equal(f->o.status, 0);
    expect_kind(f, NS_CLOSE, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this",
                "partial response");
    assert_int_equal(f->o.status, 200);
    assert_int_equal(f->resp->body.len, 9);
    expect_kind(f, NS_CLOSE, "HTTP/1.1 200 OK\r\nContent-Le", "malformed response");
    expect_kind(f, NS_KEEP, "this is not HTTP at all\r\n\r\n", "malformed response");
    expect_kind(f, NS_CLOSE, "HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n", "malformed response");
    expect_kind(f, NS_RESET, NULL, "connection reset");
    /* read to the close: complete */
    static const ns_step to_close[] = {{NS_CLOSE, "HTTP/1.1 200 OK\r\n\r\nall of it"}};
    ns_script(&f->s, to_close, 1);
    expect_ok(f, "/y", 200, "all of it");
    /* after each failure the slot works */
    static const ns_step ok[] = {{NS_KEEP, OK2}};
    ns_script(&f->s, ok, 1);
    expect_ok(f, "/z", 200, "ok");
}

static void test_refused_and_timeouts(void **state)
{
    fixture *f = *state;
    /* a port nobody listens on */
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    getsockname(fd, (struct sockaddr *)&a, &len);
    close(fd);
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/", ntohs(a.sin_port));
    send_timed(f, "GET", url, 5000, 2000);
    wait_done(f, 1);
    assert_string_equal(f->kind, "connection refused");
    assert_int_equal(f->o.status, 0);

    /* connected but never answered: the whole request's timeout */
    static const ns_step hold[] = {{NS_HOLD, NULL}};
    ns_script(&f->s, hold, 1);
    send_timed(f, "GET", url_of(f, "/slow"), 200, 2000);
    wait_done(f, 2);
    assert_string_equal(f->kind, "timeout");
    assert_int_equal(f->s.requests, 1);
    assert_true(f->o.latency_us >= 150000 && f->o.latency_us < 3000000); /* loop time lags */
    while (f->s.closed < 1) uv_run(&f->loop, UV_RUN_ONCE);               /* the client let go */

    /* a listener whose queue is full drops the SYN: the connect's timeout */
    int l = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in b = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    assert_int_equal(bind(l, (struct sockaddr *)&b, sizeof b), 0);
    assert_int_equal(listen(l, 0), 0);
    len = sizeof b;
    getsockname(l, (struct sockaddr *)&b, &len);
    int filler = socket(AF_INET, SOCK_STREAM, 0);
    assert_int_equal(connect(filler, (struct sockaddr *)&b, sizeof b), 0);
    snprintf(url, sizeof url, "http://127.0.0.1:%d/", ntohs(b.sin_port));
    send_timed(f, "GET", url, 5000, 150);
    wait_done(f, 3);
    assert_string_equal(f->kind, "connect timeout");
    assert_true(f->o.latency_us >= 100000 && f->o.latency_us < 3000000);
    close(filler);
    close(l);
}

static void test_invalid_url_and_dns_failure(void **state)
{
    fixture *f = *state;
    send_timed(f, "GET", "http://127.0.0.1:99999/", 5000, 2000);
    wait_done(f, 1);
    assert_string_equal(f->kind, "invalid url");
    assert_string_equal(f->url, "http://127.0.0.1:99999/");
    send_timed(f, "GET", "http://u:secret@h/a b", 5000, 2000);
    wait_done(f, 2);
    assert_string_equal(f->kind, "invalid url");
    assert_null(strstr(f->url, "secret")); /* no credentials in the outcome */
    send_timed(f, "GET", "http://nonexistent.invalid/", 5000, 2000);
    wait_done(f, 3);
    assert_string_equal(f->kind, "dns failure");
    assert_int_equal(f->o.status, 0);
    assert_int_equal(f->s.conns, 0);
    /* localhost through the resolver, timed, then the slot's connection again */
    static const ns_step ok[] = {{NS_KEEP, OK2}};
    ns_script(&f->s, ok, 1);
    mt_dns_flush();
    char url[64];
    snprintf(url, sizeof url, "http://localhost:%d/l", f->s.port);
    send_timed(f, "GET", url, 5000, 2000);
    wait_done(f, 4);
    assert_false(f->has_kind);
    assert_true(f->o.timing.us[MT_PHASE_DNS] > 0);
    assert_non_null(strstr(f->s.last.data, "\r\nHost: localhost:"));
    mt_dns_flush();
}

static void test_location_resolved(void **state)
{
    fixture *f = *state;
    static const ns_step script[] = {
        {NS_KEEP, "HTTP/1.1 302 Found\r\nLocation: /next?x=1\r\nContent-Length: 0\r\n\r\n"},
        {NS_KEEP, "HTTP/1.1 301 Moved\r\nLocation: other\r\nContent-Length: 0\r\n\r\n"},
        {NS_KEEP, "HTTP/1.1 307 T\r\nLocation: https://elsewhere:8443/s\r\n"
                  "Content-Length: 0\r\n\r\n"},
        {NS_KEEP, "HTTP/1.1 200 OK\r\nLocation: /not-a-redirect\r\nContent-Length: 0\r\n\r\n"}};
    ns_script(&f->s, script, 4);
    expect_ok(f, "/a", 302, "");
    assert_true(f->has_location);
    assert_string_equal(f->location, url_of(f, "/next?x=1"));
    expect_ok(f, "/a/b", 301, "");
    assert_string_equal(f->location, url_of(f, "/a/other"));
    expect_ok(f, "/", 307, "");
    assert_string_equal(f->location, "https://elsewhere:8443/s");
    expect_ok(f, "/", 200, "");
    assert_false(f->has_location);
}

static void test_max_body(void **state)
{
    fixture *f = *state;
    mt_native_close(f->n);
    open_slot(f, 4);
    static const ns_step script[] = {
        {NS_KEEP, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789"},
        {NS_KEEP, "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nabcd"}};
    ns_script(&f->s, script, 2);
    expect_ok(f, "/big", 200, "0123");
    assert_true(f->o.truncated);
    assert_int_equal(f->o.body_in, 10);
    expect_ok(f, "/fits", 200, "abcd");
    assert_false(f->o.truncated);
    assert_int_equal(f->s.conns, 1); /* the whole answer was read: the connection kept */
}

static void test_cancel_in_flight(void **state)
{
    fixture *f = *state;
    static const ns_step script[] = {{NS_HOLD, NULL}, {NS_KEEP, OK2}};
    ns_script(&f->s, script, 2);
    send_timed(f, "GET", url_of(f, "/held"), 300, 2000);
    while (f->s.requests < 1) uv_run(&f->loop, UV_RUN_ONCE);
    mt_native_cancel(f->n);
    mt_native_cancel(f->n);                                /* nothing more */
    while (f->s.closed < 1) uv_run(&f->loop, UV_RUN_ONCE); /* its connection let go */
    /* past the cancelled request's timeout: its done never comes */
    run_for(f, 400);
    assert_int_equal(f->dones, 0);
    expect_ok(f, "/next", 200, "ok"); /* the slot goes on, on a new connection */
    assert_int_equal(f->s.conns, 2);
    /* cancelled while connecting */
    send_timed(f, "GET", url_of(f, "/c"), 5000, 2000);
    mt_native_cancel(f->n);
    expect_ok(f, "/d", 200, "ok");
    assert_int_equal(f->dones, 2);
}

static void test_cancel_during_lookup(void **state)
{
    fixture *f = *state;
    mt_dns_flush();
    char url[64];
    snprintf(url, sizeof url, "http://localhost:%d/", f->s.port);
    send_timed(f, "GET", url, 5000, 2000);
    mt_native_cancel(f->n);
    mt_native_close(f->n); /* while the lookup may still run on the pool */
    f->n = NULL;
    ns_stop(&f->s);
    uv_run(&f->loop, UV_RUN_DEFAULT); /* ends once the lookup is back */
    assert_int_equal(f->dones, 0);
    assert_int_equal(ns_start(&f->s, &f->loop), 0); /* for the teardown */
    open_slot(f, 1 << 20);
    mt_dns_flush();
}

/* Closing the slot with a request in flight at each stage: nothing is
 * called, nothing is left (the teardown's uv_loop_close; ASan, valgrind). */
static void test_close_in_flight(void **state)
{
    fixture *f = *state;
    static const ns_step script[] = {{NS_KEEP, OK2}, {NS_HOLD, NULL}};
    ns_script(&f->s, script, 2);
    expect_ok(f, "/kept", 200, "ok"); /* an idle connection besides */
    send_timed(f, "GET", url_of(f, "/held"), 5000, 2000);
    while (f->s.requests < 2) uv_run(&f->loop, UV_RUN_ONCE);
    mt_native_close(f->n);
    while (f->s.closed < 1) uv_run(&f->loop, UV_RUN_ONCE);
    open_slot(f, 1 << 20); /* closed while connecting */
    send_timed(f, "GET", url_of(f, "/c"), 5000, 2000);
    mt_native_close(f->n);
    open_slot(f, 1 << 20); /* closed with a failure still to tell */
    send_timed(f, "GET", "http://127.0.0.1:0/", 5000, 2000);
    mt_native_close(f->n);
    f->n = NULL;
    mt_native_close(NULL);
    run_for(f, 50);
    assert_int_equal(f->dones, 1);
}

/* Four hosts kept at most: a fifth sends the least recently used away. */
static void test_connections_per_host(void **state)
{
    fixture *f = *state;
    static const ns_step ok[] = {{NS_KEEP, OK2}};
    ns_server more[4];
    char url[64];
    for (int i = 0; i < 4; i++) {
        assert_int_equal(ns_start(&more[i], &f->loop), 0);
        ns_script(&more[i], ok, 1);
    }
    ns_script(&f->s, ok, 1);
    expect_ok(f, "/first", 200, "ok"); /* then three more hosts: four kept */
    for (int i = 0; i < 3; i++) {
        snprintf(url, sizeof url, "http://127.0.0.1:%d/", more[i].port);
        send_timed(f, "GET", url, 5000, 2000);
        wait_done(f, f->dones + 1);
        assert_false(f->has_kind);
    }
    expect_ok(f, "/again", 200, "ok"); /* kept: now the most recently used */
    assert_int_equal(f->s.conns, 1);
    snprintf(url, sizeof url, "http://127.0.0.1:%d/", more[3].port); /* a fifth host */
    send_timed(f, "GET", url, 5000, 2000);
    wait_done(f, f->dones + 1);
    while (more[0].closed < 1) uv_run(&f->loop, UV_RUN_ONCE); /* the least recently used */
    expect_ok(f, "/still", 200, "ok");
    assert_int_equal(f->s.conns, 1);
    assert_int_equal(more[1].closed, 0);
    for (int i = 0; i < 4; i++) ns_stop(&more[i]);
    ns_stop(&f->s);
    mt_native_close(f->n);
    uv_run(&f->loop, UV_RUN_DEFAULT);
    for (int i = 0; i < 4; i++) assert_int_equal(more[i].requests, 1);
    assert_int_equal(ns_start(&f->s, &f->loop), 0); /* for the teardown */
    open_slot(f, 1 << 20);
}

/* -vv: the request's and the answer's lines on stderr, secrets masked. */
static void test_trace_lines(void **state)
{
    fixture *f = *state;
    mt_native_close(f->n);
    f->opt.verbose = 2;
    open_slot(f, 1 << 20);
    static const ns_step script[] = {
        {NS_KEEP, "HTTP/1.1 200 OK\r\nSet-Cookie: sid=s3cret\r\nContent-Length: 2\r\n\r\nok"}};
    ns_script(&f->s, script, 1);
    FILE *tmp = tmpfile();
    assert_non_null(tmp);
    fflush(stderr);
    int saved = dup(STDERR_FILENO);
    dup2(fileno(tmp), STDERR_FILENO);
    mt_http_req r = {.method = "POST",
                     .url = url_of(f, "/v"),
                     .proxy = "",
                     .http_version = 1,
                     .body = "a=1",
                     .body_len = 3,
                     .has_body = true,
                     .timeout_ms = 5000,
                     .connect_timeout_ms = 2000};
    in_send = true;
    int rc = mt_native_send(f->n, &r, "sid=s3cret", f->resp);
    in_send = false;
    wait_done(f, 1);
    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
    assert_int_equal(rc, MT_OK);
    assert_false(f->has_kind);
    char text[4096] = "";
    rewind(tmp);
    size_t n = fread(text, 1, sizeof text - 1, tmp);
    text[n] = '\0';
    fclose(tmp);
    assert_non_null(strstr(text, "> POST /v HTTP/1.1\n"));
    assert_non_null(strstr(text, "> Cookie: ***\n"));
    assert_non_null(strstr(text, "> [3 bytes] a=1\n"));
    assert_non_null(strstr(text, "< HTTP/1.1 200 OK\n"));
    assert_non_null(strstr(text, "< Set-Cookie: ***\n"));
    assert_non_null(strstr(text, "< [2 bytes] ok\n"));
    assert_null(strstr(text, "s3cret"));
    assert_non_null(strstr(f->s.last.data, "\r\nCookie: sid=s3cret\r\n")); /* sent as it is */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_content_length_and_outcome, setup, teardown),
        cmocka_unit_test_setup_teardown(test_chunked_and_head, setup, teardown),
        cmocka_unit_test_setup_teardown(test_keep_alive_ends, setup, teardown),
        cmocka_unit_test_setup_teardown(test_server_idle_close, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reused_connection_dies_retried_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_answers_cut_or_broken, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refused_and_timeouts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_invalid_url_and_dns_failure, setup, teardown),
        cmocka_unit_test_setup_teardown(test_location_resolved, setup, teardown),
        cmocka_unit_test_setup_teardown(test_max_body, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cancel_in_flight, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cancel_during_lookup, setup, teardown),
        cmocka_unit_test_setup_teardown(test_close_in_flight, setup, teardown),
        cmocka_unit_test_setup_teardown(test_connections_per_host, setup, teardown),
        cmocka_unit_test_setup_teardown(test_trace_lines, setup, teardown),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    mt_respbuf_drain_pool();
    return rc;
}

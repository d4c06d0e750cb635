/* test_dashboard.c: --dashboard's server (src/dashboard.c, dashboard_conn.c)
 * on a real loopback port, its loop in a second thread: the routes, HEAD,
 * 405, malformed, oversized and too-long requests, the events' framing
 * (one "data:" line of JSON per event, the final event, the end of the
 * stream), several pages at once, the final reports, closing with pages
 * open; the Host check, the head timeout, the cap of connections; the
 * address check and how the command line reads --dashboard (the forms
 * themselves: test_dashboard_addr.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdatomic.h>

#include "molotov/dashboard.h"
#include "molotov/dashboard_conn.h"
#include "molotov/options.h"
#include "serve_helpers.h" /* its blocking client */

#include <fcntl.h>
#include <sys/resource.h>
#include <time.h>

#undef GET /* the dashboard answers only its own Host names */
#define GET(path) "GET " path " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
#define SHORT_HEAD_MS 200 /* the head timeout of dsetup_short's dashboard */

/* ---- a dashboard whose loop runs in a second thread ---- */

typedef struct {
    uv_loop_t loop;
    uv_async_t finish, stop;
    mt_dashboard *dash;
    pthread_t thread;
    int port;
    atomic_int fed; /* reports given to the dashboard */
    bool stopped;
} dfix;

/* The feed: {"n": N}, N counting up. */
static cJSON *feed(void *ud)
{
    dfix *f = ud;
    cJSON *j = cJSON_CreateObject();
    cJSON_AddNumberToObject(j, "n", ++f->fed);
    cJSON_AddStringToObject(j, "text", "a \"quoted\"\nline </script>");
    return j;
}

static cJSON *final_json(void)
{
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "stop_reason", "completed");
    cJSON_AddNumberToObject(j, "exit_code", 0);
    return j;
}

static void on_finish(uv_async_t *a)
{
    dfix *f = a->data;
    cJSON *j = final_json();
    mt_dashboard_finish(f->dash, j);
    cJSON_Delete(j);
}

static void on_stop_dash(uv_async_t *a)
{
    dfix *f = a->data;
    mt_dashboard_close(f->dash);
    uv_close((uv_handle_t *)&f->finish, NULL);
    uv_close((uv_handle_t *)a, NULL);
}

static void *loop_thread(void *arg)
{
    dfix *f = arg;
    uv_run(&f->loop, UV_RUN_DEFAULT);
    return NULL;
}

static uint64_t head_timeout_ms; /* 0: the default */

static int dsetup(void **state)
{
    signal(SIGPIPE, SIG_IGN);
    dfix *f = mt_calloc(1, sizeof *f);
    char err[256];
    assert_int_equal(uv_loop_init(&f->loop), 0);
    assert_int_equal(mt_dashboard_open(&f->loop, "127.0.0.1:0", &f->dash, err, sizeof err), MT_OK);
    f->port = mt_dashboard_port(f->dash);
    assert_true(f->port > 0);
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/", f->port);
    assert_string_equal(mt_dashboard_url(f->dash), url);
    if (head_timeout_ms) mt_dashboard_set_limits(f->dash, head_timeout_ms, 64);
    mt_dashboard_feed(f->dash, feed, f, 50);
    uv_async_init(&f->loop, &f->finish, on_finish);
    uv_async_init(&f->loop, &f->stop, on_stop_dash);
    f->finish.data = f->stop.data = f;
    assert_int_equal(pthread_create(&f->thread, NULL, loop_thread, f), 0);
    *state = f;
    return 0;
}

static int dsetup_short(void **state)
{
    head_timeout_ms = SHORT_HEAD_MS;
    int rc = dsetup(state);
    head_timeout_ms = 0;
    return rc;
}

/* Closes the dashboard on its thread; the loop only ends once every
 * handle (listener, timers, connections) is closed. */
static void dstop(dfix *f)
{
    if (f->stopped) return;
    f->stopped = true;
    uv_async_send(&f->stop);
    pthread_join(f->thread, NULL);
    assert_int_equal(uv_loop_close(&f->loop), 0);
}

static int dteardown(void **state)
{
    dfix *f = *state;
    dstop(f);
    free(f);
    return 0;
}

/* ---- helpers ---- */

/* One request on a connection of its own (answers end it). */
static void ask(dfix *f, const char *req, reply *r)
{
    client *c = cl_open(f->port);
    exchange(c, req, r);
    assert_closed(c);
    cl_close(c);
}

/* Reads one event (through its blank line) into out. */
static void read_event(client *c, char *out, size_t len)
{
    char *end;
    while (!(end = memmem(c->buf, c->len, "\n\n", 2))) assert_true(cl_fill(c) > 0);
    size_t n = (size_t)(end + 2 - c->buf);
    assert_true(n < len);
    memcpy(out, c->buf, n);
    out[n] = '\0';
    cl_consume(c, n);
}

/* An event's JSON: after "data: ", one line, no other "data:" line. */
static cJSON *event_json(const char *ev, const char *name)
{
    if (name) {
        char want[64];
        snprintf(want, sizeof want, "event: %s\n", name);
        assert_memory_equal(ev, want, strlen(want));
        ev += strlen(want);
    }
    assert_memory_equal(ev, "data: ", 6);
    const char *nl = strchr(ev, '\n');
    assert_string_equal(nl, "\n\n");
    cJSON *j = cJSON_ParseWithLength(ev + 6, (size_t)(nl - ev - 6));
    assert_non_null(j);
    return j;
}

static client *open_events(dfix *f, reply *r)
{
    client *c = cl_open(f->port);
    cl_sends(c, GET("/events"));
    cl_read(c, r, true); /* a head only: the stream has no length */
    assert_int_equal(r->status, 200);
    assert_string_equal(header(r, "Content-Type"), "text/event-stream");
    assert_null(header(r, "Content-Length"));
    return c;
}

static int event_n(client *c)
{
    char ev[4096];
    read_event(c, ev, sizeof ev);
    cJSON *j = event_json(ev, NULL);
    int n = (int)cJSON_GetObjectItem(j, "n")->valuedouble;
    assert_string_equal(cJSON_GetObjectItem(j, "text")->valuestring,
                        "a \"quoted\"\nline </script>");
    cJSON_Delete(j);
    return n;
}

/* ---- routes ---- */

static void test_routes(void **state)
{
    dfix *f = *state;
    reply r;
    reply_init(&r);
    ask(f, GET("/"), &r);
    assert_reply(&r, 200, "text/html; charset=utf-8", NULL);
    assert_string_equal(header(&r, "Connection"), "close");
    assert_non_null(strstr(r.body.data, "globalThis.molotovRender = function"));
    assert_non_null(strstr(r.body.data, "function niceStep")); /* report_lib.js too */
    assert_non_null(strstr(r.body.data, "new EventSource('/events')"));
    assert_null(strstr(r.body.data, "@REPORT_"));
    long long page = r.length;
    ask(f, "HEAD / HTTP/1.1\r\nHost: localhost\r\n\r\n", &r);
    assert_int_equal(r.status, 200);
    assert_int_equal(r.length, page);
    assert_int_equal(r.body.len, 0);
    ask(f, GET("/healthz?probe=1"), &r);
    assert_reply(&r, 200, "text/plain; charset=utf-8", "ok\n");
    ask(f, GET("/nope"), &r);
    assert_reply(&r, 404, "text/plain; charset=utf-8", "not found\n");
    ask(f, GET("/report.json"), &r);
    assert_int_equal(r.status, 409);
    assert_non_null(strstr(r.body.data, "run still going"));
    ask(f, GET("/report.html"), &r);
    assert_int_equal(r.status, 409);
    ask(f, "GET /healthz HTTP/1.0\r\n\r\n", &r); /* HTTP/1.0, no Host */
    assert_int_equal(r.status, 200);
    mt_buf_free(&r.body);
}

static void test_other_methods_are_405(void **state)
{
    dfix *f = *state;
    reply r;
    reply_init(&r);
    const char *reqs[] = {
        "POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 3\r\n\r\nabc",
        "PUT /report.json HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n",
        "DELETE /events HTTP/1.1\r\nHost: localhost\r\n\r\n",
        "OPTIONS * HTTP/1.1\r\nHost: localhost\r\n\r\n"};
    for (size_t i = 0; i < sizeof reqs / sizeof reqs[0]; i++) {
        ask(f, reqs[i], &r);
        assert_int_equal(r.status, 405);
        assert_string_equal(header(&r, "Allow"), "GET, HEAD");
    }
    mt_buf_free(&r.body);
}

static void test_bad_long_and_oversized_requests(void **state)
{
    dfix *f = *state;
    reply r;
    reply_init(&r);
    ask(f, "NOT HTTP AT ALL\r\n\r\n", &r);
    assert_int_equal(r.status, 400);
    mt_buf big;
    mt_buf_init(&big);
    mt_buf_printf(&big, "GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Pad: ");
    while (big.len < MT_DASHBOARD_MAX_HEAD - 100) mt_buf_appends(&big, "xxxxxxxxxx");
    mt_buf_appends(&big, "\r\n\r\n");
    ask(f, big.data, &r); /* under 8 KB: answered */
    assert_int_equal(r.status, 200);
    big.len -= 4;
    while (big.len < MT_DASHBOARD_MAX_HEAD + 100) mt_buf_appends(&big, "xxxxxxxxxx");
    mt_buf_appends(&big, "\r\n\r\n");
    ask(f, big.data, &r);
    assert_int_equal(r.status, 431);
    client *c = cl_open(f->port); /* a head that never ends: refused at 8 KB */
    mt_buf_reset(&big);
    mt_buf_appends(&big, "GET / HTTP/1.1\r\nX-Pad: ");
    while (big.len < 3 * MT_DASHBOARD_MAX_HEAD) mt_buf_appends(&big, "y");
    cl_send(c, big.data, big.len);
    cl_read(c, &r, false);
    assert_int_equal(r.status, 431);
    cl_close(c);
    mt_buf_reset(&big);
    mt_buf_appends(&big, "GET /");
    while (big.len < 2000) mt_buf_appends(&big, "a");
    mt_buf_appends(&big, " HTTP/1.1\r\nHost: localhost\r\n\r\n");
    ask(f, big.data, &r);
    assert_int_equal(r.status, 414);
    mt_buf_free(&big);
    mt_buf_free(&r.body);
}

/* ---- events ---- */

static void test_events_framing_and_final(void **state)
{
    dfix *f = *state;
    reply r;
    reply_init(&r);
    client *a = open_events(f, &r);
    int first = event_n(a); /* at once on connecting, then every 50 ms */
    int second = event_n(a);
    assert_true(second > first);
    client *b = open_events(f, &r); /* a second page meanwhile */
    int third = event_n(b);
    assert_true(third > second);
    client *slow = cl_open(f->port); /* a head not yet complete holds nothing up */
    cl_sends(slow, "GET /events HTTP/1.1\r\n");
    assert_true(event_n(b) > third);
    uv_async_send(&f->finish);
    char ev[4096];
    for (client *c = a; c; c = c == a ? b : NULL) {
        int n = 0;
        for (;;) { /* the events still queued, then the final one */
            read_event(c, ev, sizeof ev);
            if (strncmp(ev, "event: ", 7) == 0) break;
            cJSON_Delete(event_json(ev, NULL));
            assert_true(++n < 1000);
        }
        cJSON *j = event_json(ev, "final");
        assert_string_equal(cJSON_GetObjectItem(j, "stop_reason")->valuestring, "completed");
        cJSON_Delete(j);
        assert_closed(c); /* the stream ends with the run */
        cl_close(c);
    }
    cl_sends(slow, "Host: localhost\r\n\r\n"); /* a page after the end: the final event */
    cl_read(slow, &r, true);
    assert_int_equal(r.status, 200);
    read_event(slow, ev, sizeof ev);
    cJSON_Delete(event_json(ev, "final"));
    assert_closed(slow);
    cl_close(slow);
    mt_buf_free(&r.body);
}

static void test_final_reports(void **state)
{
    dfix *f = *state;
    reply r;
    reply_init(&r);
    uv_async_send(&f->finish);
    client *c = cl_open(f->port); /* the finish is seen by the next event */
    cl_sends(c, GET("/events"));
    cl_read(c, &r, true);
    char ev[4096];
    do read_event(c, ev, sizeof ev);
    while (strncmp(ev, "event: final\n", 13) != 0);
    cl_close(c);
    ask(f, GET("/report.json"), &r);
    assert_reply(&r, 200, "application/json", NULL);
    cJSON *want = final_json();
    char *text = cJSON_Print(want);
    assert_int_equal(r.body.len, strlen(text) + 1); /* as --json writes it: and a newline */
    assert_memory_equal(r.body.data, text, strlen(text));
    cJSON_free(text);
    cJSON_Delete(want);
    ask(f, GET("/report.html"), &r);
    assert_reply(&r, 200, "text/html; charset=utf-8", NULL);
    assert_non_null(strstr(r.body.data, "<script type=\"application/json\" id=\"report\">"));
    assert_non_null(strstr(r.body.data, "\"stop_reason\":\"completed\""));
    mt_buf_free(&r.body);
}

static void test_close_with_pages_open(void **state)
{
    dfix *f = *state;
    reply r;
    reply_init(&r);
    client *a = open_events(f, &r);
    event_n(a);
    client *idle = cl_open(f->port); /* connected, nothing sent */
    dstop(f);                        /* returns only once every handle is closed */
    cl_close(a);
    cl_close(idle);
    mt_buf_free(&r.body);
}

/* ---- addresses and the command line ---- */

/* ---- what clients are refused ---- */

static void test_host_check(void **state)
{
    dfix *f = *state;
    reply r;
    reply_init(&r);
    const char *ok[] = {"localhost", "LocalHost:8089", "127.0.0.1",  "127.0.0.1:1",
                        "[::1]",     "[::1]:9000",     "[0:0::1]:80"};
    char req[512];
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        snprintf(req, sizeof req, "GET /healthz HTTP/1.1\r\nHost: %s\r\n\r\n", ok[i]);
        ask(f, req, &r);
        assert_int_equal(r.status, 200);
    }
    /* a page whose name resolves to 127.0.0.1 (DNS rebinding) reads nothing */
    const char *bad[] = {"evil.example",
                         "evil.example:8089",
                         "localhost.evil.example",
                         "127.0.0.2",
                         "10.0.0.1:80",
                         "[::2]",
                         "",
                         "localhost:x",
                         "[::1"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(req, sizeof req, "GET /events HTTP/1.1\r\nHost: %s\r\n\r\n", bad[i]);
        ask(f, req, &r);
        assert_int_equal(r.status, 403);
        assert_non_null(strstr(r.body.data, "is not this dashboard's address: open http://"));
        assert_null(strstr(r.body.data, "data:"));
    }
    ask(f, "GET / HTTP/1.1\r\nHost: localhost\r\nHost: evil.example\r\n\r\n", &r);
    assert_int_equal(r.status, 400);
    mt_buf big;
    mt_buf_init(&big);
    mt_buf_appends(&big, "GET / HTTP/1.1\r\nHost: ");
    for (int i = 0; i < MT_DASHBOARD_MAX_HOST; i++) mt_buf_appends(&big, "a");
    mt_buf_appends(&big, "\r\n\r\n");
    ask(f, big.data, &r);
    assert_int_equal(r.status, 400);
    mt_buf_free(&big);
    mt_buf_free(&r.body);
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* dsetup_short: heads must be complete in SHORT_HEAD_MS. */
static void test_head_timeout(void **state)
{
    dfix *f = *state;
    reply r;
    reply_init(&r);
    client *events = open_events(f, &r); /* a complete head: no timeout after it */
    double t0 = now_ms();
    client *half = cl_open(f->port);
    cl_sends(half, "GET /healthz HTTP/1.1\r\nHo");
    client *idle = cl_open(f->port); /* nothing sent at all */
    cl_read(half, &r, false);
    double waited = now_ms() - t0;
    assert_int_equal(r.status, 408);
    assert_closed(half);
    assert_true(waited >= SHORT_HEAD_MS - 20 && waited < 5000);
    cl_read(idle, &r, false);
    assert_int_equal(r.status, 408);
    assert_closed(idle);
    int n = event_n(events); /* the stream goes on past the timeout */
    while (now_ms() - t0 < 2 * SHORT_HEAD_MS) assert_true(event_n(events) > n);
    ask(f, GET("/healthz"), &r);
    assert_int_equal(r.status, 200);
    cl_close(half);
    cl_close(idle);
    cl_close(events);
    mt_buf_free(&r.body);
}

/* 64 connections at most; the 65th is answered 503 and closed. */
static void test_connection_cap(void **state)
{
    dfix *f = *state;
    reply r;
    reply_init(&r);
    client *held[64];
    for (int i = 0; i < 64; i++) held[i] = cl_open(f->port);
    client *extra = cl_open(f->port);
    cl_read(extra, &r, false);
    assert_int_equal(r.status, 503);
    assert_string_equal(r.body.data, "too many clients\n");
    assert_closed(extra);
    cl_close(extra);
    exchange(held[0], GET("/healthz"), &r); /* one of the 64 is answered */
    assert_int_equal(r.status, 200);
    assert_closed(held[0]); /* and closed: its place is free */
    cl_close(held[0]);
    ask(f, GET("/healthz"), &r); /* taken by a 64th, answered, and free again */
    assert_int_equal(r.status, 200);
    held[0] = cl_open(f->port);
    extra = cl_open(f->port); /* 64 again: the next one is refused */
    cl_read(extra, &r, false);
    assert_int_equal(r.status, 503);
    cl_close(extra);
    for (int i = 0; i < 64; i++) cl_close(held[i]);
    mt_buf_free(&r.body);
}

/* Every descriptor taken (by its clients or anything else): the finish
 * gives back the one the dashboard kept, for the report files. */
static void test_finish_frees_a_descriptor_for_the_reports(void **state)
{
    (void)state;
    char err[256];
    mt_dashboard *d;
    uv_loop_t loop;
    uv_loop_init(&loop);
    assert_int_equal(mt_dashboard_open(&loop, ":0", &d, err, sizeof err), MT_OK);
    struct rlimit saved, low;
    getrlimit(RLIMIT_NOFILE, &saved);
    low = saved;
    low.rlim_cur = 256; /* quicker to fill */
    assert_int_equal(setrlimit(RLIMIT_NOFILE, &low), 0);
    int fds[256], n = 0, fd;
    while (n < 256 && (fd = open("/dev/null", O_RDONLY)) >= 0) fds[n++] = fd;
    assert_int_equal(errno, EMFILE);
    cJSON *j = final_json();
    mt_dashboard_finish(d, j);
    cJSON_Delete(j);
    fd = open("/dev/null", O_WRONLY); /* as fopen(--json) does */
    assert_true(fd >= 0);
    close(fd);
    while (n) close(fds[--n]);
    assert_int_equal(setrlimit(RLIMIT_NOFILE, &saved), 0);
    mt_dashboard_close(d);
    uv_run(&loop, UV_RUN_DEFAULT);
    assert_int_equal(uv_loop_close(&loop), 0);
}

/* ---- the address ---- */

static void test_check_and_open(void **state)
{
    (void)state;
    char err[256];
    mt_dashboard *d;
    uv_loop_t loop;
    uv_loop_init(&loop);
    assert_int_equal(mt_dashboard_check("foo:0", err, sizeof err), MT_EINVAL);
    assert_string_equal(err, "--dashboard: 'foo' is not an IP address or localhost");
    assert_int_equal(mt_dashboard_open(&loop, "99999", &d, err, sizeof err), MT_EINVAL);
    assert_string_equal(err, "--dashboard: port 99999 is over 65535");
    assert_null(d);
    assert_int_equal(mt_dashboard_check("localhost:0", err, sizeof err), MT_OK);
    assert_int_equal(mt_dashboard_open(&loop, "localhost:0", &d, err, sizeof err), MT_OK);
    char taken[32], want[128];
    snprintf(taken, sizeof taken, "localhost:%d", mt_dashboard_port(d));
    snprintf(want, sizeof want, "http://127.0.0.1:%d/", mt_dashboard_port(d));
    assert_string_equal(mt_dashboard_url(d), want);
    /* taken: seen by the check, before anything starts, as by the open */
    assert_int_equal(mt_dashboard_check(taken, err, sizeof err), MT_EIO);
    snprintf(want, sizeof want,
             "--dashboard: cannot listen on 127.0.0.1 port %d: address already in use",
             mt_dashboard_port(d));
    assert_string_equal(err, want);
    mt_dashboard *again;
    assert_int_equal(mt_dashboard_open(&loop, taken, &again, err, sizeof err), MT_EIO);
    assert_string_equal(err, want);
    mt_dashboard_close(d);
    uv_run(&loop, UV_RUN_DEFAULT);
    assert_int_equal(mt_dashboard_check(taken, err, sizeof err), MT_OK);          /* free again */
    assert_int_equal(mt_dashboard_check("192.0.2.1:0", err, sizeof err), MT_EIO); /* not ours */
    assert_non_null(strstr(err, "cannot listen on 192.0.2.1 port 0"));
    assert_int_equal(uv_loop_close(&loop), 0);
}

static char cl_err[256];

static const char *dashboard_of(const char *const *args, int argc, const char **scenario)
{
    static char *argv[8];
    mt_options o;
    char *err = cl_err;
    size_t errlen = sizeof cl_err;
    argv[0] = "molotov";
    for (int i = 0; i < argc; i++) argv[i + 1] = (char *)args[i];
    mt_options_defaults(&o);
    if (mt_options_parse(&o, argc + 1, argv, err, errlen)) return "error";
    *scenario = o.scenario;
    return o.dashboard;
}

static void test_command_line(void **state)
{
    (void)state;
    const char *sc;
    assert_string_equal(dashboard_of((const char *[]){"--dashboard", "x.lua"}, 2, &sc), "");
    assert_string_equal(sc, "x.lua");
    assert_string_equal(dashboard_of((const char *[]){"x.lua", "--dashboard"}, 2, &sc), "");
    assert_string_equal(dashboard_of((const char *[]){"--dashboard", "-w", "2"}, 3, &sc), "");
    assert_string_equal(dashboard_of((const char *[]){"--dashboard", "8089", "x.lua"}, 3, &sc),
                        "8089");
    assert_string_equal(sc, "x.lua");
    assert_string_equal(dashboard_of((const char *[]){"--dashboard", "0.0.0.0:80"}, 2, &sc),
                        "0.0.0.0:80");
    assert_string_equal(dashboard_of((const char *[]){"--dashboard=:9000"}, 1, &sc), ":9000");
    assert_string_equal(dashboard_of((const char *[]){"--dashboard=nope"}, 1, &sc), "error");
    assert_string_equal(cl_err, "--dashboard: 'nope' is not an IP address or localhost");
    assert_null(dashboard_of((const char *[]){"x.lua"}, 1, &sc));
    /* the forms beyond PORT and HOST:PORT, taken as the address */
    const char *forms[] = {"localhost",  "localhost:8089", "::1",    "[::1]",
                           "[::1]:8089", "127.0.0.1",      "0.0.0.0"};
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
        sc = NULL;
        assert_string_equal(
            dashboard_of((const char *[]){"--dashboard", forms[i], "x.lua"}, 3, &sc), forms[i]);
        assert_string_equal(sc, "x.lua");
    }
    /* checked at once, with the option's name */
    assert_string_equal(dashboard_of((const char *[]){"--dashboard", "99999", "x.lua"}, 3, &sc),
                        "error");
    assert_string_equal(cl_err, "--dashboard: port 99999 is over 65535");
    assert_string_equal(dashboard_of((const char *[]){"--dashboard", "foo:1", "x.lua"}, 3, &sc),
                        "error");
    assert_string_equal(cl_err, "--dashboard: 'foo' is not an IP address or localhost");
    assert_string_equal(dashboard_of((const char *[]){"--dashboard", "[::1", "x.lua"}, 3, &sc),
                        "error");
    assert_string_equal(dashboard_of((const char *[]){"--dashboard=1.2.3.4:80x"}, 1, &sc), "error");
}

int main(void)
{
    struct rlimit rl; /* as molotov does: 64 connections, a quarter of the limit at most */
    if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_routes, dsetup, dteardown),
        cmocka_unit_test_setup_teardown(test_other_methods_are_405, dsetup, dteardown),
        cmocka_unit_test_setup_teardown(test_bad_long_and_oversized_requests, dsetup, dteardown),
        cmocka_unit_test_setup_teardown(test_events_framing_and_final, dsetup, dteardown),
        cmocka_unit_test_setup_teardown(test_final_reports, dsetup, dteardown),
        cmocka_unit_test_setup_teardown(test_close_with_pages_open, dsetup, dteardown),
        cmocka_unit_test_setup_teardown(test_host_check, dsetup, dteardown),
        cmocka_unit_test_setup_teardown(test_head_timeout, dsetup_short, dteardown),
        cmocka_unit_test_setup_teardown(test_connection_cap, dsetup, dteardown),
        cmocka_unit_test(test_finish_frees_a_descriptor_for_the_reports),
        cmocka_unit_test(test_check_and_open),
        cmocka_unit_test(test_command_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_engine.c: the libuv + curl_multi engine against a real server (the
 * project's own target, on the same loop): many concurrent transfers over
 * several shards, keep-alive reuse, errors, cancel, clean close. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "molotov/engine.h"
#include "serve/serve.h"

typedef struct {
    mt_xfer x;
    int done;
    char url[128];
} client;

static int total_done;

static void on_done(mt_xfer *x)
{
    client *c = x->data;
    c->done++;
    total_done++;
}

static size_t discard(char *p, size_t s, size_t n, void *u)
{
    (void)p;
    (void)u;
    return s * n;
}

typedef struct {
    uv_loop_t loop;
    mt_server *srv;
    mt_engine *eng;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof(*f));
    uv_loop_init(&f->loop);
    assert_int_equal(mt_serve_start(&f->loop, "127.0.0.1", 0, &f->srv), 0);
    assert_int_equal(mt_engine_new(&f->loop, 10, &f->eng), 0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    mt_engine_close(f->eng);
    mt_serve_stop(f->srv);
    uv_run(&f->loop, UV_RUN_DEFAULT);
    assert_int_equal(uv_loop_close(&f->loop), 0);
    free(f);
    return 0;
}

static void run_until(fixture *f, int want)
{
    while (total_done < want) uv_run(&f->loop, UV_RUN_ONCE);
}

static void prepare(fixture *f, client *c, const char *path)
{
    memset(c, 0, sizeof(*c));
    assert_int_equal(mt_engine_xfer_init(f->eng, &c->x, on_done, c), 0);
    snprintf(c->url, sizeof(c->url), "http://127.0.0.1:%d%s", mt_serve_port(f->srv), path);
    curl_easy_setopt(c->x.easy, CURLOPT_URL, c->url);
    curl_easy_setopt(c->x.easy, CURLOPT_WRITEFUNCTION, discard);
}

/* 35 handles over shards of 10, three rounds each on the same handles. */
static void test_concurrent_transfers_over_shards(void **state)
{
    fixture *f = *state;
    enum { N = 35 };
    client *cs = calloc(N, sizeof(client));
    total_done = 0;
    for (int i = 0; i < N; i++) prepare(f, &cs[i], "/json");
    for (int round = 1; round <= 3; round++) {
        for (int i = 0; i < N; i++) assert_int_equal(mt_engine_start(f->eng, &cs[i].x), 0);
        assert_int_equal(mt_engine_active(f->eng), N);
        run_until(f, N * round);
        assert_int_equal(mt_engine_active(f->eng), 0);
    }
    for (int i = 0; i < N; i++) {
        assert_int_equal(cs[i].done, 3);
        assert_int_equal(cs[i].x.result, CURLE_OK);
        long code = 0, conns = -1;
        curl_easy_getinfo(cs[i].x.easy, CURLINFO_RESPONSE_CODE, &code);
        curl_easy_getinfo(cs[i].x.easy, CURLINFO_NUM_CONNECTS, &conns);
        assert_int_equal(code, 200);
        assert_int_equal(conns, 0); /* the last round reused its connection */
    }
    assert_int_equal(mt_serve_requests(f->srv), 3 * N);
    for (int i = 0; i < N; i++) mt_engine_xfer_free(f->eng, &cs[i].x);
    free(cs);
}

static void test_connection_refused_is_reported(void **state)
{
    fixture *f = *state;
    client c;
    total_done = 0;
    prepare(f, &c, "/");
    curl_easy_setopt(c.x.easy, CURLOPT_URL, "http://127.0.0.1:9/"); /* discard port: closed */
    assert_int_equal(mt_engine_start(f->eng, &c.x), 0);
    run_until(f, 1);
    assert_int_equal(c.x.result, CURLE_COULDNT_CONNECT);
    mt_engine_xfer_free(f->eng, &c.x);
}

static void test_cancel_never_calls_back(void **state)
{
    fixture *f = *state;
    client slow, fast;
    total_done = 0;
    prepare(f, &slow, "/delay/5000");
    prepare(f, &fast, "/");
    assert_int_equal(mt_engine_start(f->eng, &slow.x), 0);
    assert_int_equal(mt_engine_start(f->eng, &fast.x), 0);
    mt_engine_cancel(f->eng, &slow.x);
    assert_int_equal(mt_engine_active(f->eng), 1);
    run_until(f, 1);
    assert_int_equal(fast.done, 1);
    assert_int_equal(slow.done, 0);
    /* a cancelled handle can be started again */
    curl_easy_setopt(slow.x.easy, CURLOPT_URL, fast.url);
    assert_int_equal(mt_engine_start(f->eng, &slow.x), 0);
    run_until(f, 2);
    assert_int_equal(slow.done, 1);
    assert_int_equal(slow.x.result, CURLE_OK);
    mt_engine_xfer_free(f->eng, &slow.x);
    mt_engine_xfer_free(f->eng, &fast.x);
}

static void test_free_while_active_cancels(void **state)
{
    fixture *f = *state;
    client c;
    prepare(f, &c, "/delay/5000");
    assert_int_equal(mt_engine_start(f->eng, &c.x), 0);
    uv_run(&f->loop, UV_RUN_NOWAIT);
    mt_engine_xfer_free(f->eng, &c.x);
    assert_int_equal(mt_engine_active(f->eng), 0);
    assert_null(c.x.easy);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_concurrent_transfers_over_shards, setup, teardown),
        cmocka_unit_test_setup_teardown(test_connection_refused_is_reported, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cancel_never_calls_back, setup, teardown),
        cmocka_unit_test_setup_teardown(test_free_while_active_cancels, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

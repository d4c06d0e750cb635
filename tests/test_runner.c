/* test_runner.c: the runner and its sessions in-process against the
 * project's own target on the same loop: exact run counts, growing the pool
 * while running, stop and abort. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "molotov/luamod.h"
#include "molotov/runner.h"
#include "serve/serve.h"

typedef struct {
    uv_loop_t loop;
    mt_server *srv;
    mt_options opt;
    mt_script *script;
    mt_runner runner;
    char path[64];
} fx;

static void finished(mt_runner *r)
{
    uv_stop(r->loop);
}

static fx *start(const char *lua, int workers, long max_runs, double duration)
{
    fx *f = calloc(1, sizeof(*f));
    uv_loop_init(&f->loop);
    assert_int_equal(mt_serve_start(&f->loop, "127.0.0.1", 0, &f->srv), 0);
    char url[64];
    snprintf(url, sizeof(url), "http://127.0.0.1:%d", mt_serve_port(f->srv));
    setenv("TARGET", url, 1);
    strcpy(f->path, "/tmp/mt-test-runner-XXXXXX.lua");
    int fd = mkstemps(f->path, 4);
    assert_int_equal(write(fd, lua, strlen(lua)), (ssize_t)strlen(lua));
    close(fd);
    mt_options_defaults(&f->opt);
    f->opt.scenario = f->path;
    f->opt.workers = workers;
    f->opt.max_runs = max_runs;
    f->opt.duration = duration;
    char err[512];
    assert_int_equal(mt_luamod_load(&f->opt, &f->script, err, sizeof(err)), 0);
    assert_int_equal(mt_runner_init(&f->runner, &f->loop, f->script, &f->opt), 0);
    f->runner.on_finished = finished;
    assert_int_equal(mt_runner_start(&f->runner, err, sizeof(err)), 0);
    return f;
}

static void finish(fx *f)
{
    mt_runner_close(&f->runner);
    mt_serve_stop(f->srv);
    uv_run(&f->loop, UV_RUN_DEFAULT);
    assert_int_equal(uv_loop_close(&f->loop), 0);
    mt_script_free(f->script);
    mt_respbuf_drain_pool();
    unlink(f->path);
    free(f);
}

static const char *GET = "local T = os.getenv('TARGET')\n"
                         "molotov.scenario('get', 1, function(s)\n"
                         "  local r = s:get(T .. '/json')\n"
                         "  assert(r.status == 200 and r:json().hello == 'world')\n"
                         "end)\n";

static void test_exact_counts(void **state)
{
    (void)state;
    fx *f = start(GET, 3, 5, 60);
    uv_run(&f->loop, UV_RUN_DEFAULT);
    assert_true(f->runner.finished);
    assert_int_equal(f->runner.stats.successes, 15);
    assert_int_equal(f->runner.stats.failures, 0);
    assert_int_equal(f->runner.stats.requests, 15);
    assert_int_equal(f->runner.stats.scenarios[0].runs, 15);
    assert_int_equal(mt_serve_requests(f->srv), 15);
    finish(f);
}

static void test_workers_added_while_running(void **state)
{
    (void)state;
    fx *f = start(GET, 1, 4, 60);
    uv_run(&f->loop, UV_RUN_NOWAIT);
    mt_runner_add_workers(&f->runner, 2);
    assert_int_equal(f->runner.nworkers, 3);
    assert_int_equal(f->runner.workers[2]->ctx.id, 2);
    uv_run(&f->loop, UV_RUN_DEFAULT);
    assert_int_equal(f->runner.stats.successes, 12);
    assert_int_equal(mt_serve_requests(f->srv), 12);
    finish(f);
}

static void on_stop(uv_timer_t *t)
{
    mt_runner_stop(t->data);
}

static void test_stop_lets_in_flight_finish(void **state)
{
    (void)state;
    fx *f = start("local T = os.getenv('TARGET')\n"
                  "molotov.scenario('slow', 1, function(s)\n"
                  "  assert(s:get(T .. '/delay/200').status == 200)\n"
                  "end)\n",
                  4, 0, 60);
    uv_timer_t t;
    uv_timer_init(&f->loop, &t);
    t.data = &f->runner;
    uv_timer_start(&t, on_stop, 300, 0);
    uint64_t t0 = uv_hrtime();
    uv_run(&f->loop, UV_RUN_DEFAULT);
    double secs = (double)(uv_hrtime() - t0) / 1e9;
    assert_true(secs >= 0.39 && secs < 2.0);
    assert_int_equal(f->runner.stats.successes, 8); /* 4 at 200 ms, 4 in flight at 300 ms */
    assert_int_equal(f->runner.stats.failures, 0);
    uv_close((uv_handle_t *)&t, NULL);
    finish(f);
}

static void on_abort(uv_timer_t *t)
{
    mt_runner_abort(t->data);
}

static void test_abort_cancels_at_once(void **state)
{
    (void)state;
    fx *f = start("local T = os.getenv('TARGET')\n"
                  "molotov.teardown(function() error('teardown must not run on abort') end)\n"
                  "molotov.scenario('slow', 1, function(s) s:get(T .. '/delay/5000') end)\n",
                  5, 0, 60);
    uv_timer_t t;
    uv_timer_init(&f->loop, &t);
    t.data = &f->runner;
    uv_timer_start(&t, on_abort, 100, 0);
    uint64_t t0 = uv_hrtime();
    uv_run(&f->loop, UV_RUN_DEFAULT);
    assert_true((double)(uv_hrtime() - t0) / 1e9 < 1.0);
    assert_true(f->runner.finished);
    assert_int_equal(f->runner.stats.successes + f->runner.stats.failures, 0);
    assert_int_equal(mt_engine_active(f->runner.engine), 0);
    uv_close((uv_handle_t *)&t, NULL);
    finish(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exact_counts),
        cmocka_unit_test(test_workers_added_while_running),
        cmocka_unit_test(test_stop_lets_in_flight_finish),
        cmocka_unit_test(test_abort_cancels_at_once),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_runner.c: the runner and its sessions in-process against the
 * project's own target on the same loop: exact run counts, growing the pool
 * while running, stop and abort. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "runner_helpers.h"

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

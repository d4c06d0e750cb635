/* test_crew.c: the runner's workers as things, over a script and a real
 * loop: what a new worker is bound to, molotov.sleep through the worker's
 * sleep hook, and an abort of a sleeping worker. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "molotov/crew.h"
#include "molotov/hist.h"
#include "molotov/luamod.h"
#include "molotov/runner.h"
#include "runner_helpers.h"

#include <lauxlib.h>

static fx *load(const char *lua, long max_runs)
{
    return fx_load(lua, 1, max_runs, 60, false);
}

static const char *NOTHING = "molotov.scenario('one', 1, function() end)\n";

static void test_a_new_worker_is_bound_to_its_run(void **state)
{
    (void)state;
    fx *f = load(NOTHING, 1);
    mt_runner *r = &f->runner;
    mt_rworker *w = mt_crew_new(r, 7);
    r->workers = calloc(1, sizeof(mt_rworker *)); /* so that close frees it */
    r->workers[r->nworkers++] = w;
    assert_int_equal(w->ctx.id, 7);
    assert_ptr_equal(w->runner, r);
    assert_ptr_equal(w->ctx.host, &r->host);
    assert_ptr_equal(w->ctx.stats, &r->stats);
    assert_non_null(w->ctx.ops);
    assert_non_null(w->ctx.co);
    assert_ptr_equal(mt_worker_of(w->ctx.co), &w->ctx);
    assert_int_equal(w->phase, MT_PH_NEW);
    assert_int_equal(w->session_ref, LUA_NOREF);
    assert_int_not_equal(w->co_ref, LUA_NOREF);
    assert_ptr_equal(w->timer.data, w);
    /* the fixture worker's requests are counted apart */
    assert_int_equal(r->fixture->ctx.id, -1);
    assert_ptr_equal(r->fixture->ctx.stats, &r->fixture_stats);
    assert_ptr_equal(r->fixture->ctx.ops, w->ctx.ops);
    finish(f);
}

static void test_sleep_suspends_the_worker_for_its_seconds(void **state)
{
    (void)state;
    fx *f = load("molotov.scenario('one', 1, function() molotov.sleep(0.05) end)\n", 2);
    char err[512];
    assert_int_equal(mt_runner_start(&f->runner, err, sizeof(err)), 0);
    uv_run(&f->loop, UV_RUN_DEFAULT);
    assert_int_equal(f->runner.stats.successes, 2);
    const mt_hist *d = f->runner.stats.scenarios[0].duration_ok;
    assert_int_equal(mt_hist_count(d), 2);
    assert_true(mt_hist_min(d) >= 49000 && mt_hist_max(d) < 5000000); /* us */
    finish(f);
}

static void on_check(uv_timer_t *t)
{
    fx *f = t->data;
    mt_rworker *w = f->runner.workers[0];
    assert_int_equal(w->phase, MT_PH_SCENARIO);
    assert_int_equal(w->ctx.wait, MT_WAIT_SLEEP);
    assert_true(uv_is_active((uv_handle_t *)&w->timer));
    mt_crew_abort(w);
    assert_int_equal(w->ctx.wait, MT_WAIT_NONE);
    assert_false(uv_is_active((uv_handle_t *)&w->timer));
    assert_int_equal(lua_status(w->ctx.co), LUA_OK);
    assert_int_equal(lua_gettop(w->ctx.co), 0);
    mt_runner_abort(&f->runner); /* the run ends with its worker */
}

static void test_an_abort_cancels_a_sleep(void **state)
{
    (void)state;
    fx *f = load("molotov.scenario('one', 1, function() molotov.sleep(10) end)\n", 1);
    char err[512];
    assert_int_equal(mt_runner_start(&f->runner, err, sizeof(err)), 0);
    uv_timer_t t;
    uv_timer_init(&f->loop, &t);
    t.data = f;
    uv_timer_start(&t, on_check, 50, 0);
    uint64_t t0 = uv_hrtime();
    uv_run(&f->loop, UV_RUN_DEFAULT);
    assert_true(uv_hrtime() - t0 < 5000000000u);
    assert_true(f->runner.finished);
    assert_int_equal(f->runner.stats.successes + f->runner.stats.failures, 0);
    assert_int_equal(f->runner.stats.scenarios[0].cancelled, 1); /* still in its scenario */
    uv_close((uv_handle_t *)&t, NULL);
    finish(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a_new_worker_is_bound_to_its_run),
        cmocka_unit_test(test_sleep_suspends_the_worker_for_its_seconds),
        cmocka_unit_test(test_an_abort_cancels_a_sleep),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_phases.c: a worker's life. Without Lua, on a runner built by hand:
 * the last worker done tells the run once, a stop's side of the workers,
 * the active count. With a script, on a runner over a real loop (its run
 * hooks watched): the phases in their order, a scenario's delay, a setup
 * that fails, the global fixtures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "molotov/hist.h"
#include "molotov/luamod.h"
#include "molotov/phases.h"
#include "molotov/runner.h"
#include "runner_helpers.h"

#include <lauxlib.h>

static int all_dones, finisheds, fatals;
static mt_stop_reason fatal_why;
static char fatal_msg[1024];
static const mt_run_ops *real; /* runner.c's, which the watch hands on to */

static void count_all_done(mt_runner *r)
{
    all_dones++;
    if (real) real->all_done(r);
}

static void count_finished(mt_runner *r)
{
    finisheds++;
    if (real) real->finished(r);
}

static void count_fatal(mt_runner *r, mt_stop_reason why, const char *msg)
{
    fatals++;
    fatal_why = why;
    snprintf(fatal_msg, sizeof fatal_msg, "%s", msg);
    if (real) real->fatal(r, why, msg);
}

static void stop(mt_runner *r)
{
    real->stop(r);
}

static void all_ready(mt_runner *r)
{
    real->all_ready(r);
}

static const mt_run_ops watch = {.stop = stop,
                                 .fatal = count_fatal,
                                 .all_done = count_all_done,
                                 .finished = count_finished,
                                 .all_ready = all_ready};

static void reset_counts(void)
{
    all_dones = finisheds = fatals = 0;
    fatal_msg[0] = 0;
    real = NULL;
}

/* Without Lua */

typedef struct {
    uv_loop_t loop;
    mt_runner r;
    mt_rworker w[3];
    mt_rworker *workers[3];
} bare;

static void on_nothing(uv_timer_t *t)
{
    (void)t;
}

static void bare_setup(bare *b)
{
    memset(b, 0, sizeof(*b));
    reset_counts();
    assert_int_equal(uv_loop_init(&b->loop), 0);
    b->r.ops = &watch;
    b->r.loop = &b->loop;
    mt_phases_init(&b->r);
    for (int i = 0; i < 3; i++) {
        b->w[i].runner = &b->r;
        uv_timer_init(&b->loop, &b->w[i].timer);
        b->w[i].timer.data = &b->w[i];
        b->workers[i] = &b->w[i];
    }
    b->r.workers = b->workers;
    b->r.nworkers = b->r.running = 3;
}

static void bare_teardown(bare *b)
{
    mt_phases_close(&b->r);
    for (int i = 0; i < 3; i++) uv_close((uv_handle_t *)&b->w[i].timer, NULL);
    uv_run(&b->loop, UV_RUN_DEFAULT);
    assert_int_equal(uv_loop_close(&b->loop), 0);
}

static void test_the_last_worker_done_tells_the_run_once(void **state)
{
    (void)state;
    bare b;
    bare_setup(&b);
    mt_phases_done(&b.w[0]);
    mt_phases_done(&b.w[0]); /* at most once */
    assert_int_equal(b.r.running, 2);
    mt_phases_done(&b.w[1]);
    assert_int_equal(all_dones, 0);
    mt_phases_done(&b.w[2]);
    assert_int_equal(b.r.running, 0);
    assert_int_equal(all_dones, 1);
    assert_int_equal(b.w[2].phase, MT_PH_DONE);
    bare_teardown(&b);
}

static void test_a_stop_ends_the_ramp_and_the_pauses(void **state)
{
    (void)state;
    bare b;
    bare_setup(&b);
    b.w[0].phase = MT_PH_WAIT_START; /* its ramp-up offset has not come */
    uv_timer_start(&b.w[0].timer, on_nothing, 5000, 0);
    b.w[1].phase = MT_PH_PAUSE; /* sleeping its delay */
    uv_timer_start(&b.w[1].timer, on_nothing, 5000, 0);
    b.w[2].phase = MT_PH_SCENARIO; /* its scenario finishes */
    mt_phases_stop(&b.r);
    assert_int_equal(b.w[0].phase, MT_PH_DONE);
    assert_false(uv_is_active((uv_handle_t *)&b.w[0].timer));
    assert_int_equal(b.r.running, 2);
    assert_false(uv_is_active((uv_handle_t *)&b.w[1].timer));
    assert_true(b.w[1].queued); /* it goes on to its teardowns */
    assert_ptr_equal(b.r.ready_head, &b.w[1]);
    assert_true(uv_is_active((uv_handle_t *)&b.r.ready_idle));
    assert_false(b.w[2].queued);
    assert_int_equal(b.w[2].phase, MT_PH_SCENARIO);
    bare_teardown(&b);
}

static void test_the_ready_queue_keeps_its_order(void **state)
{
    (void)state;
    bare b;
    bare_setup(&b);
    mt_phases_enqueue(&b.w[2]);
    mt_phases_enqueue(&b.w[0]);
    mt_phases_enqueue(&b.w[2]); /* once */
    assert_ptr_equal(b.r.ready_head, &b.w[2]);
    assert_ptr_equal(b.w[2].next_ready, &b.w[0]);
    assert_ptr_equal(b.r.ready_tail, &b.w[0]);
    assert_null(b.w[0].next_ready);
    bare_teardown(&b);
}

static void test_active_workers_are_those_set_up_and_not_done(void **state)
{
    (void)state;
    bare b;
    bare_setup(&b);
    const int counted[] = {MT_PH_SETUP_SESSION, MT_PH_SCENARIO, MT_PH_PAUSE, MT_PH_AFTER};
    const int not_counted[] = {MT_PH_NEW,  MT_PH_WAIT_START,       MT_PH_SETUP,
                               MT_PH_IDLE, MT_PH_TEARDOWN_SESSION, MT_PH_TEARDOWN,
                               MT_PH_DONE};
    b.r.nworkers = 1;
    for (size_t i = 0; i < sizeof counted / sizeof *counted; i++) {
        b.w[0].phase = counted[i];
        assert_int_equal(mt_phases_active(&b.r), 1);
    }
    for (size_t i = 0; i < sizeof not_counted / sizeof *not_counted; i++) {
        b.w[0].phase = not_counted[i];
        assert_int_equal(mt_phases_active(&b.r), 0);
    }
    b.r.remote_workers = 5; /* a pool's children's */
    b.w[0].phase = MT_PH_SCENARIO;
    assert_int_equal(mt_phases_active(&b.r), 6);
    bare_teardown(&b);
}

/* With a script */

static fx *load(const char *lua, long max_runs)
{
    reset_counts();
    fx *f = fx_load(lua, 1, max_runs, 60, false);
    real = f->runner.ops;
    f->runner.ops = &watch;
    return f;
}

static void run(fx *f)
{
    char err[512];
    assert_int_equal(mt_runner_start(&f->runner, err, sizeof(err)), 0);
    uv_run(&f->loop, UV_RUN_DEFAULT);
    assert_true(f->runner.finished);
}

static void done(fx *f)
{
    finish(f);
    real = NULL;
}

/* molotov.get_var(name) as a string, or "" */
static const char *var(fx *f, const char *name)
{
    lua_State *L = f->script->L;
    lua_rawgeti(L, LUA_REGISTRYINDEX, f->script->vars_ref);
    lua_getfield(L, -1, name);
    static char out[256];
    snprintf(out, sizeof out, "%s", lua_isstring(L, -1) ? lua_tostring(L, -1) : "");
    lua_pop(L, 2);
    return out;
}

static const char *ORDER =
    "local o = ''\n"
    "local function log(s) o = o .. s .. ' '; molotov.set_var('order', o) end\n"
    "molotov.global_setup(function() log('GS') end)\n"
    "molotov.setup(function(wid) log('setup' .. wid); return {} end)\n"
    "molotov.setup_session(function(wid, s) log('session' .. wid) end)\n"
    "molotov.scenario('one', 1, function(s) log('run' .. s.step) end)\n"
    "molotov.teardown_session(function(wid, s) log('tsession' .. wid) end)\n"
    "molotov.teardown(function(wid) log('teardown' .. wid) end)\n"
    "molotov.global_teardown(function() log('GT') end)\n";

static void test_the_phases_in_their_order(void **state)
{
    (void)state;
    fx *f = load(ORDER, 3);
    run(f);
    assert_string_equal(var(f, "order"),
                        "GS setup0 session0 run1 run2 run3 tsession0 teardown0 GT ");
    assert_int_equal(f->runner.stats.successes, 3);
    assert_int_equal(all_dones, 1);
    assert_int_equal(finisheds, 1);
    assert_int_equal(fatals, 0);
    assert_int_equal(f->runner.workers[0]->phase, MT_PH_DONE);
    assert_int_equal(f->runner.workers[0]->ctx.step, 3);
    done(f);
}

static void test_a_scenario_delay_pauses_its_worker(void **state)
{
    (void)state;
    fx *f = load("molotov.scenario{name = 'one', weight = 1, delay = 0.05,\n"
                 "  run = function() end}\n",
                 3);
    uint64_t t0 = uv_hrtime();
    run(f);
    double took = (double)(uv_hrtime() - t0) / 1e9;
    assert_true(took >= 0.099 && took < 5); /* two pauses between three runs, and one after */
    assert_int_equal(f->runner.stats.successes, 3);
    done(f);
}

static void test_a_failing_setup_is_fatal_and_still_tears_down(void **state)
{
    (void)state;
    fx *f = load("molotov.setup(function() error('boom') end)\n"
                 "molotov.scenario('one', 1, function() end)\n"
                 "molotov.teardown(function() molotov.set_var('td', 'yes') end)\n",
                 3);
    run(f);
    assert_int_equal(fatals, 1);
    assert_int_equal(fatal_why, MT_STOP_SETUP_FAILED);
    assert_non_null(strstr(fatal_msg, "boom"));
    assert_string_equal(var(f, "td"), "yes");
    assert_int_equal(f->runner.stats.scenarios[0].runs, 0);
    assert_int_equal(all_dones, 1);
    assert_int_equal(finisheds, 0); /* no global_teardown: the run ends with its workers */
    assert_int_equal(mt_runner_exit_code(&f->runner), 1);
    done(f);
}

static void test_global_fixtures_on_the_fixture_worker(void **state)
{
    (void)state;
    fx *f = load("molotov.scenario('one', 1, function() end)\n", 1);
    assert_false(mt_phases_global_setup(f->runner.fixture)); /* none */
    assert_false(mt_phases_global_teardown(f->runner.fixture));
    done(f);
    f = load("molotov.global_setup(function(args) molotov.set_var('gs', 'ran') end)\n"
             "molotov.scenario('one', 1, function() end)\n",
             1);
    assert_true(mt_phases_global_setup(f->runner.fixture));
    assert_true(f->runner.global_setup_done); /* it did not wait */
    assert_string_equal(f->runner.global_setup_err, "");
    assert_string_equal(var(f, "gs"), "ran");
    assert_int_equal(f->runner.fixture->ctx.id, -1);
    done(f);
    f = load("molotov.global_setup(function() molotov.sleep(0.01); error('no') end)\n"
             "molotov.scenario('one', 1, function() end)\n",
             1);
    assert_true(mt_phases_global_setup(f->runner.fixture));
    assert_false(f->runner.global_setup_done); /* asleep */
    while (!f->runner.global_setup_done) uv_run(&f->loop, UV_RUN_ONCE);
    assert_non_null(strstr(f->runner.global_setup_err, "no"));
    done(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_the_last_worker_done_tells_the_run_once),
        cmocka_unit_test(test_a_stop_ends_the_ramp_and_the_pauses),
        cmocka_unit_test(test_the_ready_queue_keeps_its_order),
        cmocka_unit_test(test_active_workers_are_those_set_up_and_not_done),
        cmocka_unit_test(test_the_phases_in_their_order),
        cmocka_unit_test(test_a_scenario_delay_pauses_its_worker),
        cmocka_unit_test(test_a_failing_setup_is_fatal_and_still_tears_down),
        cmocka_unit_test(test_global_fixtures_on_the_fixture_worker),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

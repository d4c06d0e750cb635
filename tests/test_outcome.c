/* test_outcome.c: the end of a scenario run on a runner built by hand:
 * what is counted, the pause that follows, and the failures that stop the
 * run (-x, --abort-after, a runaway streak, told to a pool's main process
 * from a child) through the run's fatal hook. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "molotov/common.h"
#include "molotov/hist.h"
#include "molotov/outcome.h"

typedef struct {
    mt_runner r;
    mt_options opt;
    mt_script script;
    mt_scenario scenario;
    mt_rworker w[2];
} fx;

static int fatals;
static mt_stop_reason fatal_why;
static char fatal_msg[1200];
static int told;

static void on_fatal(mt_runner *r, mt_stop_reason why, const char *msg)
{
    (void)r;
    fatals++;
    fatal_why = why;
    snprintf(fatal_msg, sizeof fatal_msg, "%s", msg);
}

static void on_runaway(mt_runner *r, const char *why)
{
    (void)r;
    (void)why;
    told++;
}

static const mt_run_ops ops = {.fatal = on_fatal};

static void setup(fx *f)
{
    memset(f, 0, sizeof(*f));
    fatals = told = 0;
    fatal_msg[0] = 0;
    mt_options_defaults(&f->opt);
    f->scenario.delay = 0.25;
    f->script.scenarios = &f->scenario;
    f->script.nscenarios = 1;
    f->r.ops = &ops;
    f->r.opt = &f->opt;
    f->r.script = &f->script;
    mt_stats_init(&f->r.stats, 1);
    static mt_rworker *workers[2];
    for (int i = 0; i < 2; i++) {
        f->w[i].runner = &f->r;
        f->w[i].phase = MT_PH_SCENARIO;
        workers[i] = &f->w[i];
    }
    f->r.workers = workers;
    f->r.nworkers = 1;
}

static void test_success_is_counted_and_ends_the_streak(void **state)
{
    (void)state;
    fx f;
    setup(&f);
    f.r.runaway.n = 7;
    f.w[0].instant_failures = 7;
    f.w[0].scenario_t0 = mt_now_ns() - 2000000; /* 2 ms ago */
    mt_outcome_success(&f.w[0]);
    assert_int_equal(f.r.stats.successes, 1);
    assert_int_equal(f.r.stats.failures, 0);
    assert_int_equal(f.r.stats.scenarios[0].successes, 1);
    uint64_t took = mt_hist_max(f.r.stats.scenarios[0].duration_ok);
    assert_true(took >= 2000 && took < 5000000); /* us, from scenario_t0 */
    assert_int_equal(f.w[0].instant_failures, 0);
    assert_int_equal(f.r.runaway.n, 0);
    f.opt.delay = 0.5;
    assert_float_equal(mt_outcome_success_pause(&f.w[0]), 0.75, 1e-12);
    assert_int_equal(fatals, 0);
    mt_stats_free(&f.r.stats);
}

static void test_failure_is_counted_with_its_message(void **state)
{
    (void)state;
    fx f;
    setup(&f);
    f.w[0].scenario_t0 = mt_now_ns() - 30000000; /* 30 ms ago */
    mt_outcome_failure(&f.w[0], "x.lua:3: boom");
    assert_int_equal(f.r.stats.failures, 1);
    assert_int_equal(f.r.stats.successes, 0);
    assert_int_equal(f.r.stats.scenarios[0].failures, 1);
    assert_int_equal(mt_hist_count(f.r.stats.scenarios[0].duration_ok), 0);
    size_t n;
    const mt_msgcount **m = mt_stats_messages(&f.r.stats, &n);
    assert_int_equal(n, 1);
    assert_string_equal(m[0]->msg, "x.lua:3: boom");
    assert_int_equal(m[0]->count, 1);
    free(m);
    assert_string_equal(f.w[0].fail_msg, "x.lua:3: boom");
    assert_true(f.w[0].fail_took >= 0.03 && f.w[0].fail_took < 5);
    assert_int_equal(fatals, 0);
    mt_stats_free(&f.r.stats);
}

static void test_a_failure_backs_off_after_delay(void **state)
{
    (void)state;
    fx f;
    setup(&f);
    f.opt.delay = 0.5;
    snprintf(f.w[0].fail_msg, sizeof f.w[0].fail_msg, "bug");
    f.w[0].fail_took = 0.001; /* at once, before any request: 1 ms back-off */
    assert_float_equal(mt_outcome_after_failure(&f.w[0]), 0.501, 1e-9);
    assert_int_equal(f.w[0].instant_failures, 1);
    f.w[0].ctx.reached_network = true; /* it sent one: no back-off */
    assert_float_equal(mt_outcome_after_failure(&f.w[0]), 0.5, 1e-9);
    assert_int_equal(fatals, 0);
    mt_stats_free(&f.r.stats);
}

static void test_exception_stops_at_the_first_failure(void **state)
{
    (void)state;
    fx f;
    setup(&f);
    f.opt.exception = true;
    f.w[0].ctx.reached_network = true;
    snprintf(f.w[0].fail_msg, sizeof f.w[0].fail_msg, "x.lua:3: boom");
    mt_outcome_after_failure(&f.w[0]);
    assert_int_equal(fatals, 1);
    assert_int_equal(fatal_why, MT_STOP_FIRST_FAILURE);
    assert_string_equal(fatal_msg, "x.lua:3: boom");
    mt_stats_free(&f.r.stats);
}

static void test_abort_after_counts_the_run_s_failures(void **state)
{
    (void)state;
    fx f;
    setup(&f);
    f.opt.abort_after = 2;
    f.w[0].ctx.reached_network = true;
    f.r.stats.failures = 1;
    mt_outcome_after_failure(&f.w[0]);
    assert_int_equal(fatals, 0);
    f.r.stats.failures = 2;
    mt_outcome_after_failure(&f.w[0]);
    assert_int_equal(fatals, 1);
    assert_int_equal(fatal_why, MT_STOP_FAIL_REACHED);
    assert_string_equal(fatal_msg, "2 failures reached (--abort-after)");
    f.r.is_child = true; /* a pool's main process counts for its children */
    mt_outcome_after_failure(&f.w[0]);
    assert_int_equal(fatals, 1);
    mt_stats_free(&f.r.stats);
}

static void fail_at_once(fx *f, int worker, int times)
{
    snprintf(f->w[worker].fail_msg, sizeof f->w[worker].fail_msg, "bug");
    f->w[worker].fail_took = 0.001;
    for (int i = 0; i < times; i++) mt_outcome_after_failure(&f->w[worker]);
}

static void test_a_runaway_streak_stops_the_run(void **state)
{
    (void)state;
    fx f;
    setup(&f);
    fail_at_once(&f, 0, MT_RUNAWAY_MAX - 1);
    assert_int_equal(fatals, 0);
    fail_at_once(&f, 0, 1);
    assert_int_equal(fatals, 1);
    assert_int_equal(fatal_why, MT_STOP_NO_SUCCESS);
    assert_true(strncmp(fatal_msg, "no success: 10000 runs in ", 26) == 0);
    assert_non_null(strstr(fatal_msg, " s failed before sending a request: bug"));
    mt_stats_free(&f.r.stats);
}

static void test_a_worker_that_does_well_holds_the_run(void **state)
{
    (void)state;
    fx f;
    setup(&f);
    f.r.nworkers = 2; /* the second one runs scenarios with no streak */
    f.w[1].phase = MT_PH_PAUSE;
    fail_at_once(&f, 0, MT_RUNAWAY_MAX + 10);
    assert_int_equal(fatals, 0);
    f.w[1].phase = MT_PH_TEARDOWN; /* no longer running scenarios */
    fail_at_once(&f, 0, 1);
    assert_int_equal(fatals, 1);
    assert_int_equal(fatal_why, MT_STOP_NO_SUCCESS);
    mt_stats_free(&f.r.stats);
}

static void test_a_child_tells_its_streak_once_a_second(void **state)
{
    (void)state;
    fx f;
    setup(&f);
    f.r.is_child = true;
    f.r.on_runaway = on_runaway;
    fail_at_once(&f, 0, MT_RUNAWAY_MAX + 100);
    assert_int_equal(fatals, 0);
    assert_int_equal(told, 1);
    assert_true(f.r.runaway_told > 0);
    mt_stats_free(&f.r.stats);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_success_is_counted_and_ends_the_streak),
        cmocka_unit_test(test_failure_is_counted_with_its_message),
        cmocka_unit_test(test_a_failure_backs_off_after_delay),
        cmocka_unit_test(test_exception_stops_at_the_first_failure),
        cmocka_unit_test(test_abort_after_counts_the_run_s_failures),
        cmocka_unit_test(test_a_runaway_streak_stops_the_run),
        cmocka_unit_test(test_a_worker_that_does_well_holds_the_run),
        cmocka_unit_test(test_a_child_tells_its_streak_once_a_second),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

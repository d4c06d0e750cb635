/* test_runaway.c: runaway failures' back-off (1 ms doubling to 1 s) and
 * the streak that may stop a run. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "molotov/runaway.h"

static void test_backoff_doubles_up_to_a_second(void **state)
{
    (void)state;
    mt_runaway ra = {0};
    int streak = 0;
    bool limit;
    const double want[] = {0.001, 0.002, 0.004, 0.008, 0.016, 0.032,
                           0.064, 0.128, 0.256, 0.512, 1.0,   1.0};
    for (size_t i = 0; i < sizeof want / sizeof *want; i++)
        assert_float_equal(mt_runaway_failed(&ra, &streak, "x", 0.001, false, 1.0, &limit), want[i],
                           1e-12);
    assert_int_equal(streak, 11);
    assert_int_equal(ra.n, 12);
}

static void test_slow_or_sent_runs_are_no_streak(void **state)
{
    (void)state;
    mt_runaway ra = {0};
    int streak = 3;
    bool limit = true;
    assert_float_equal(mt_runaway_failed(&ra, &streak, "x", 0.2, false, 1.0, &limit), 0, 0);
    assert_int_equal(streak, 0);
    assert_false(limit);
    streak = 3;
    assert_float_equal(mt_runaway_failed(&ra, &streak, "x", 0.001, true, 1.0, &limit), 0, 0);
    assert_int_equal(streak, 0);
    assert_int_equal(ra.n, 0);
}

static void test_limit_by_time_after_ten_or_by_count(void **state)
{
    (void)state;
    mt_runaway ra = {0};
    int streak = 0;
    bool limit;
    for (int i = 0; i < 9; i++) mt_runaway_failed(&ra, &streak, "x", 0, false, 10.0 + i, &limit);
    assert_false(limit); /* 9 failures over 8 s: too few */
    mt_runaway_failed(&ra, &streak, "x", 0, false, 19.0, &limit);
    assert_true(limit); /* the tenth, 9 s after the first */
    mt_runaway_failed(&ra, &streak, "y", 0, false, 20.0, &limit);
    assert_false(limit); /* another message starts another streak */
    assert_int_equal(ra.n, 1);
    assert_string_equal(ra.msg, "y");
    for (int i = 1; i < MT_RUNAWAY_MAX; i++)
        mt_runaway_failed(&ra, &streak, "y", 0, false, 20.0, &limit);
    assert_true(limit); /* MT_RUNAWAY_MAX at once */
    mt_runaway_reset(&ra);
    mt_runaway_failed(&ra, &streak, "y", 0, false, 30.0, &limit);
    assert_int_equal(ra.n, 1);
    assert_false(limit);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_backoff_doubles_up_to_a_second),
        cmocka_unit_test(test_slow_or_sent_runs_are_no_streak),
        cmocka_unit_test(test_limit_by_time_after_ten_or_by_count),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

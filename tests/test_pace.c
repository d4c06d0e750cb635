/* test_pace.c: the open model's schedule and the ramp-up's start times. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>

#include "molotov/pace.h"

static void test_starts_without_ramp_are_linear(void **state)
{
    (void)state;
    assert_float_equal(mt_pace_starts_by(10, 0, 0), 0, 1e-9);
    assert_float_equal(mt_pace_starts_by(10, 0, 2.5), 25, 1e-9);
    assert_float_equal(mt_pace_start_time(10, 0, 25), 2.5, 1e-9);
}

static void test_ramp_is_quadratic_then_linear(void **state)
{
    (void)state;
    /* 10/s ramped over 4 s: 5 starts by 2 s (10 * 4 / 8), 20 by 4 s, then 10/s */
    assert_float_equal(mt_pace_starts_by(10, 4, 2), 5, 1e-9);
    assert_float_equal(mt_pace_starts_by(10, 4, 4), 20, 1e-9);
    assert_float_equal(mt_pace_starts_by(10, 4, 6), 40, 1e-9);
    assert_float_equal(mt_pace_start_time(10, 4, 5), 2, 1e-9);
    assert_float_equal(mt_pace_start_time(10, 4, 40), 6, 1e-9);
}

static void test_start_time_inverts_starts_by(void **state)
{
    (void)state;
    for (uint64_t k = 0; k < 200; k += 7) {
        double t = mt_pace_start_time(7.5, 3, k);
        assert_float_equal(mt_pace_starts_by(7.5, 3, t), (double)k, 1e-6);
    }
}

static void test_ramp_up_spreads_the_workers(void **state)
{
    (void)state;
    mt_options o;
    mt_options_defaults(&o);
    o.workers = 4;
    o.ramp_up = 2;
    assert_true(mt_pace_per_worker_duration(&o));
    assert_float_equal(mt_pace_ramp_at(&o, 0, 0), 0, 1e-9);
    assert_float_equal(mt_pace_ramp_at(&o, 3, 0), 1.5, 1e-9);
    assert_float_equal(mt_pace_ramp_at(&o, 1, 0.25), 0.75, 1e-9); /* a pool child's offset */
    o.rate = 5; /* the open model ramps its rate, not its workers */
    assert_false(mt_pace_per_worker_duration(&o));
    assert_float_equal(mt_pace_ramp_at(&o, 3, 0), 0, 1e-9);
    o.rate = 0;
    o.sizing = true;
    assert_false(mt_pace_per_worker_duration(&o));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_starts_without_ramp_are_linear),
        cmocka_unit_test(test_ramp_is_quadratic_then_linear),
        cmocka_unit_test(test_start_time_inverts_starts_by),
        cmocka_unit_test(test_ramp_up_spreads_the_workers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_timings.c: curl's cumulative marks split into phases (a reused
 * connection: no DNS, connect or TLS time), the compact per-phase
 * histograms (mean exact, percentiles within a bucket), merging by adding,
 * and the text form read back exactly, bad text refused with p unchanged. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "molotov/common.h"
#include "molotov/timings.h"

static void test_marks_to_phases(void **state)
{
    (void)state;
    mt_timing t = mt_timing_from_marks(100, 300, 900, 1900, 2400); /* TLS */
    assert_true(t.valid);
    assert_int_equal(t.us[MT_PHASE_DNS], 100);
    assert_int_equal(t.us[MT_PHASE_CONNECT], 200);
    assert_int_equal(t.us[MT_PHASE_TLS], 600);
    assert_int_equal(t.us[MT_PHASE_WAIT], 1000);
    assert_int_equal(t.us[MT_PHASE_TRANSFER], 500);
    t = mt_timing_from_marks(0, 0, 0, 800, 1000); /* a reused plain connection */
    assert_int_equal(t.us[MT_PHASE_CONNECT] + t.us[MT_PHASE_TLS] + t.us[MT_PHASE_DNS], 0);
    assert_int_equal(t.us[MT_PHASE_WAIT], 800);
    assert_false(mt_timing_from_marks(0, 0, 0, 0, 0).valid); /* failed before sending */
    assert_string_equal(mt_timing_phase_name(MT_PHASE_WAIT), "wait");
}

static void test_mean_percentiles_merge_and_text(void **state)
{
    (void)state;
    mt_timings *p = mt_timings_new(), *q = mt_timings_new();
    for (int i = 1; i <= 100; i++) {
        mt_timing t = mt_timing_from_marks(0, 0, 0, (uint64_t)i * 1000, (uint64_t)i * 1000 + 7);
        mt_timings_record(i <= 50 ? p : q, &t);
    }
    mt_timings_merge(p, q);
    assert_int_equal(mt_timings_count(p), 100);
    assert_true(mt_timings_mean_us(p, MT_PHASE_WAIT) == 50500.0);
    uint64_t p50 = mt_timings_percentile(p, MT_PHASE_WAIT, 50);
    uint64_t p95 = mt_timings_percentile(p, MT_PHASE_WAIT, 95);
    assert_in_range(p50, 50000 * 0.93, 50000 * 1.07);
    assert_in_range(p95, 95000 * 0.93, 95000 * 1.07);
    assert_int_equal(mt_timings_percentile(p, MT_PHASE_TRANSFER, 95), 7);
    assert_int_equal(mt_timings_percentile(p, MT_PHASE_DNS, 95), 0);
    char *enc = mt_timings_encode(p, MT_PHASE_WAIT);
    mt_timings *r = mt_timings_new();
    assert_int_equal(mt_timings_decode(r, MT_PHASE_WAIT, enc), MT_OK);
    assert_memory_equal(r->counts[MT_PHASE_WAIT], p->counts[MT_PHASE_WAIT],
                        sizeof(p->counts[MT_PHASE_WAIT]));
    assert_int_equal(r->sum_us[MT_PHASE_WAIT], p->sum_us[MT_PHASE_WAIT]);
    const char *bad[] = {"", "x;", "12", "1;2", "1;999:1", "1;2:3,", "1;2:3x", "-1;"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_int_equal(mt_timings_decode(r, MT_PHASE_WAIT, bad[i]), MT_EINVAL);
    assert_int_equal(r->sum_us[MT_PHASE_WAIT], p->sum_us[MT_PHASE_WAIT]); /* unchanged */
    free(enc);
    mt_timings_free(p);
    mt_timings_free(q);
    mt_timings_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_marks_to_phases),
        cmocka_unit_test(test_mean_percentiles_merge_and_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_timings.c: curl's cumulative marks split into phases (a reused
 * connection: no DNS, connect or TLS time), the compact per-phase
 * histograms (mean exact, percentiles within a bucket and never above the
 * request's own), merging by adding,
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
    mt_timing t = mt_timing_from_marks(100, 300, 900, 950, 1900, 2400); /* TLS */
    assert_true(t.valid);
    assert_int_equal(t.us[MT_PHASE_DNS], 100);
    assert_int_equal(t.us[MT_PHASE_CONNECT], 200);
    assert_int_equal(t.us[MT_PHASE_TLS], 600);
    assert_int_equal(t.us[MT_PHASE_WAIT], 1000);
    assert_int_equal(t.us[MT_PHASE_TRANSFER], 500);
    t = mt_timing_from_marks(0, 0, 0, 20, 800, 1000); /* a reused plain connection */
    assert_int_equal(t.us[MT_PHASE_CONNECT] + t.us[MT_PHASE_TLS] + t.us[MT_PHASE_DNS], 0);
    assert_int_equal(t.us[MT_PHASE_WAIT], 800);
    assert_false(mt_timing_from_marks(0, 0, 0, 0, 0, 0).valid); /* failed before sending */
    assert_string_equal(mt_timing_phase_name(MT_PHASE_WAIT), "wait");
}

static uint64_t sum_of(const mt_timing *t)
{
    uint64_t n = 0;
    for (int i = 0; i < MT_NPHASES; i++) n += t->us[i];
    return n;
}

/* A transfer that ended before its first byte (a timeout, a reset) keeps its
 * time: the phase it was in takes what is left, and the phases add up to the
 * total whatever marks curl reached. */
static void test_a_transfer_cut_short_keeps_its_time(void **state)
{
    (void)state;
    /* sent, no answer within the 500 ms timeout */
    mt_timing t = mt_timing_from_marks(50, 150, 0, 160, 0, 500000);
    assert_true(t.valid);
    assert_int_equal(t.us[MT_PHASE_DNS], 50);
    assert_int_equal(t.us[MT_PHASE_CONNECT], 100);
    assert_int_equal(t.us[MT_PHASE_TLS], 0); /* plain http */
    assert_int_equal(t.us[MT_PHASE_WAIT], 500000 - 150);
    assert_int_equal(t.us[MT_PHASE_TRANSFER], 0);
    /* on a reused connection: no DNS or connect mark */
    t = mt_timing_from_marks(0, 0, 0, 30, 0, 500000);
    assert_int_equal(t.us[MT_PHASE_CONNECT], 0);
    assert_int_equal(t.us[MT_PHASE_WAIT], 500000);
    /* the connection never completed: the time after DNS is connect */
    t = mt_timing_from_marks(40, 0, 0, 0, 0, 300000);
    assert_int_equal(t.us[MT_PHASE_DNS], 40);
    assert_int_equal(t.us[MT_PHASE_CONNECT], 300000 - 40);
    assert_int_equal(t.us[MT_PHASE_WAIT] + t.us[MT_PHASE_TLS], 0);
    /* TCP connected, the TLS handshake never completed */
    t = mt_timing_from_marks(40, 90, 0, 0, 0, 300000);
    assert_int_equal(t.us[MT_PHASE_TLS], 300000 - 90);
    /* the answer started, then the transfer was cut */
    t = mt_timing_from_marks(40, 90, 0, 95, 2000, 9000);
    assert_int_equal(t.us[MT_PHASE_TRANSFER], 7000);
    /* marks out of order or past the total (redirects, rounding) still add up */
    const uint64_t odd[][6] = {
        {500, 100, 0, 90, 80, 400}, {10, 20, 30, 40, 900, 800}, {0, 0, 700, 0, 0, 600}};
    for (size_t i = 0; i < sizeof odd / sizeof *odd; i++) {
        t = mt_timing_from_marks(odd[i][0], odd[i][1], odd[i][2], odd[i][3], odd[i][4], odd[i][5]);
        assert_int_equal(sum_of(&t), odd[i][5]);
    }
}

/* /delay/20: every wait between 20.0 and 20.8 ms lands in the bucket
 * [20.48, 22.53) ms whose middle, 21.5 ms, is above every request; the
 * reported percentile is never above the requests' own. */
static void test_a_phase_percentile_never_exceeds_the_request(void **state)
{
    (void)state;
    mt_timings *p = mt_timings_new();
    for (int i = 0; i < 100; i++) {
        uint64_t wait = 20500 + (uint64_t)i * 3, total = wait + 100;
        mt_timing t = mt_timing_from_marks(0, 0, 0, 5, wait, total);
        mt_timings_record(p, &t);
    }
    uint64_t mid = mt_timings_percentile(p, MT_PHASE_WAIT, 50);
    assert_true(mid > 20900); /* the bucket's middle: above the requests */
    assert_int_equal(mt_timings_percentile_within(p, MT_PHASE_WAIT, 50, 20750), 20750);
    assert_int_equal(mt_timings_percentile_within(p, MT_PHASE_WAIT, 95, 20890), 20890);
    /* below the whole, the bucket's middle as it is */
    assert_int_equal(mt_timings_percentile_within(p, MT_PHASE_WAIT, 50, 90000), mid);
    assert_int_equal(mt_timings_percentile_within(p, MT_PHASE_TRANSFER, 50, 20750),
                     mt_timings_percentile(p, MT_PHASE_TRANSFER, 50));
    mt_timings_free(p);
}

static void test_mean_percentiles_merge_and_text(void **state)
{
    (void)state;
    mt_timings *p = mt_timings_new(), *q = mt_timings_new();
    for (int i = 1; i <= 100; i++) {
        mt_timing t = mt_timing_from_marks(0, 0, 0, 1, (uint64_t)i * 1000, (uint64_t)i * 1000 + 7);
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
        cmocka_unit_test(test_a_transfer_cut_short_keeps_its_time),
        cmocka_unit_test(test_a_phase_percentile_never_exceeds_the_request),
        cmocka_unit_test(test_mean_percentiles_merge_and_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_stats_timeline.c: the per-second timeline: ticks kept in order
 * whatever order the seconds come in, sealing (the histogram becomes its
 * encoding, p50/p99 kept) and a sealed second opening again when it gets
 * more, the live line's last complete second, and windows of seconds
 * (sums and p99) over open and sealed ticks alike. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>

#include "stats_helpers.h"

static void test_ticks_in_order_and_sealing(void **state)
{
    (void)state;
    mt_stats s;
    mt_stats_init(&s, 1);
    req(&s, "GET /", 200, NULL, 1000, 102);
    req(&s, "GET /", 200, NULL, 2000, 100);
    req(&s, "GET /", 200, NULL, 3000, 101);
    req(&s, "GET /", 200, NULL, 4000, 101);
    assert_int_equal(s.nticks, 3);
    for (int i = 0; i < 3; i++) assert_int_equal(s.ticks[i].t, 100 + i);
    assert_int_equal(s.ticks[1].requests, 2);
    mt_stats_seal(&s, 102); /* 100 and 101, not 102 */
    assert_null(s.ticks[0].latency);
    assert_non_null(s.ticks[0].encoded);
    assert_null(s.ticks[1].latency);
    assert_non_null(s.ticks[2].latency);
    uint64_t p99 = s.ticks[1].p99_us;
    assert_true(p99 >= 3980 && p99 <= 4020);
    assert_true(s.ticks[1].p50_us >= 2980 && s.ticks[1].p50_us <= 3020);
    assert_true(mt_stats_recent_p99(&s, 102) == p99); /* the last complete second: sealed */
    assert_true(mt_stats_recent_p99(&s, 103) >= 990 && mt_stats_recent_p99(&s, 103) <= 1010);
    assert_int_equal(mt_stats_recent_p99(&s, 100), 0);
    req(&s, "GET /", 200, NULL, 9000, 101); /* a late answer opens 101 again */
    assert_non_null(s.ticks[1].latency);
    assert_null(s.ticks[1].encoded);
    assert_int_equal(mt_hist_count(s.ticks[1].latency), 3);
    mt_stats_free(&s);
}

static void test_windows_over_open_and_sealed(void **state)
{
    (void)state;
    mt_stats s;
    mt_stats_init(&s, 1);
    for (int t = 100; t < 104; t++) {
        req(&s, "GET /", 200, NULL, (uint64_t)(t - 99) * 1000, t);
        mt_stats_scenario_end(&s, 0, t != 101, 10, t);
    }
    mt_stats_seal(&s, 102);
    mt_window w = mt_stats_window(&s, 101, 103); /* 101 and 102 */
    assert_int_equal(w.requests, 2);
    assert_int_equal(w.successes, 1);
    assert_int_equal(w.failures, 1);
    w = mt_stats_window(&s, 0, 1000);
    assert_int_equal(w.requests, 4);
    uint64_t p = mt_stats_window_p99(&s, 100, 102); /* sealed: 1 ms and 2 ms */
    assert_true(p >= 1990 && p <= 2010);
    p = mt_stats_window_p99(&s, 101, 104); /* sealed and open */
    assert_true(p >= 3980 && p <= 4020);
    assert_int_equal(mt_stats_window_p99(&s, 200, 300), 0);
    mt_stats merged; /* a sealed second merges into an open one */
    mt_stats_init(&merged, 1);
    req(&merged, "GET /", 200, NULL, 50000, 100);
    mt_stats_merge(&merged, &s);
    assert_int_equal(merged.ticks[0].requests, 2);
    assert_int_equal(mt_hist_count(merged.ticks[0].latency), 2);
    assert_int_equal(mt_stats_window(&merged, 0, 1000).requests, 5);
    mt_stats_free(&merged);
    mt_stats_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ticks_in_order_and_sealing),
        cmocka_unit_test(test_windows_over_open_and_sealed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_stats_timeline.c: the per-second timeline on its own (no mt_stats):
 * ticks kept in order whatever order the seconds come in, sealing (the
 * histogram becomes its encoding, p50/p99 kept) and a sealed second opening
 * again when it gets more, the live line's last complete second, windows of
 * seconds (sums and p99) over open and sealed ticks alike, and merging. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdbool.h>
#include <stdlib.h>

#include "molotov/stats_timeline.h"

/* One request of us microseconds that ended in second t. */
static void req(mt_timeline *tl, uint64_t us, int64_t t)
{
    mt_tick *k = mt_timeline_tick(tl, t);
    k->requests++;
    mt_hist_record(mt_tick_hist(k), us);
}

/* One scenario run that ended in second t. */
static void run(mt_timeline *tl, bool ok, int64_t t)
{
    mt_tick *k = mt_timeline_tick(tl, t);
    if (ok)
        k->successes++;
    else
        k->failures++;
}

static void test_ticks_in_order_and_sealing(void **state)
{
    (void)state;
    mt_timeline tl = {0};
    req(&tl, 1000, 102);
    req(&tl, 2000, 100);
    req(&tl, 3000, 101);
    req(&tl, 4000, 101);
    assert_int_equal(tl.nticks, 3);
    for (int i = 0; i < 3; i++) assert_int_equal(tl.ticks[i].t, 100 + i);
    assert_int_equal(tl.ticks[1].requests, 2);
    mt_timeline_seal(&tl, 102); /* 100 and 101, not 102 */
    assert_null(tl.ticks[0].latency);
    assert_non_null(tl.ticks[0].encoded);
    assert_null(tl.ticks[1].latency);
    assert_non_null(tl.ticks[2].latency);
    uint64_t p99 = tl.ticks[1].p99_us;
    assert_true(p99 >= 3980 && p99 <= 4020);
    assert_true(tl.ticks[1].p50_us >= 2980 && tl.ticks[1].p50_us <= 3020);
    assert_true(mt_timeline_recent_p99(&tl, 102) == p99); /* the last complete second: sealed */
    uint64_t open = mt_timeline_recent_p99(&tl, 103);
    assert_true(open >= 990 && open <= 1010);
    assert_int_equal(mt_timeline_recent_p99(&tl, 100), 0);
    req(&tl, 9000, 101); /* a late answer opens 101 again */
    assert_non_null(tl.ticks[1].latency);
    assert_null(tl.ticks[1].encoded);
    assert_int_equal(mt_hist_count(tl.ticks[1].latency), 3);
    mt_timeline_free(&tl);
    assert_null(tl.ticks);
    assert_int_equal(tl.nticks, 0);
}

static void test_windows_over_open_and_sealed(void **state)
{
    (void)state;
    mt_timeline tl = {0};
    for (int t = 100; t < 104; t++) {
        req(&tl, (uint64_t)(t - 99) * 1000, t);
        run(&tl, t != 101, t);
    }
    mt_timeline_seal(&tl, 102);
    mt_window w = mt_timeline_window(&tl, 101, 103); /* 101 and 102 */
    assert_int_equal(w.requests, 2);
    assert_int_equal(w.successes, 1);
    assert_int_equal(w.failures, 1);
    w = mt_timeline_window(&tl, 0, 1000);
    assert_int_equal(w.requests, 4);
    uint64_t p = mt_timeline_window_p99(&tl, 100, 102); /* sealed: 1 ms and 2 ms */
    assert_true(p >= 1990 && p <= 2010);
    p = mt_timeline_window_p99(&tl, 101, 104); /* sealed and open */
    assert_true(p >= 3980 && p <= 4020);
    assert_int_equal(mt_timeline_window_p99(&tl, 200, 300), 0);
    mt_timeline merged = {0}; /* a sealed second merges into an open one */
    req(&merged, 50000, 100);
    mt_timeline_merge(&merged, &tl);
    assert_int_equal(merged.nticks, 4);
    assert_int_equal(merged.ticks[0].requests, 2);
    assert_int_equal(mt_hist_count(merged.ticks[0].latency), 2);
    assert_int_equal(merged.ticks[1].failures, 1);
    assert_int_equal(mt_timeline_window(&merged, 0, 1000).requests, 5);
    mt_timeline_free(&merged);
    mt_timeline_free(&tl);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ticks_in_order_and_sealing),
        cmocka_unit_test(test_windows_over_open_and_sealed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

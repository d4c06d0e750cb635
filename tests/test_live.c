/* test_live.c: the live view's text: frames that fit 80 and 60 columns
 * (never the last column), the progress bar and figures, "-" before there
 * is data, the controller line, the stopping notice, the top failure of
 * the last seconds, and the plain line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "molotov/common.h"
#include "molotov/live.h"

static mt_live running(void)
{
    mt_live v;
    memset(&v, 0, sizeof v);
    v.elapsed = 12.34;
    v.planned = 60;
    v.workers = 12;
    v.workers_plan = 50;
    v.rps = 2027.4;
    v.error_pct = 0.4;
    v.p99_us = 21700;
    v.window_s = 5;
    v.successes = 9637;
    v.failures = 12;
    return v;
}

static void assert_frame_fits(const mt_live_frame *f, int width)
{
    for (int i = 0; i < f->n; i++) {
        if ((int)strlen(f->text[i]) > width - 1) fail_msg("line %d too wide: %s", i, f->text[i]);
        for (const char *p = f->text[i]; *p; p++) assert_true((unsigned char)*p >= 0x20);
    }
}

static void test_frame_at_80_and_60_columns(void **state)
{
    (void)state;
    mt_live v = running();
    mt_live_frame f;
    mt_live_frame_make(&v, 80, &f);
    assert_int_equal(f.n, 2);
    assert_frame_fits(&f, 80);
    assert_string_equal(f.text[0], "12.3s / 1m00s [########................................]  20%  "
                                   "workers 12/50");
    assert_string_equal(f.text[1],
                        "2,027 req/s | errors 0.4% | p99 21.7ms | runs 9,637 ok, 12 failed");
    mt_live_frame_make(&v, 60, &f);
    assert_frame_fits(&f, 60);
    assert_non_null(strstr(f.text[0], "12.3s / 1m00s ["));
    assert_non_null(strstr(f.text[0], "]  20%  workers 12/50"));
    assert_string_equal(f.text[1], "2,027 req/s | errors 0.4% | p99 21.7ms  9,637 ok/12 failed");
    mt_live_frame_make(&v, 30, &f); /* narrower than supported: cut, never wrapped */
    assert_frame_fits(&f, 30);
}

static void test_bar_grows_with_elapsed_time(void **state)
{
    (void)state;
    mt_live v = running();
    mt_live_frame a, b;
    v.elapsed = 6;
    mt_live_frame_make(&v, 80, &a);
    v.elapsed = 30;
    mt_live_frame_make(&v, 80, &b);
    size_t ha = 0, hb = 0;
    for (const char *p = a.text[0]; *p; p++) ha += *p == '#';
    for (const char *p = b.text[0]; *p; p++) hb += *p == '#';
    assert_true(hb > ha);
    assert_non_null(strstr(b.text[0], "  50%"));
    v.elapsed = 75; /* past the planned end while requests finish: full, not more */
    mt_live_frame_make(&v, 80, &a);
    assert_non_null(strstr(a.text[0], "1m15s / 1m00s"));
    assert_non_null(strstr(a.text[0], " 100%"));
}

static void test_no_data_yet_and_no_planned_end(void **state)
{
    (void)state;
    mt_live v = running();
    v.rps = v.error_pct = -1;
    v.p99_us = 0;
    v.planned = 0;
    v.elapsed = 0.1;
    mt_live_frame f;
    mt_live_frame_make(&v, 80, &f);
    assert_string_equal(f.text[0], "0.1s elapsed, until Ctrl-C  workers 12/50");
    v.busy = true; /* --rate: the pool's busy workers */
    mt_live_frame_make(&v, 80, &f);
    assert_string_equal(f.text[0], "0.1s elapsed, until Ctrl-C  busy 12/50");
    v.busy = false;
    assert_true(strncmp(f.text[1], "- req/s | errors - | p99 - |", 28) == 0);
    v.runs = 3;
    v.runs_plan = 12; /* -r: progress by runs */
    mt_live_frame_make(&v, 80, &f);
    assert_non_null(strstr(f.text[0], "0.1s  runs 3/12 ["));
    assert_non_null(strstr(f.text[0], "  25%"));
}

static void test_controller_notice_and_failure_lines(void **state)
{
    (void)state;
    mt_live v = running();
    snprintf(v.controller, sizeof v.controller, "ramping 12/50 workers (over 30.0s)");
    v.top_failure = "scenario.lua:6: expected 200, got 404 while fetching "
                    "http://127.0.0.1:8080/a/very/long/path/that/never/fits\nsecond line";
    v.top_count = 42;
    mt_live_frame f;
    mt_live_frame_make(&v, 60, &f);
    assert_int_equal(f.n, 4);
    assert_frame_fits(&f, 60);
    assert_string_equal(f.text[2], "ramping 12/50 workers (over 30.0s)");
    assert_int_equal(f.kind[3], MT_LIVE_FAILURE);
    assert_true(strncmp(f.text[3], "failing (42 in 5s): scenario.lua:6: e", 37) == 0);
    assert_non_null(strstr(f.text[3], "..."));          /* shortened in the middle */
    assert_non_null(strstr(f.text[3], " second line")); /* the newline shows as a space */
    v.top_count = 1124;                                 /* grouped like every count */
    mt_live_frame_make(&v, 60, &f);
    assert_true(strncmp(f.text[3], "failing (1,124 in 5s): ", 23) == 0);
    v.top_count = 42;
    v.stop = MT_LIVE_INTERRUPTED;
    v.in_flight = 3;
    v.in_flight_reqs = true;
    mt_live_frame_make(&v, 80, &f);
    assert_int_equal(f.kind[2], MT_LIVE_NOTICE);
    assert_string_equal(f.text[2],
                        "stopping: waiting for 3 requests in flight, Ctrl-C again to abort");
    mt_live_frame_make(&v, 60, &f);
    assert_string_equal(f.text[2], "stopping: 3 requests in flight, Ctrl-C again to abort");
    v.stop = MT_LIVE_STOPPING; /* the deadline */
    v.in_flight = 1;
    v.in_flight_reqs = false;
    mt_live_frame_make(&v, 80, &f);
    assert_string_equal(f.text[2], "stopping: waiting for 1 busy worker, Ctrl-C to abort");
}

static void test_plain_line(void **state)
{
    (void)state;
    mt_live v = running();
    char line[512];
    mt_live_plain(&v, line, sizeof line);
    assert_string_equal(line, "12.3s/1m00s | SUCCESSES: 9,637 | FAILURES: 12 | WORKERS: 12/50 | "
                              "2,027 req/s | errors 0.4% | p99 21.7ms");
}

static void test_window_of_the_last_seconds(void **state)
{
    (void)state;
    mt_stats s;
    mt_stats_init(&s, 0);
    mt_live_window w;
    double t0 = 1000;
    mt_live_window_init(&w, t0);
    mt_live v;
    memset(&v, 0, sizeof v);
    mt_live_window_update(&w, &s, t0 + 0.05, &v);
    assert_true(v.rps < 0); /* nothing yet: "-", not 0 */
    assert_true(v.error_pct < 0);
    /* 10 s at 100 requests/s, the last 5 s with 10% failing "late" */
    for (int tenth = 1; tenth <= 100; tenth++) {
        s.requests += 10;
        if (tenth > 50) {
            s.failed_requests += 1;
            mt_stats_add_message(&s, "late", 1);
        } else {
            mt_stats_add_message(&s, "early", 3);
        }
        mt_live_window_update(&w, &s, t0 + tenth * 0.1, &v);
    }
    assert_float_equal(v.rps, 100, 1);
    assert_float_equal(v.error_pct, 10, 0.5);
    assert_string_equal(v.top_failure, "late"); /* "early" is counted more, but before */
    assert_true(v.window_s <= MT_LIVE_WINDOW_S + 0.01 && v.window_s >= MT_LIVE_WINDOW_S - 0.2);
    mt_live_window_free(&w);
    mt_stats_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_frame_at_80_and_60_columns),
        cmocka_unit_test(test_bar_grows_with_elapsed_time),
        cmocka_unit_test(test_no_data_yet_and_no_planned_end),
        cmocka_unit_test(test_controller_notice_and_failure_lines),
        cmocka_unit_test(test_plain_line),
        cmocka_unit_test(test_window_of_the_last_seconds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

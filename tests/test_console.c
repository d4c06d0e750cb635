/* test_console.c: the header, the plain live line and the summary: its
 * tables fit the width and stay aligned with big counts, long failures
 * wrap, thresholds print their units, a run under a second shows no rate. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "molotov/console.h"
#include "molotov/summary.h"

static void test_summary_and_live_line(void **state)
{
    (void)state;
    uv_loop_t loop;
    uv_loop_init(&loop);
    mt_options o;
    mt_options_defaults(&o);
    o.workers = 3;
    mt_runner r;
    memset(&r, 0, sizeof(r));
    r.loop = &loop;
    r.opt = &o;
    mt_stats_init(&r.stats, 1);
    r.stats.successes = 12;
    r.stats.failures = 5;
    r.stats.requests = 20;
    mt_stats_add_message(&r.stats, "a.lua:3: rare", 1);
    mt_stats_add_message(&r.stats, "a.lua:9: frequent", 4);
    r.started_at = 100.0;
    r.ended_at = 102.0;

    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    mt_console c;
    mt_console_init(&c, &r, out, false);
    mt_live_window_init(&c.window, mt_now_s() - 2); /* two seconds, 20 requests */
    mt_live v;
    mt_console_gather(&c, &v);
    char line[256];
    mt_live_plain(&v, line, sizeof(line));
    assert_string_equal(line, "2.0s | SUCCESSES: 12 | FAILURES: 5 | WORKERS: 0/3 | 10.0 req/s | "
                              "errors 0.0% | p99 - | failing (4): a.lua:9: frequent");
    mt_console_finish(&c, NULL, 0, NULL);
    mt_console_close(&c);
    fclose(out);
    assert_non_null(strstr(text, "**** Molotov v" MOLOTOV_VERSION ". Happy breaking! ****\n"
                                 "Preparing 3 workers...\n"));
    assert_non_null(strstr(text, "Requests: 20 (10.0/s)"));
    const char *freq = strstr(text, "       4  a.lua:9: frequent\n");
    const char *rare = strstr(text, "       1  a.lua:3: rare\n");
    assert_non_null(freq);
    assert_non_null(rare);
    assert_true(freq < rare); /* most frequent first */
    assert_non_null(strstr(text, "\nSUCCESSES: 12 | FAILURES: 5\n*** Bye ***\n"));
    free(text);
    mt_stats_free(&r.stats);
    uv_run(&loop, UV_RUN_DEFAULT);
    assert_int_equal(uv_loop_close(&loop), 0);
}

static void test_quiet_prints_nothing(void **state)
{
    (void)state;
    uv_loop_t loop;
    uv_loop_init(&loop);
    mt_options o;
    mt_options_defaults(&o);
    o.quiet = true;
    mt_runner r;
    memset(&r, 0, sizeof(r));
    r.loop = &loop;
    r.opt = &o;
    mt_stats_init(&r.stats, 1);
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    mt_console c;
    mt_console_init(&c, &r, out, true);
    mt_console_start(&c);
    mt_console_finish(&c, NULL, 0, NULL);
    mt_console_close(&c);
    fclose(out);
    assert_int_equal(len, 0);
    free(text);
    mt_stats_free(&r.stats);
    uv_run(&loop, UV_RUN_DEFAULT);
    assert_int_equal(uv_loop_close(&loop), 0);
}

static void test_labels_shortened_in_the_middle_never_alike(void **state)
{
    (void)state;
    mt_stats s;
    mt_stats_init(&s, 0);
    const char *labels[] = {"GET /aaaaaaaaaaaa/1/zzzzzzzzzzzzz",
                            "GET /aaaaaaaaaaaa/2/zzzzzzzzzzzzz",
                            "GET /aaaaaaaaaaaa/3/zzzzzzzzzzzzz"};
    for (int i = 0; i < 3; i++) {
        mt_request_rec q = {
            .label = labels[i], .origin = "http://h", .status = 200, .latency_us = 10, .t = 1};
        for (int k = 0; k <= i; k++) mt_stats_request(&s, &q);
    }
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    mt_console_summary(f, &s, NULL, 1.0);
    fclose(f);
    /* sorted by count: 3, 2, 1; shortened alike, so marked apart */
    const char *a = strstr(text, "\n  GET /aaaa...zzzzzzzzz        3 ");
    const char *b = strstr(text, "\n  GET /aaa...zzzzzzzz#2        2 ");
    const char *c = strstr(text, "\n  GET /aaa...zzzzzzzz#3        1 ");
    if (!a || !b || !c) fail_msg("%s", text);
    assert_true(a < b && b < c);
    free(text);
    mt_stats_free(&s);
}

/* Every line of text is at most `width` columns. */
static void assert_fits(const char *text, size_t width)
{
    for (const char *p = text; *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        if (n > width) fail_msg("%zu columns: %.*s", n, (int)n, p);
        p += n + (nl != NULL);
    }
}

/* Where column `word` (the n-th header word) ends in the header line that
 * starts with title, and in the row that starts with row. */
static long end_of(const char *text, const char *line_start, const char *word)
{
    const char *line = strstr(text, line_start);
    assert_non_null(line);
    const char *nl = strchr(line, '\n');
    const char *w = strstr(line, word);
    assert_non_null(w);
    assert_true(w < nl);
    return (long)(w - line) + (long)strlen(word);
}

static char *summary_of(const mt_stats *s, int width, bool wrap)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    const char *names[] = {"a-scenario-with-a-long-name"};
    mt_summary_print(f, s, names, 3600.0, width, wrap); /* an hour */
    fclose(f);
    return text;
}

static void test_summary_fits_and_aligns_big_counts(void **state)
{
    (void)state;
    mt_stats s;
    mt_stats_init(&s, 1);
    mt_request_rec q = {.label = "GET /big", .origin = "http://h", .status = 200, .t = 1};
    for (int i = 0; i < 1000; i++) {
        q.latency_us = 100 + (uint64_t)i * 997;
        mt_stats_request(&s, &q);
    }
    mt_req_stats *row = (mt_req_stats *)mt_stats_label_at(&s, "GET /big", "http://h");
    row->count = 12345678; /* as many as a long run makes */
    row->status[200] = 12345678;
    s.requests = 12345678 + 3;
    q.label = "GET /a/long/path/cut/in/the/middle";
    q.status = 503;
    q.failed = true;
    for (int i = 0; i < 3; i++) mt_stats_request(&s, &q);
    s.scenarios[0].runs = 9876543;
    mt_stats_scenario_end(&s, 0, true, 1500, 1);
    char *text = summary_of(&s, 80, true);
    assert_fits(text, 79);
    assert_non_null(strstr(text, "12,345,678"));
    assert_non_null(strstr(text, "200: 12,345,678"));
    /* the count column ends where its header ends, in every row */
    long head = end_of(text, "Requests (latency)", "count");
    assert_int_equal(end_of(text, "  GET /big", "12,345,678"), head);
    assert_int_equal(end_of(text, "  All requests  ", "12,345,684"), head);
    long p99 = end_of(text, "Requests (latency)", "p99");
    assert_int_equal(end_of(text, "Scenarios (run time)", "p99"), p99);
    assert_null(strstr(text, "p95")); /* 80 columns: p50 p90 p99 (max when it fits) */
    free(text);
    text = summary_of(&s, 120, true); /* wider: p95 too, and whole labels */
    assert_fits(text, 119);
    assert_non_null(strstr(text, "p95"));
    assert_non_null(strstr(text, "GET /a/long/path/cut/in/the/middle"));
    free(text);
    text = summary_of(&s, 60, true);
    assert_fits(text, 59);
    free(text);
    s.cancelled = 1234; /* a Ctrl-C's cancelled runs and cut bodies fit too */
    s.truncated = 56789;
    text = summary_of(&s, 60, true);
    assert_fits(text, 59);
    assert_non_null(strstr(text, "Cancelled runs (neither ok nor failed): 1,234\n"));
    free(text);
    mt_stats_free(&s);
}

/* A run under a second (-r 1): one request in 11 ms is no "93.9 req/s";
 * every rate is "-", as in the HTML report. */
static void test_a_run_under_a_second_shows_no_rate(void **state)
{
    (void)state;
    mt_stats s;
    mt_stats_init(&s, 1);
    mt_request_rec q = {
        .label = "GET /", .origin = "http://h", .status = 200, .latency_us = 10650, .t = 1};
    mt_stats_request(&s, &q);
    s.scenarios[0].runs = 1;
    mt_stats_scenario_end(&s, 0, true, 10700, 1);
    const char *names[] = {"once"};
    for (int k = 0; k < 2; k++) {
        char *text = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&text, &len);
        mt_summary_print(f, &s, names, k ? 1.25 : 0.011, 80, true);
        fclose(f);
        if (k) { /* a second or more: rates */
            assert_non_null(strstr(text, "Requests: 1 (0.8/s)"));
            assert_int_equal(end_of(text, "  GET /", "0.8"), end_of(text, "Requests (", "req/s"));
        } else {
            assert_non_null(strstr(text, "Duration: 0.01s | Requests: 1 (too short for a rate)\n"));
            assert_null(strstr(text, "90.9"));
            long rate = end_of(text, "Requests (", "req/s");
            assert_int_equal(end_of(text, "  GET /  ", "-"), rate);
            assert_int_equal(end_of(text, "  All requests  ", "-"), rate);
            assert_int_equal(end_of(text, "  once", "-"), end_of(text, "Scenarios (", "runs/s"));
        }
        free(text);
    }
    mt_stats_free(&s);
}

static void test_long_failures_wrap_to_the_width(void **state)
{
    (void)state;
    mt_stats s;
    mt_stats_init(&s, 0);
    mt_stats_add_message(&s,
                         "scenario.lua:12: the server answered something that nobody expected "
                         "and this message goes on well past eighty columns, then ends here",
                         1234);
    char *text = summary_of(&s, 80, true);
    assert_fits(text, 79);
    assert_non_null(strstr(text, "   1,234  scenario.lua:12: the server"));
    assert_non_null(strstr(text, "\n          ")); /* continued under the message */
    assert_non_null(strstr(text, "then ends here\n"));
    free(text);
    text = summary_of(&s, 80, false); /* a log: whole, for grep */
    assert_non_null(strstr(text, "   1,234  scenario.lua:12: the server answered something that "
                                 "nobody expected and this message goes on"));
    free(text);
    mt_stats_free(&s);
}

static void test_thresholds_print_their_units(void **state)
{
    (void)state;
    mt_threshold_result t[4];
    memset(t, 0, sizeof t);
    const char *exprs[] = {"p99<50ms", "failure_rate<1%", "rps>=200", "failures<10"};
    const mt_metric metrics[] = {MT_METRIC_P99, MT_METRIC_FAILURE_RATE, MT_METRIC_RPS,
                                 MT_METRIC_FAILURES};
    const double values[] = {21.66, 0.4, 1909.04, 3};
    for (int i = 0; i < 4; i++) {
        snprintf(t[i].t.expr, sizeof t[i].t.expr, "%s", exprs[i]);
        t[i].t.metric = metrics[i];
        t[i].value = values[i];
        t[i].passed = i != 1;
    }
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    mt_summary_thresholds(f, t, 4);
    fclose(f);
    assert_string_equal(text, "Thresholds:\n"
                              "  PASS  p99<50ms (p99 21.7ms)\n"
                              "  FAIL  failure_rate<1% (failure_rate 0.40%)\n"
                              "  PASS  rps>=200 (rps 1,909.0/s)\n"
                              "  PASS  failures<10 (failures 3)\n");
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_summary_and_live_line),
        cmocka_unit_test(test_quiet_prints_nothing),
        cmocka_unit_test(test_labels_shortened_in_the_middle_never_alike),
        cmocka_unit_test(test_summary_fits_and_aligns_big_counts),
        cmocka_unit_test(test_a_run_under_a_second_shows_no_rate),
        cmocka_unit_test(test_long_failures_wrap_to_the_width),
        cmocka_unit_test(test_thresholds_print_their_units),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

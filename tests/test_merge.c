/* test_merge.c: `molotov merge` (src/merge.c): two reports made from two
 * halves of a set of samples merge into the statistics of one run over all
 * of them (counts, percentiles, timeline seconds, scenarios matched by name),
 * a part older than bytes, timings, workers and classes per second leaves
 * those out (null, with a warning naming it) rather than undercount, and
 * inputs that are not molotov reports are refused by name. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "molotov/common.h"
#include "molotov/merge.h"
#include "molotov/options.h"
#include "molotov/report.h"
#include "molotov/timings.h"

#include "stats_helpers.h"

#define T0 1795992000 /* 2026-11-29T22:40:00Z */

/* Sample k of the whole set: a latency spread over 100 us .. 2 s. */
static uint64_t sample(int k)
{
    return 100 + (uint64_t)(k * 7919 % 20000) * 100;
}

/* Records samples k < 5000 of part (0: k % 3 != 0, 1: k % 3 == 0, -1: all)
 * into s: requests to "GET /" in second T0 + k / 1000, scenario runs
 * alternating between the two scenarios (scn maps them to s's indexes). */
static void record(mt_stats *s, int part, const int scn[2])
{
    for (int k = 0; k < 5000; k++) {
        if (part >= 0 && (k % 3 == 0) != part) continue;
        int64_t t = T0 + k / 1000;
        req(s, "GET /", k % 10 ? 200 : 503, NULL, sample(k), t);
        mt_stats_scenario_start(s, scn[k % 2]);
        mt_stats_scenario_end(s, scn[k % 2], k % 10 != 0, sample(k) + 50, t);
        if (k % 10 == 0) mt_stats_add_message(s, "status 503", 1);
    }
}

/* The JSON report of s as a run started at `start` lasting `secs`. */
static cJSON *report_of(const mt_stats *s, const char *const *names, double start, double secs,
                        int workers)
{
    mt_options o;
    mt_options_defaults(&o);
    o.workers = workers;
    mt_report r = {
        .stats = s, .opt = &o, .scenario_names = names, .started_wall = start, .duration_s = secs};
    return mt_report_json(&r);
}

static void test_merge_equals_one_run_over_all_samples(void **state)
{
    (void)state;
    const char *names_a[] = {"read", "write"}, *names_b[] = {"write", "read"};
    const char *names_all[] = {"read", "write"};
    mt_stats a, b, all;
    mt_stats_init(&a, 2);
    mt_stats_init(&b, 2);
    mt_stats_init(&all, 2);
    record(&a, 0, (const int[]){0, 1});
    record(&b, 1, (const int[]){1, 0}); /* b lists write first: same runs */
    record(&all, -1, (const int[]){0, 1});
    cJSON *r[2] = {report_of(&a, names_a, T0 + 0.25, 3.0, 10),
                   report_of(&b, names_b, T0 + 1.5, 4.0, 20)};
    const char *paths[] = {"a.json", "b.json"};
    mt_merged m;
    char err[256];
    assert_int_equal(mt_merge_reports(r, paths, 2, false, &m, err, sizeof(err)), MT_OK);

    assert_int_equal(m.stats.requests, all.requests);
    assert_int_equal(m.stats.successes, all.successes);
    assert_int_equal(m.stats.failures, all.failures);
    const double ps[] = {50, 90, 99, 99.9};
    for (int i = 0; i < 4; i++)
        assert_int_equal(mt_hist_percentile(m.stats.latency, ps[i]),
                         mt_hist_percentile(all.latency, ps[i]));
    assert_int_equal(mt_hist_max(m.stats.latency), mt_hist_max(all.latency));
    assert_int_equal(m.nnames, 2);
    for (int i = 0; i < 2; i++) {
        assert_string_equal(m.names[i], names_all[i]);
        assert_int_equal(m.stats.scenarios[i].runs, all.scenarios[i].runs);
        assert_int_equal(mt_hist_percentile(m.stats.scenarios[i].duration, 99),
                         mt_hist_percentile(all.scenarios[i].duration, 99));
    }
    const mt_req_stats *q = label_of(&m.stats, "GET /");
    assert_non_null(q);
    assert_int_equal(q->status[503], 500);
    /* the timeline: seconds T0 .. T0+4, each the sum of both runs' */
    assert_int_equal(a.timeline.nticks, 5);
    assert_int_equal(b.timeline.nticks, 5);
    assert_int_equal(m.stats.timeline.nticks, 5);
    for (int i = 0; i < 5; i++) {
        assert_int_equal(m.stats.timeline.ticks[i].t, all.timeline.ticks[i].t);
        assert_int_equal(m.stats.timeline.ticks[i].requests, 1000);
    }
    size_t nmsg;
    const mt_msgcount **msgs = mt_stats_messages(&m.stats, &nmsg);
    assert_int_equal(nmsg, 1);
    assert_int_equal(msgs[0]->count, 500);
    free(msgs);
    /* the span: from the earliest start to the latest end; 10 and 20 workers */
    assert_true(m.started_wall == T0 + 0.25);
    assert_true(m.duration_s > 5.24 && m.duration_s < 5.26);
    assert_int_equal(m.processes, 2);
    assert_int_equal(m.workers, 30); /* workers add */

    mt_merged_free(&m);
    cJSON_Delete(r[0]);
    cJSON_Delete(r[1]);
    mt_stats_free(&a);
    mt_stats_free(&b);
    mt_stats_free(&all);
}

/* b's histograms as a report written before bytes, timings, workers and
 * failure classes per second and the series existed. */
static void make_old(cJSON *report)
{
    cJSON *h = cJSON_GetObjectItemCaseSensitive(report, "histograms"), *x;
    const char *keys[] = {"bytes_sent", "bytes_received", "body_bytes_received"};
    for (int i = 0; i < 3; i++) cJSON_DeleteItemFromObject(h, keys[i]);
    cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(h, "labels"))
    {
        for (int i = 0; i < 3; i++) cJSON_DeleteItemFromObject(x, keys[i]);
        cJSON_DeleteItemFromObject(x, "phases");
        cJSON_DeleteItemFromObject(x, "timeline");
    }
    cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(h, "scenarios"))
    {
        cJSON_DeleteItemFromObject(x, "timeline");
    }
    const char *tick[] = {"workers", "transport_errors", "failed_4xx", "failed_5xx",
                          "failed_other"};
    cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(h, "timeline"))
    {
        for (int i = 0; i < 5; i++) cJSON_DeleteItemFromObject(x, tick[i]);
    }
}

static bool warned(const mt_merged *m, const char *text)
{
    const cJSON *w;
    cJSON_ArrayForEach(w, cJSON_GetObjectItemCaseSensitive(m->merge, "warnings"))
    {
        if (strstr(w->valuestring, text)) return true;
    }
    return false;
}

static void test_an_older_part_leaves_out_what_it_lacks(void **state)
{
    (void)state;
    const char *names[] = {"read", "write"};
    mt_stats a;
    mt_stats_init(&a, 2);
    record(&a, -1, (const int[]){0, 1});
    mt_timing tm = mt_timing_from_marks(10, 30, 0, 40, 500, 800);
    mt_request_rec q = {.label = "GET /",
                        .origin = TEST_ORIGIN,
                        .status = 200,
                        .latency_us = 800,
                        .t = T0,
                        .bytes_out = 100,
                        .bytes_in = 300,
                        .timing = &tm};
    mt_stats_request(&a, &q);
    for (int i = 0; i < 5; i++) mt_stats_workers(&a, T0 + i, 10);
    cJSON *r[2] = {report_of(&a, names, T0, 5.0, 10), report_of(&a, names, T0, 5.0, 10)};
    make_old(r[1]);
    const char *paths[] = {"new.json", "old.json"};
    mt_merged m;
    char err[256];
    assert_int_equal(mt_merge_reports(r, paths, 2, false, &m, err, sizeof(err)), MT_OK);
    assert_int_equal(m.stats.unknown, MT_UNKNOWN_BYTES | MT_UNKNOWN_TIMINGS | MT_UNKNOWN_WORKERS);
    assert_true(warned(&m, "old.json has no byte counts (the merged bytes are left out), no "
                           "request timings (the merged timings are left out), no workers per "
                           "second (the merged ones are left out), no failure classes per second "
                           "(its failed requests count as other), no label or scenario series"));
    assert_false(warned(&m, "new.json"));
    /* every second's classes add up to its failed requests: old's as other */
    uint64_t other = 0;
    for (int i = 0; i < m.stats.timeline.nticks; i++) {
        const mt_tick *k = &m.stats.timeline.ticks[i];
        const mt_failcount *f = &k->fails;
        assert_int_equal(f->transport + f->status_4xx + f->status_5xx + f->other,
                         k->failed_requests);
        other += f->other;
    }
    assert_int_equal(other, a.failed_requests); /* old.json's 503s, class unknown */
    /* the report: null, not new.json's share passed off as the whole */
    mt_options o;
    mt_options_defaults(&o);
    mt_report rep = {.stats = &m.stats,
                     .opt = &o,
                     .scenario_names = (const char *const *)m.names,
                     .started_wall = m.started_wall,
                     .duration_s = m.duration_s};
    cJSON *j = mt_report_json(&rep);
    const cJSON *totals = cJSON_GetObjectItemCaseSensitive(j, "totals");
    assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(totals, "bytes_sent")));
    assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(totals, "body_bytes_received")));
    const cJSON *row =
        cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(j, "requests"), "GET /");
    assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(row, "bytes_received")));
    assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(row, "timings_ms")));
    const cJSON *t0 = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(j, "timeline"), 0);
    assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(t0, "workers")));
    /* merged again, it still lacks them */
    cJSON *again[1] = {j};
    cJSON_AddStringToObject(j, "run_id", "merged-1");
    mt_merged m2;
    assert_int_equal(mt_merge_reports(again, paths, 1, false, &m2, err, sizeof(err)), MT_OK);
    assert_int_equal(m2.stats.unknown, MT_UNKNOWN_BYTES | MT_UNKNOWN_TIMINGS | MT_UNKNOWN_WORKERS);
    mt_merged_free(&m2);
    cJSON_Delete(j);
    mt_merged_free(&m);
    cJSON_Delete(r[0]);
    cJSON_Delete(r[1]);
    mt_stats_free(&a);
}

static void expect_refused(const char *json, const char *needle)
{
    cJSON *r[1] = {cJSON_Parse(json)};
    assert_non_null(r[0]);
    const char *paths[] = {"x.json"};
    mt_merged m;
    char err[256] = "";
    assert_int_equal(mt_merge_reports(r, paths, 1, false, &m, err, sizeof(err)), MT_EINVAL);
    if (!strstr(err, "x.json") || !strstr(err, needle))
        fail_msg("error '%s' lacks x.json or '%s'", err, needle);
    mt_merged_free(&m);
    cJSON_Delete(r[0]);
}

static void test_not_a_report_is_refused(void **state)
{
    (void)state;
    expect_refused("{\"totals\": {}}", "not a molotov JSON report");
    expect_refused("{\"histograms\": {\"scenario_names\": []}}", "started_at");
    expect_refused("{\"started_at\": \"2026-11-29T22:40:00Z\", \"histograms\": "
                   "{\"scenario_names\": [], \"latency\": \"h1:garbage\"}}",
                   "malformed");
    /* hostile shapes: no crash, no undefined cast */
    expect_refused("{\"started_at\": \"2026-11-29T22:40:00Z\", \"histograms\": "
                   "{\"scenario_names\": [], \"latency\": \"h1:0,0,0,0:\", \"timeline\": "
                   "[{\"t\": 1e300, \"latency\": \"h1:0,0,0,0:\"}]}}",
                   "malformed");
    cJSON *r[1] = {cJSON_Parse(
        "{\"started_at\": \"2026-11-29T22:40:00Z\", \"histograms\": {\"scenario_names\": "
        "[], \"successes\": -5, \"requests\": 1e300, \"latency\": \"h1:0,0,0,0:\", "
        "\"labels\": [{\"label\": \"x\", \"status\": [200], \"kinds\": [\"a\"], "
        "\"latency\": \"h1:0,0,0,0:\"}]}}")};
    assert_non_null(r[0]);
    const char *paths[] = {"x.json"};
    mt_merged m;
    char err[256] = "";
    assert_int_equal(mt_merge_reports(r, paths, 1, false, &m, err, sizeof(err)), MT_OK);
    assert_int_equal(m.stats.successes, 0);
    assert_int_equal(m.stats.requests, 0);
    mt_merged_free(&m);
    cJSON_Delete(r[0]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_merge_equals_one_run_over_all_samples),
        cmocka_unit_test(test_an_older_part_leaves_out_what_it_lacks),
        cmocka_unit_test(test_not_a_report_is_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

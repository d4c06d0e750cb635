/* test_report.c: the report module (src/report.c): thresholds over every
 * request or only the ones that did not fail, the JSON's latency objects
 * (null when empty), row order, the timeline, the distribution, the errors
 * and the histograms that read back as the statistics. The files are
 * test_report_files.c's, JUnit test_report_junit.c's. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "molotov/common.h"
#include "molotov/report.h"
#include "stats_helpers.h"

static double value_of(mt_report *r, const char *expr)
{
    mt_threshold_result t = {0};
    char err[256];
    if (mt_threshold_parse(expr, &t.t, err, sizeof err)) fail_msg("%s", err);
    r->thresholds = &t;
    r->nthresholds = 1;
    mt_report_evaluate(r);
    r->thresholds = NULL;
    r->nthresholds = 0;
    return t.value;
}

static void test_thresholds_all_and_ok(void **state)
{
    (void)state;
    mt_options o;
    mt_options_defaults(&o);
    mt_stats s;
    mt_stats_init(&s, 1);
    record_ten(&s);
    const char *names[] = {"home"};
    mt_report r = {.stats = &s, .opt = &o, .scenario_names = names, .duration_s = 2};
    assert_true(value_of(&r, "max<1s") >= 299);                /* the timeout counts */
    assert_true(fabs(value_of(&r, "ok:max<1s") - 1.0) < 0.02); /* not there */
    assert_true(value_of(&r, "request:GET /:p99<1s") >= 299);
    assert_true(value_of(&r, "request:GET /:ok:p99<1s") < 1.1);
    assert_true(fabs(value_of(&r, "requests:failure_rate<1%") - 20.0) < 1e-9);
    assert_true(fabs(value_of(&r, "request:GET /:failures<1") - 2.0) < 1e-9);
    assert_true(fabs(value_of(&r, "failure_rate<1%") - 20.0) < 1e-9); /* scenario runs */
    assert_true(value_of(&r, "scenario:home:ok:max<1s") < 1.1);
    assert_true(isnan(value_of(&r, "request:GET /nope:p99<1s")));
    mt_stats_free(&s);
}

static void test_json_latency_null_when_empty_and_rows_sorted(void **state)
{
    (void)state;
    mt_options o;
    mt_options_defaults(&o);
    mt_stats s;
    mt_stats_init(&s, 1);
    mt_request_rec q = {.label = "GET /b",
                        .origin = "http://h",
                        .error_kind = "timeout",
                        .failed = true,
                        .latency_us = 5000,
                        .t = 100};
    mt_stats_request(&s, &q);
    q = (mt_request_rec){.label = "GET /a", .origin = "http://h", .status = 200, .t = 100};
    mt_stats_request(&s, &q);
    mt_stats_request(&s, &q);
    const char *names[] = {"x"};
    mt_report r = {.stats = &s, .opt = &o, .scenario_names = names, .duration_s = 1};
    cJSON *j = mt_report_json(&r);
    cJSON *reqs = cJSON_GetObjectItem(j, "requests");
    assert_string_equal(reqs->child->string, "GET /a"); /* most requests first */
    cJSON *b = cJSON_GetObjectItem(reqs, "GET /b");
    cJSON *ok = cJSON_GetObjectItem(b, "latency_ok_ms");
    assert_int_equal((int)cJSON_GetObjectItem(ok, "count")->valuedouble, 0);
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(ok, "p99")));
    cJSON *all = cJSON_GetObjectItem(b, "latency_ms");
    assert_true(cJSON_GetObjectItem(all, "p99")->valuedouble >= 4.9);
    assert_int_equal((int)cJSON_GetObjectItem(b, "errors")->valuedouble, 1);
    cJSON *scn = cJSON_GetObjectItem(cJSON_GetObjectItem(j, "scenarios"), "x");
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(cJSON_GetObjectItem(scn, "latency_ms"), "p50")));
    cJSON_Delete(j);
    mt_stats_free(&s);
}

static void test_json_timeline_distribution_errors_and_histograms(void **state)
{
    (void)state;
    mt_options o;
    mt_options_defaults(&o);
    o.rate = 5;
    mt_stats s;
    mt_stats_init(&s, 1);
    record_ten(&s);
    mt_stats_add_message(&s, "a.lua:2: status 503", 3);
    const char *names[] = {"home"};
    mt_report r = {
        .stats = &s, .opt = &o, .scenario_names = names, .duration_s = 2, .started_wall = 99.5};
    cJSON *j = mt_report_json(&r);
    cJSON *tl = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "timeline"), 0);
    assert_int_equal((int)cJSON_GetObjectItem(tl, "t")->valuedouble, 1); /* from the start */
    assert_int_equal((int)cJSON_GetObjectItem(tl, "unix")->valuedouble, 100);
    assert_int_equal((int)cJSON_GetObjectItem(tl, "requests")->valuedouble, 10);
    assert_int_equal((int)cJSON_GetObjectItem(tl, "failed_requests")->valuedouble, 2);
    double buckets = 0;
    const cJSON *b;
    cJSON_ArrayForEach(b, cJSON_GetObjectItem(j, "distribution"))
    {
        buckets += cJSON_GetObjectItem(b, "count")->valuedouble;
        assert_true(cJSON_GetObjectItem(b, "lo_ms")->valuedouble <=
                    cJSON_GetObjectItem(b, "hi_ms")->valuedouble);
    }
    assert_true(buckets == 10);
    cJSON *e = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "errors"), 0);
    assert_string_equal(cJSON_GetObjectItem(e, "message")->valuestring, "a.lua:2: status 503");
    assert_int_equal((int)cJSON_GetObjectItem(e, "count")->valuedouble, 3);
    cJSON *rate = cJSON_GetObjectItem(j, "rate");
    assert_int_equal((int)cJSON_GetObjectItem(rate, "started")->valuedouble, 10);
    assert_null(cJSON_GetObjectItem(j, "sizing"));
    assert_null(cJSON_GetObjectItem(j, "merge"));
    /* the histograms are the statistics themselves: read back, they are s */
    cJSON *h = cJSON_GetObjectItem(j, "histograms");
    assert_string_equal(
        cJSON_GetArrayItem(cJSON_GetObjectItem(h, "scenario_names"), 0)->valuestring, "home");
    mt_stats back;
    mt_stats_init(&back, 1);
    assert_int_equal(mt_stats_merge_json(&back, h), MT_OK);
    assert_int_equal(back.requests, 10);
    assert_int_equal(back.failures, 2);
    assert_int_equal(mt_hist_max(back.latency), mt_hist_max(s.latency));
    mt_stats_free(&back);
    cJSON_Delete(j);
    mt_stats_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_thresholds_all_and_ok),
        cmocka_unit_test(test_json_latency_null_when_empty_and_rows_sorted),
        cmocka_unit_test(test_json_timeline_distribution_errors_and_histograms),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

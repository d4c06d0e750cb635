/* test_report.c: the report module (src/report.c, src/report_junit.c):
 * report paths checked before a run (nothing truncated, nothing left
 * behind), thresholds over every request or only the ones that did not
 * fail, the JSON's latency objects (null when empty) and row order, and the
 * JUnit file's times, failure texts and system-out. */
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
#include "molotov/report_files.h"
#include "molotov/report_junit.h"

static void test_paths_checked_before_the_run(void **state)
{
    (void)state;
    mt_options o;
    mt_options_defaults(&o);
    char err[256];
    o.html_path = "/nonexistent/dir/r.html";
    assert_int_equal(mt_report_check_paths(&o, err, sizeof err), MT_EIO);
    assert_non_null(strstr(err, "--html /nonexistent/dir/r.html: cannot write"));
    char dir[] = "/tmp/molotov-report-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char fresh[64], kept[64];
    snprintf(fresh, sizeof fresh, "%s/new.json", dir);
    snprintf(kept, sizeof kept, "%s/old.xml", dir);
    FILE *f = fopen(kept, "w");
    fputs("old", f);
    fclose(f);
    o.html_path = NULL;
    o.json_path = fresh;
    o.junit_path = kept;
    assert_int_equal(mt_report_check_paths(&o, err, sizeof err), MT_OK);
    assert_int_equal(access(fresh, F_OK), -1); /* made and removed again */
    char buf[8] = "";
    f = fopen(kept, "r");
    assert_non_null(fgets(buf, sizeof buf, f));
    fclose(f);
    assert_string_equal(buf, "old"); /* not truncated */
    unlink(kept);
    rmdir(dir);
}

/* 10 requests to "GET /": 8 fast answers, one 503 and one timeout at 300 ms. */
static void record(mt_stats *s)
{
    for (int i = 0; i < 10; i++) {
        mt_request_rec q = {
            .label = "GET /", .origin = "http://h", .status = 200, .latency_us = 1000, .t = 100};
        if (i == 8) q.status = 503, q.failed = true;
        if (i == 9) q.status = 0, q.error_kind = "timeout", q.failed = true, q.latency_us = 300000;
        mt_stats_request(s, &q);
        mt_stats_scenario_start(s, 0);
        mt_stats_scenario_end(s, 0, i < 8, q.latency_us, 100);
    }
    mt_stats_add_scenario_message(s, 0, "a.lua:2: status 503", 1);
    mt_stats_add_scenario_message(s, 0, "a.lua:2: timeout: http://h/", 1);
}

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
    record(&s);
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

static void test_junit_times_failures_and_system_out(void **state)
{
    (void)state;
    mt_options o;
    mt_options_defaults(&o);
    mt_stats s;
    mt_stats_init(&s, 1);
    record(&s);
    const char *names[] = {"home"};
    mt_runinfo ri;
    char *argv[] = {"molotov", "-d", "15", "a.lua"};
    mt_runinfo_init(&ri, 4, argv, NULL);
    ri.stop_reason = "interrupted";
    ri.planned_s = 15;
    ri.exit_code = 130;
    mt_report r = {.stats = &s, .opt = &o, .scenario_names = names, .duration_s = 3, .info = &ri};
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    assert_int_equal(mt_report_junit(&r, f), MT_OK);
    fclose(f);
    /* the runs' time: 8 x 1 ms + 1 ms + 300 ms */
    assert_non_null(strstr(text, "name=\"home\" time=\"0.309\""));
    assert_non_null(strstr(text, "<failure message=\"2 of 10 runs failed\" type=\"scenario\">"));
    assert_non_null(strstr(text, "1 x a.lua:2: status 503\n"));
    assert_non_null(strstr(text, "1 x a.lua:2: timeout: http://h/\n"));
    assert_non_null(strstr(text, "stop reason: interrupted\n"));
    assert_non_null(strstr(text, "planned: 15.0 s\n"));
    assert_non_null(strstr(text, "command: molotov -d 15 a.lua\n"));
    assert_non_null(strstr(text, "target: http://h\n"));
    free(text);
    mt_runinfo_free(&ri);
    mt_stats_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_paths_checked_before_the_run),
        cmocka_unit_test(test_thresholds_all_and_ok),
        cmocka_unit_test(test_json_latency_null_when_empty_and_rows_sorted),
        cmocka_unit_test(test_junit_times_failures_and_system_out),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

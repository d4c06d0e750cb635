/* test_report_junit.c: the JUnit file: a scenario's time (the sum of its
 * runs), its failure text (top messages with counts), a scenario that never
 * ran skipped, thresholds that failed with their value, XML escaping, the
 * run's own testcase failed by its exit code (not by 99, the thresholds'),
 * and system-out. */
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
#include "molotov/report_junit.h"
#include "stats_helpers.h"

static void test_junit_times_failures_and_system_out(void **state)
{
    (void)state;
    mt_options o;
    mt_options_defaults(&o);
    mt_stats s;
    mt_stats_init(&s, 1);
    record_ten(&s);
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

static char *junit_of(const mt_report *r)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    assert_int_equal(mt_report_junit(r, f), MT_OK);
    fclose(f);
    return text;
}

static void test_thresholds_skipped_escaped_and_the_run(void **state)
{
    (void)state;
    mt_options o;
    mt_options_defaults(&o);
    mt_stats s;
    mt_stats_init(&s, 2);
    record_ten(&s);
    const char *names[] = {"home", "<never & \"ran\">"};
    mt_threshold_result t[3] = {0};
    char err[256];
    assert_int_equal(mt_threshold_parse("p99<100ms", &t[0].t, err, sizeof err), 0);
    assert_int_equal(mt_threshold_parse("ok:max<1s", &t[1].t, err, sizeof err), 0);
    assert_int_equal(mt_threshold_parse("request:GET /x:p99<1s", &t[2].t, err, sizeof err), 0);
    t[0].value = 299.5;
    t[1].value = 1.0;
    t[1].passed = true;
    t[2].value = NAN;
    mt_runinfo ri;
    char *argv[] = {"molotov", "a.lua"};
    mt_runinfo_init(&ri, 2, argv, NULL);
    ri.stop_reason = "thresholds";
    ri.exit_code = MT_EXIT_THRESHOLDS;
    mt_report r = {.stats = &s,
                   .opt = &o,
                   .scenario_names = names,
                   .duration_s = 2,
                   .thresholds = t,
                   .nthresholds = 3,
                   .info = &ri};
    char *text = junit_of(&r);
    /* 2 scenarios + 3 thresholds + the run; home and two thresholds failed */
    assert_non_null(strstr(text, "<testsuites name=\"molotov\" tests=\"6\" failures=\"3\""));
    assert_non_null(strstr(text, "name=\"&lt;never &amp; &quot;ran&quot;&gt;\" time=\"0.000\">"
                                 "<skipped message=\"never ran\"/></testcase>"));
    assert_non_null(strstr(text, "name=\"p99&lt;100ms\" time=\"0\">"
                                 "<failure message=\"p99 = 299.500ms\"/></testcase>"));
    assert_non_null(strstr(text, "name=\"ok:max&lt;1s\" time=\"0\"></testcase>"));
    assert_non_null(strstr(text, "<failure message=\"no data\"/>"));
    /* exit code 99 is the thresholds suite's to show: the run passes */
    assert_non_null(strstr(text, "<testsuite name=\"run\" tests=\"1\" failures=\"0\""));
    free(text);
    ri.exit_code = 1;
    snprintf(ri.outcome, sizeof ri.outcome, "%s", "no success");
    ri.stop_reason = "no success";
    text = junit_of(&r);
    assert_non_null(strstr(text, "<testsuites name=\"molotov\" tests=\"6\" failures=\"4\""));
    assert_non_null(strstr(text, "<failure message=\"exit code 1 (no success): no success\"/>"));
    free(text);
    mt_runinfo_free(&ri);
    mt_stats_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_junit_times_failures_and_system_out),
        cmocka_unit_test(test_thresholds_skipped_escaped_and_the_run),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

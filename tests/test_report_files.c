/* test_report_files.c: the report files: paths checked before a run
 * (nothing truncated, nothing left behind), the files written at the end
 * from one document, and a path that cannot be written failing alone. */
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
#include "molotov/report_files.h"

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

static char *slurp(const char *path)
{
    mt_buf b;
    mt_buf_init(&b);
    assert_int_equal(mt_read_file(path, &b), MT_OK);
    return b.data;
}

static void test_reports_written_at_the_end(void **state)
{
    (void)state;
    mt_options o;
    mt_options_defaults(&o);
    mt_stats s;
    mt_stats_init(&s, 1);
    mt_request_rec q = {.label = "GET /a", .origin = "http://h", .status = 200, .t = 100};
    mt_stats_request(&s, &q);
    mt_stats_scenario_start(&s, 0);
    mt_stats_scenario_end(&s, 0, true, 1000, 100);
    const char *names[] = {"home"};
    mt_report r = {.stats = &s, .opt = &o, .scenario_names = names, .duration_s = 1};
    assert_int_equal(mt_report_write_all(&r), MT_OK); /* none asked: none written */
    char dir[] = "/tmp/molotov-report-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char json[64], junit[64];
    snprintf(json, sizeof json, "%s/r.json", dir);
    snprintf(junit, sizeof junit, "%s/r.xml", dir);
    o.json_path = json;
    o.junit_path = junit;
    assert_int_equal(mt_report_write_all(&r), MT_OK);
    char *text = slurp(json);
    assert_int_equal(text[strlen(text) - 1], '\n');
    cJSON *j = cJSON_Parse(text);
    assert_non_null(j);
    cJSON *a = cJSON_GetObjectItem(cJSON_GetObjectItem(j, "requests"), "GET /a");
    assert_int_equal((int)cJSON_GetObjectItem(a, "count")->valuedouble, 1);
    cJSON_Delete(j);
    free(text);
    text = slurp(junit);
    assert_non_null(strstr(text, "<testcase classname=\"molotov.scenario\" name=\"home\""));
    free(text);
    o.json_path = "/nonexistent/dir/r.json"; /* one fails, the others are still written */
    unlink(junit);
    assert_int_equal(mt_report_write_all(&r), MT_EIO);
    assert_int_equal(access(junit, F_OK), 0);
    unlink(junit);
    unlink(json);
    rmdir(dir);
    mt_stats_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_paths_checked_before_the_run),
        cmocka_unit_test(test_reports_written_at_the_end),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

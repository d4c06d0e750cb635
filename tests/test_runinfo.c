/* test_runinfo.c: what a report says about the run (src/runinfo.c): a
 * fresh 128-bit id each run, the script's SHA-256 (checked against known
 * digests), the command line quoted so a shell reads it back and with its
 * secrets masked, and the JSON fields. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "molotov/common.h"
#include "molotov/runinfo.h"

static void test_run_ids_differ(void **state)
{
    (void)state;
    mt_runinfo a, b;
    mt_runinfo_init(&a, 0, NULL, NULL);
    mt_runinfo_init(&b, 0, NULL, NULL);
    assert_int_equal(strlen(a.run_id), 32);
    assert_int_equal(strspn(a.run_id, "0123456789abcdef"), 32);
    assert_string_not_equal(a.run_id, b.run_id);
    assert_true(a.hostname[0] != '\0');
    assert_string_equal(a.stop_reason, "completed");
    mt_runinfo_free(&a);
    mt_runinfo_free(&b);
}

static void test_sha256_of_files(void **state)
{
    (void)state;
    char path[] = "/tmp/molotov-runinfo-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    char out[65];
    assert_int_equal(mt_runinfo_sha256_file(path, out), MT_OK); /* empty */
    assert_string_equal(out, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    assert_int_equal(write(fd, "abc", 3), 3);
    close(fd);
    assert_int_equal(mt_runinfo_sha256_file(path, out), MT_OK);
    assert_string_equal(out, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    unlink(path);
    assert_int_equal(mt_runinfo_sha256_file(path, out), MT_ENOENT);
    assert_string_equal(out, "");
}

static void test_command_line_quoted_and_masked(void **state)
{
    (void)state;
    char *argv[] = {"molotov",
                    "-w",
                    "5",
                    "--threshold",
                    "p99<250ms",
                    "it's.lua",
                    "--proxy",
                    "http://u:pw@h:1/",
                    "Authorization: Bearer tok",
                    ""};
    char *line = mt_runinfo_command_line(10, argv);
    assert_string_equal(line, "molotov -w 5 --threshold 'p99<250ms' 'it'\\''s.lua' --proxy "
                              "'http://u:***@h:1/' 'Authorization: ***' ''");
    free(line);
}

static void test_json_fields(void **state)
{
    (void)state;
    char *argv[] = {"molotov", "x.lua"};
    mt_runinfo ri;
    mt_runinfo_init(&ri, 2, argv, "/nonexistent/x.lua");
    ri.started_wall = 1795992000.25;
    ri.ended_wall = 1795992003.5;
    ri.planned_s = 15;
    ri.stop_reason = "interrupted";
    ri.exit_code = 130;
    cJSON *j = cJSON_CreateObject();
    mt_runinfo_to_json(&ri, j);
    assert_string_equal(cJSON_GetObjectItem(j, "started_at")->valuestring,
                        "2026-11-29T22:40:00.250Z");
    assert_string_equal(cJSON_GetObjectItem(j, "ended_at")->valuestring,
                        "2026-11-29T22:40:03.500Z");
    assert_int_equal((int)cJSON_GetObjectItem(j, "planned_duration_s")->valuedouble, 15);
    assert_string_equal(cJSON_GetObjectItem(j, "stop_reason")->valuestring, "interrupted");
    assert_int_equal((int)cJSON_GetObjectItem(j, "exit_code")->valuedouble, 130);
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(j, "outcome")));
    cJSON *script = cJSON_GetObjectItem(j, "script");
    assert_string_equal(cJSON_GetObjectItem(script, "path")->valuestring, "/nonexistent/x.lua");
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(script, "sha256"))); /* could not be read */
    assert_string_equal(cJSON_GetObjectItem(j, "command_line")->valuestring, "molotov x.lua");
    cJSON_Delete(j);
    mt_runinfo_free(&ri);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_run_ids_differ),
        cmocka_unit_test(test_sha256_of_files),
        cmocka_unit_test(test_command_line_quoted_and_masked),
        cmocka_unit_test(test_json_fields),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

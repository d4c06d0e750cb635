/* test_console.c: the header, live line and summary texts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "molotov/console.h"

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
    c.rps = 1234.4;
    char line[256];
    mt_console_format_live(&c, line, sizeof(line));
    assert_string_equal(line, "SUCCESSES: 12 | FAILURES: 5 | WORKERS: 0 | 1234 req/s | p99 0us");
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
    const char *a = strstr(text, "  GET /aaaaaa...zzzzzzzzzz        3");
    const char *b = strstr(text, "  GET /aaaaa...zzzzzzzzz#2        2");
    const char *c = strstr(text, "  GET /aaaaa...zzzzzzzzz#3        1");
    if (!a || !b || !c) fail_msg("%s", text);
    assert_true(a < b && b < c);
    free(text);
    mt_stats_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_summary_and_live_line),
        cmocka_unit_test(test_quiet_prints_nothing),
        cmocka_unit_test(test_labels_shortened_in_the_middle_never_alike),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

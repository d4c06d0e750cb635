/* test_options.c: the command line of docs/cli.md (src/options.c): defaults, every
 * option in its short and long forms, the positional scenario path, bad
 * values and contradictions rejected with the option named, --start-at's time
 * forms, and parsing more than once in one process. The table's rows one by
 * one: test_options_table.c. */
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
#include "molotov/options.h"
#include "options_helpers.h"

/* Parses args expecting MT_EINVAL with every one of the NULL-terminated
 * needles in the single-line message. */
static void expect_error(const char *const *args, const char *const *needles)
{
    mt_options o;
    char err[256];
    int rc = parse_argv(&o, err, sizeof(err), args);
    if (rc != MT_EINVAL) {
        char line[512] = "";
        for (const char *const *a = args; *a; a++) {
            strncat(line, *a, sizeof(line) - strlen(line) - 2);
            strncat(line, " ", sizeof(line) - strlen(line) - 1);
        }
        fail_msg("'%s' returned %d (err '%s'), expected MT_EINVAL", line, rc, err);
    }
    assert_true(strlen(err) > 0);
    assert_null(strchr(err, '\n'));
    for (const char *const *n = needles; *n; n++)
        if (!strstr(err, *n)) fail_msg("error '%s' does not mention '%s'", err, *n);
}

#define EXPECT_ERROR(args, ...)                                                                    \
    expect_error((const char *const[]){args, NULL}, (const char *const[]){__VA_ARGS__, NULL})
/* a list of arguments as one macro argument */
#define A(...) __VA_ARGS__

static void assert_defaults(const mt_options *o)
{
    assert_string_equal(o->scenario, "loadtest.lua");
    assert_int_equal(o->workers, 1);
    assert_int_equal(o->processes, 1);
    assert_true(o->duration == 86400);
    assert_int_equal(o->max_runs, 0);
    assert_false(o->single_run);
    assert_null(o->single_mode);
    assert_true(o->ramp_up == 0);
    assert_true(o->delay == 0);
    assert_false(o->exception);
    assert_int_equal(o->fail, 0);
    assert_false(o->force_shutdown);
    assert_true(o->timeout == 30);
    assert_true(o->connect_timeout == 10);
    assert_false(o->http2);
    assert_false(o->insecure);
    assert_true(o->console_update == 0.2);
    assert_false(o->quiet);
    assert_int_equal(o->verbose, 0);
    assert_false(o->sizing);
    assert_true(o->sizing_tolerance == 5);
    assert_true(o->rate == 0);
    assert_int_equal(o->nthresholds, 0);
    assert_null(o->json_path);
    assert_null(o->html_path);
    assert_null(o->junit_path);
    assert_false(o->statsd);
    assert_string_equal(o->statsd_address, "udp://127.0.0.1:8125");
    assert_null(o->config);
    for (int i = 0; i < MT_NOPTIONS; i++) assert_false(o->given[i]);
    assert_false(o->show_help);
    assert_false(o->show_version);
}

static void test_defaults_match_cli_md(void **state)
{
    (void)state;
    mt_options o;
    memset(&o, 0x5a, sizeof(o));
    mt_options_defaults(&o);
    assert_defaults(&o);

    /* no arguments at all: the defaults survive parsing */
    PARSE_OK(&o, NULL);
    assert_defaults(&o);
}

static void test_short_forms(void **state)
{
    (void)state;
    mt_options o;
    PARSE_OK(&o, "-w", "12", "-p", "1", "-d", "2.5", "-r", "7", "-x", "-f", "3", "-v", "s.lua");
    assert_int_equal(o.workers, 12);
    assert_true(o.given[MT_OPT_WORKERS]);
    assert_int_equal(o.processes, 1);
    assert_true(o.duration == 2.5);
    assert_true(o.given[MT_OPT_DURATION]);
    assert_int_equal(o.max_runs, 7);
    assert_true(o.exception);
    assert_int_equal(o.fail, 3);
    assert_int_equal(o.verbose, 1);
    assert_false(o.quiet);
    assert_string_equal(o.scenario, "s.lua");
    assert_false(o.given[MT_OPT_RAMP_UP]);

    PARSE_OK(&o, "-s", "login", "-q");
    assert_string_equal(o.single_mode, "login");
    assert_true(o.quiet);
    assert_int_equal(o.verbose, 0);

    /* the value glued to the option and options clustered */
    PARSE_OK(&o, "-w3", "-xv", "-d10");
    assert_int_equal(o.workers, 3);
    assert_true(o.exception);
    assert_int_equal(o.verbose, 1);
    assert_true(o.duration == 10);

    PARSE_OK(&o, "-h");
    assert_true(o.show_help);
    assert_false(o.show_version);
}

static void test_long_forms(void **state)
{
    (void)state;
    mt_options o;
    PARSE_OK(&o, "--workers", "5", "--processes", "1", "--duration", "0.5", "--max-runs", "9",
             "--ramp-up", "1.5", "--delay", "0.25", "--exception", "--fail", "4",
             "--force-shutdown", "--timeout", "4", "--connect-timeout", "2.5", "--http2",
             "--insecure", "--console-update", "1", "--verbose", "--sizing-tolerance", "7",
             "--rate", "0", "--statsd-address", "udp://10.0.0.1:9125", "x.lua");
    assert_int_equal(o.workers, 5);
    assert_true(o.given[MT_OPT_WORKERS]);
    assert_int_equal(o.processes, 1);
    assert_true(o.duration == 0.5);
    assert_true(o.given[MT_OPT_DURATION]);
    assert_int_equal(o.max_runs, 9);
    assert_true(o.ramp_up == 1.5);
    assert_true(o.given[MT_OPT_RAMP_UP]);
    assert_true(o.delay == 0.25);
    assert_true(o.exception);
    assert_int_equal(o.fail, 4);
    assert_true(o.force_shutdown);
    assert_true(o.timeout == 4);
    assert_true(o.connect_timeout == 2.5);
    assert_true(o.http2);
    assert_true(o.insecure);
    assert_true(o.console_update == 1);
    assert_int_equal(o.verbose, 1);
    assert_true(o.sizing_tolerance == 7);
    assert_true(o.rate == 0);
    assert_string_equal(o.statsd_address, "udp://10.0.0.1:9125");
    assert_string_equal(o.scenario, "x.lua");

    PARSE_OK(&o, "--single-mode", "checkout", "--quiet");
    assert_string_equal(o.single_mode, "checkout");
    assert_true(o.quiet);

    PARSE_OK(&o, "--single-run");
    assert_true(o.single_run);

    /* --opt=value */
    PARSE_OK(&o, "--workers=8", "--timeout=1.25", "--single-mode=a");
    assert_int_equal(o.workers, 8);
    assert_true(o.timeout == 1.25);
    assert_string_equal(o.single_mode, "a");

    PARSE_OK(&o, "--help");
    assert_true(o.show_help);
    PARSE_OK(&o, "--version");
    assert_true(o.show_version);
    assert_false(o.show_help);
}

static void test_verbosity(void **state)
{
    (void)state;
    mt_options o;
    PARSE_OK(&o, "-vv");
    assert_int_equal(o.verbose, 2);
    PARSE_OK(&o, "-v", "-v");
    assert_int_equal(o.verbose, 2);
    PARSE_OK(&o, "--verbose", "-v");
    assert_int_equal(o.verbose, 2);
    EXPECT_ERROR("-vvv", "-v");
}

static void test_positional_scenario(void **state)
{
    (void)state;
    mt_options o;
    PARSE_OK(&o, "path/to/my scenario.lua");
    assert_string_equal(o.scenario, "path/to/my scenario.lua");

    /* options after the path are still options */
    PARSE_OK(&o, "first.lua", "-w", "3");
    assert_string_equal(o.scenario, "first.lua");
    assert_int_equal(o.workers, 3);

    /* after "--" a leading dash is a path */
    PARSE_OK(&o, "-w", "2", "--", "-odd.lua");
    assert_string_equal(o.scenario, "-odd.lua");
    assert_int_equal(o.workers, 2);

    EXPECT_ERROR(A("a.lua", "b.lua"), "b.lua");
    EXPECT_ERROR(A("a.lua", "-w", "2", "c.lua"), "c.lua");
}

static void test_bad_values_name_the_option(void **state)
{
    (void)state;
    EXPECT_ERROR(A("-w", "abc"), "-w", "abc");
    EXPECT_ERROR(A("--workers", "abc"), "--workers", "abc");
    EXPECT_ERROR(A("-w", "0"), "-w", "'0'");
    EXPECT_ERROR(A("-w", "-3"), "-w");
    EXPECT_ERROR(A("-w", "2.5"), "-w");
    EXPECT_ERROR(A("-w", "3x"), "-w");
    EXPECT_ERROR(A("-w", ""), "-w");
    EXPECT_ERROR(A("-w", "99999999999999999999999"), "-w");
    EXPECT_ERROR(A("-w", "1000001"), "-w");
    EXPECT_ERROR(A("-p", "0"), "-p");
    EXPECT_ERROR(A("-p", "two"), "--processes");
    EXPECT_ERROR(A("-d", "-1"), "-d", "-1");
    EXPECT_ERROR(A("-d", "0"), "-d");
    EXPECT_ERROR(A("-d", "abc"), "--duration");
    EXPECT_ERROR(A("-d", "inf"), "-d");
    EXPECT_ERROR(A("-d", "nan"), "-d");
    EXPECT_ERROR(A("-d", "5s"), "-d");
    EXPECT_ERROR(A("-r", "0"), "-r");
    EXPECT_ERROR(A("--max-runs", "x"), "--max-runs");
    EXPECT_ERROR(A("-f", "0"), "-f");
    EXPECT_ERROR(A("--fail", "-2"), "--fail");
    EXPECT_ERROR(A("--ramp-up", "-1"), "--ramp-up");
    EXPECT_ERROR(A("--delay", "soon"), "--delay");
    EXPECT_ERROR(A("--timeout", "0"), "--timeout");
    EXPECT_ERROR(A("--timeout", "-5"), "--timeout");
    EXPECT_ERROR(A("--connect-timeout", "0"), "--connect-timeout");
    EXPECT_ERROR(A("--console-update", "0"), "--console-update");
    EXPECT_ERROR(A("--rate", "-1"), "--rate");
    EXPECT_ERROR(A("--sizing-tolerance", "x"), "--sizing-tolerance");
}

static void test_unknown_and_malformed_options(void **state)
{
    (void)state;
    EXPECT_ERROR("--nope", "--nope", "unknown");
    EXPECT_ERROR(A("--nope=3"), "--nope");
    EXPECT_ERROR("-z", "-z", "unknown");
    EXPECT_ERROR(A("-xz"), "-z");
    /* missing values, short and long, alone or clustered */
    EXPECT_ERROR("-w", "-w", "missing");
    EXPECT_ERROR(A("-x", "-d"), "-d", "missing");
    EXPECT_ERROR(A("-xw"), "-w", "missing");
    EXPECT_ERROR("--timeout", "--timeout", "missing");
    EXPECT_ERROR("--single-mode", "--single-mode", "missing");
    /* a value given to a flag that takes none */
    EXPECT_ERROR("--quiet=1", "--quiet");
    EXPECT_ERROR("--http2=yes", "--http2");
    EXPECT_ERROR("--single-run=1", "--single-run");
}

static void test_contradictions_rejected(void **state)
{
    (void)state;
    EXPECT_ERROR(A("-q", "-v"), "-q", "-v");
    EXPECT_ERROR(A("--verbose", "--quiet"), "--quiet", "--verbose");
    EXPECT_ERROR(A("-q", "-vv"), "-q", "-v");
    EXPECT_ERROR(A("--single-run", "-s", "a"), "--single-run", "-s");
    EXPECT_ERROR(A("--single-mode", "a", "--single-run"), "--single-run", "--single-mode");
    EXPECT_ERROR(A("--single-run", "-r", "2"), "--single-run", "-r");
    EXPECT_ERROR(A("--max-runs", "2", "--single-run"), "--single-run", "--max-runs");

    /* each alone is fine, and so are -s with -r */
    mt_options o;
    PARSE_OK(&o, "-s", "a", "-r", "2");
    assert_string_equal(o.single_mode, "a");
    assert_int_equal(o.max_runs, 2);
}

static void test_pool_sizing_rate_options(void **state)
{
    (void)state;
    mt_options o;
    PARSE_OK(&o, "--processes", "4"); /* the pool is built */
    assert_int_equal(o.processes, 4);
    PARSE_OK(&o, "--sizing"); /* sizing's defaults: 500 workers over 300 s, then a minute */
    assert_true(o.sizing && o.workers == 500 && o.ramp_up == 300 && o.duration == 360);
    PARSE_OK(&o, "--sizing", "-w", "20", "--ramp-up", "10", "--sizing-p99", "250");
    assert_true(o.workers == 20 && o.ramp_up == 10 && o.duration == 70 && o.sizing_p99 == 250);
    PARSE_OK(&o, "--rate", "5");
    assert_true(o.rate == 5);
    EXPECT_ERROR(A("--sizing", "--rate", "5"), "--sizing", "--rate", "contradict");
    EXPECT_ERROR(A("--sizing", "--single-run"), "--sizing");

    /* more thresholds than MT_MAX_THRESHOLDS are refused before anything else */
    const char *args[2 * MT_MAX_THRESHOLDS + 4];
    int n = 0;
    for (int i = 0; i <= MT_MAX_THRESHOLDS; i++) {
        args[n++] = "--threshold";
        args[n++] = "p99<1s";
    }
    args[n] = NULL;
    char want[32];
    snprintf(want, sizeof(want), "at most %d", MT_MAX_THRESHOLDS);
    expect_error(args, (const char *const[]){"--threshold", want, NULL});

    /* the values that keep the built behaviour are accepted */
    PARSE_OK(&o, "-p", "1", "--rate", "0");
    assert_int_equal(o.processes, 1);
}

static void test_start_at_forms(void **state)
{
    (void)state;
    double t = 0;
    assert_int_equal(mt_options_parse_time("1795992000", &t), MT_OK);
    assert_true(t == 1795992000.0);
    assert_int_equal(mt_options_parse_time("1795992000.25", &t), MT_OK);
    assert_true(t == 1795992000.25);
    /* 2026-11-29T22:40:00Z is 1795992000 */
    assert_int_equal(mt_options_parse_time("2026-11-29T22:40:00Z", &t), MT_OK);
    assert_true(t == 1795992000.0);
    assert_int_equal(mt_options_parse_time("2026-11-29T22:40:00.5Z", &t), MT_OK);
    assert_true(t == 1795992000.5);
    assert_int_equal(mt_options_parse_time("2026-11-29 22:40", &t), MT_OK); /* no zone: UTC */
    assert_true(t == 1795992000.0);
    assert_int_equal(mt_options_parse_time("2026-11-29T23:40:00+01:00", &t), MT_OK);
    assert_true(t == 1795992000.0);
    assert_int_equal(mt_options_parse_time("2026-11-29T21:10:00-0130", &t), MT_OK);
    assert_true(t == 1795992000.0);
    const char *bad[] = {"",
                         "now",
                         "-5",
                         "0",
                         "2026-13-01T00:00:00Z",
                         "2026-11-29",
                         "2026-11-29T25:00Z",
                         "2026-11-29T22:40:00+1",
                         "2026-11-29T22:40:00Zx",
                         "1e9",
                         "2026-02-31T00:00:00Z",
                         "100000000000",
                         "2026-11-29T22:40:00+-1-1",
                         "2026-11-29T22:40:00+01:-1",
                         NULL};
    for (int i = 0; bad[i]; i++)
        if (mt_options_parse_time(bad[i], &t) != MT_EINVAL) fail_msg("'%s' was accepted", bad[i]);
    mt_options o;
    PARSE_OK(&o, "--start-at", "2026-11-29T22:40:00Z");
    assert_true(o.start_at == 1795992000.0);
    EXPECT_ERROR(A("--start-at", "soon"), "--start-at", "ISO-8601", "soon");
    PARSE_OK(&o, "--max-body", "512k");
    assert_int_equal(o.max_body, 512 * 1024);
    PARSE_OK(&o, "--max-body", "0");
    assert_int_equal(o.max_body, 0);
    EXPECT_ERROR(A("--max-body", "k"), "--max-body", "size in bytes");
    EXPECT_ERROR(A("--max-body", "-1"), "--max-body", "size in bytes");
    EXPECT_ERROR(A("--max-body", "3x"), "--max-body", "size in bytes");
}

static void test_parse_twice(void **state)
{
    (void)state;
    mt_options o;
    char err[256];

    PARSE_OK(&o, "-w", "2", "a.lua");
    assert_int_equal(o.workers, 2);
    assert_string_equal(o.scenario, "a.lua");

    PARSE_OK(&o, "-w", "3", "b.lua");
    assert_int_equal(o.workers, 3);
    assert_string_equal(o.scenario, "b.lua");

    /* an error in the middle of a cluster leaves getopt half-way: the next
     * parse must start from scratch */
    assert_int_equal(PARSE(&o, err, "-zx", "-w", "7"), MT_EINVAL);
    PARSE_OK(&o, "-d", "4");
    assert_false(o.exception);
    assert_true(o.duration == 4);
    assert_int_equal(o.workers, 1);
    assert_string_equal(o.scenario, "loadtest.lua");

    assert_int_equal(PARSE(&o, err, "-w"), MT_EINVAL);
    PARSE_OK(&o, "-vv", "c.lua");
    assert_int_equal(o.verbose, 2);
    assert_string_equal(o.scenario, "c.lua");

    /* what getopt remembers of an error (optopt) does not leak into the next */
    EXPECT_ERROR("--quiet=1", "--quiet");
    EXPECT_ERROR("--nope", "--nope", "unknown");
    EXPECT_ERROR("-z", "-z");
    EXPECT_ERROR("--nope", "--nope", "unknown");

    for (int i = 0; i < 3; i++) {
        PARSE_OK(&o, "--workers", "4", "-x");
        assert_int_equal(o.workers, 4);
        assert_true(o.exception);
    }
}

static void test_molotov_flags(void **state)
{
    (void)state;
    mt_options o;
    PARSE_OK(&o, "-c", "--disable-dns-resolve", "--console", "-f", "3", "--abort-after", "7",
             "s.lua");
    assert_int_equal(o.fail, 3);
    assert_int_equal(o.abort_after, 7);
    assert_string_equal(o.scenario, "s.lua");
    /* --use-extension takes several files, as Molotov's; the last argument is the scenario */
    char a[] = "/tmp/mt-ext-a-XXXXXX.lua", b[] = "/tmp/mt-ext-b-XXXXXX.lua";
    close(mkstemps(a, 4));
    close(mkstemps(b, 4));
    PARSE_OK(&o, "--use-extension", a, b, "-w", "2", "--use-extension", a, "load.lua");
    assert_int_equal(o.nextensions, 3);
    assert_string_equal(o.extensions[0], a);
    assert_string_equal(o.extensions[1], b);
    assert_string_equal(o.scenario, "load.lua");
    assert_int_equal(o.workers, 2);
    PARSE_OK(&o, "--use-extension", a, b);
    assert_int_equal(o.nextensions, 1); /* b is the scenario */
    assert_string_equal(o.scenario, b);
    unlink(a);
    unlink(b);
    expect_error((const char *const[]){"--use-extension", "/nonexistent.lua", "x.lua", NULL},
                 (const char *const[]){"--use-extension", "cannot read", NULL});
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults_match_cli_md),
        cmocka_unit_test(test_short_forms),
        cmocka_unit_test(test_long_forms),
        cmocka_unit_test(test_verbosity),
        cmocka_unit_test(test_positional_scenario),
        cmocka_unit_test(test_bad_values_name_the_option),
        cmocka_unit_test(test_unknown_and_malformed_options),
        cmocka_unit_test(test_contradictions_rejected),
        cmocka_unit_test(test_pool_sizing_rate_options),
        cmocka_unit_test(test_start_at_forms),
        cmocka_unit_test(test_parse_twice),
        cmocka_unit_test(test_molotov_flags),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

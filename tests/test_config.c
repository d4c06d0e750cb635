/* test_config.c: --config FILE [TEST] (src/config.c over the options
 * table): Molotov's molotov.json format, a test's options applied over the
 * command line (Molotov's order), the default test "test", env exported (a
 * test's own first), every kind of bad file refused with the file and the
 * key named, and every row of the table a file may set giving the field
 * the command line gives. */
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
#include "molotov/config.h"
#include "molotov/options.h"
#include "option_samples.h"

static char dir[64];
static char path[128];
static char *argv_store[32];
static char err[512];

static void write_config(const char *json)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(json, f);
    fclose(f);
}

/* Parses {"molotov", "--config", path, args...}. */
static int parse(mt_options *o, const char *const *args)
{
    int argc = 0;
    argv_store[argc++] = "molotov";
    argv_store[argc++] = "--config";
    argv_store[argc++] = path;
    for (; *args; args++) argv_store[argc++] = (char *)*args;
    argv_store[argc] = NULL;
    mt_options_defaults(o);
    err[0] = 0;
    /* main's order: the command line, the file's test over it, the checks */
    int rc = mt_options_parse(o, argc, argv_store, err, sizeof(err));
    if (!rc) rc = mt_config_apply(o, o->config, o->config_test, err, sizeof(err));
    if (!rc) rc = mt_options_finish(o, err, sizeof(err));
    return rc;
}

#define PARSE(o, ...) parse((o), (const char *const[]){__VA_ARGS__, NULL})
#define PARSE0(o) parse((o), (const char *const[]){NULL})

static void expect_error(const char *json, const char *arg, const char *needle1,
                         const char *needle2)
{
    mt_options o;
    write_config(json);
    int rc = arg ? PARSE(&o, arg) : PARSE0(&o);
    if (rc == MT_OK) fail_msg("accepted: %s", json);
    if (!strstr(err, needle1) || !strstr(err, needle2))
        fail_msg("error '%s' lacks '%s' or '%s'", err, needle1, needle2);
    assert_null(strchr(err, '\n'));
}

static const char *SAMPLE =
    "{\"molotov\": {\"env\": {\"MT_CONFIG_TARGET\": \"http://127.0.0.1:1\", \"MT_KEPT\": 1},\n"
    " \"requirements\": \"requirements.txt\",\n"
    " \"tests\": {\n"
    "  \"smoke\": {\"scenario\": \"loadtest.lua\", \"single_run\": true},\n"
    "  \"big\": {\"scenario\": \"/abs/load.lua\", \"workers\": 10, \"processes\": 2,\n"
    "          \"duration\": 30, \"ramp_up\": 2.5, \"exception\": false, \"quiet\": true,\n"
    "          \"threshold\": [\"p99<250ms\", \"failures<1%\"], \"json\": \"out.json\",\n"
    "          \"start_at\": \"2026-11-29T22:40:00Z\", \"verbose\": 0}}}}\n";

static void test_a_test_is_applied(void **state)
{
    (void)state;
    mt_options o;
    write_config(SAMPLE);
    setenv("MT_KEPT", "from the environment", 1);
    assert_int_equal(PARSE(&o, "big"), MT_OK);
    assert_true(o.workers == 10 && o.processes == 2 && o.duration == 30 && o.ramp_up == 2.5);
    assert_true(o.quiet && !o.exception && o.nthresholds == 2);
    assert_string_equal(o.thresholds[1], "failures<1%");
    assert_string_equal(o.scenario, "/abs/load.lua");
    assert_string_equal(o.json_path, "out.json");
    assert_string_equal(o.config_test, "big");
    assert_true(o.start_at == 1795992000.0);
    assert_string_equal(getenv("MT_CONFIG_TARGET"), "http://127.0.0.1:1");
    assert_string_equal(getenv("MT_KEPT"), "from the environment"); /* not overwritten */

    assert_int_equal(PARSE(&o, "smoke"), MT_OK);
    assert_true(o.single_run && o.workers == 1);
    char want[128];
    snprintf(want, sizeof(want), "%s/loadtest.lua", dir); /* beside the config file */
    assert_string_equal(o.scenario, want);
    mt_config_release();
}

static void test_the_file_wins(void **state)
{
    (void)state;
    mt_options o;
    write_config(SAMPLE);
    assert_int_equal(PARSE(&o, "-w", "3", "--threshold", "p50<1s", "big", "-d", "5", "-x"), MT_OK);
    assert_true(o.workers == 10 && o.duration == 30 && o.processes == 2); /* as Molotov */
    assert_int_equal(o.nthresholds, 2); /* the file's list replaces the command line's */
    assert_false(o.exception);          /* "exception": false clears -x */
    assert_string_equal(o.scenario, "/abs/load.lua"); /* the argument is the test */
    mt_config_release();
    assert_int_equal(PARSE(&o, "-w", "3", "smoke", "--delay", "0.5"), MT_OK);
    assert_true(o.workers == 3 && o.delay == 0.5); /* what the file leaves alone stays */
    mt_config_release();

    /* options that contradict the file's give way to it */
    write_config("{\"molotov\": {\"tests\": {\"t\": {\"quiet\": true, \"single_run\": true}}}}");
    assert_int_equal(PARSE(&o, "-v", "-r", "2"), MT_OK);
    assert_true(o.quiet && o.verbose == 0 && o.single_run && o.max_runs == 0);
    write_config("{\"molotov\": {\"tests\": {\"t\": {\"verbose\": 2, \"max_runs\": 3}}}}");
    assert_int_equal(PARSE(&o, "-q", "--single-run"), MT_OK);
    assert_true(!o.quiet && o.verbose == 2 && !o.single_run && o.max_runs == 3);
    write_config("{\"molotov\": {\"tests\": {\"t\": {\"rate\": 5}}}}");
    assert_int_equal(PARSE(&o, "--sizing", "-d", "10"), MT_OK);
    assert_true(!o.sizing && o.rate == 5);
    /* both on the command line: still refused */
    assert_int_equal(PARSE(&o, "-q", "-v"), MT_EINVAL);
    mt_config_release();
}

static void test_the_default_test_and_env(void **state)
{
    (void)state;
    mt_options o;
    unsetenv("MT_CONFIG_WHO");
    write_config("{\"molotov\": {\"env\": {\"MT_CONFIG_WHO\": \"file\"}, \"tests\": {\n"
                 " \"a\": {\"workers\": 2},\n"
                 " \"test\": {\"workers\": 4, \"requirements\": \"r.txt\",\n"
                 "          \"env\": {\"MT_CONFIG_WHO\": \"test\"}}}}}");
    assert_int_equal(PARSE0(&o), MT_OK);
    assert_int_equal(o.workers, 4); /* Molotov's default: the test named "test" */
    mt_config_release();
    char ext[128];
    snprintf(ext, sizeof ext, "%s/ext.lua", dir);
    FILE *f = fopen(ext, "w");
    fclose(f);
    write_config("{\"molotov\": {\"tests\": {\"test\": {\"use_extension\": [\"ext.lua\"], "
                 "\"uvloop\": true, \"debug\": false, \"console\": true, "
                 "\"disable_dns_resolve\": true}}}}");
    assert_int_equal(PARSE0(&o), MT_OK);
    assert_int_equal(o.nextensions, 1);
    assert_string_equal(o.extensions[0], ext); /* beside the file, like the scenario */
    unlink(ext);
    assert_string_equal(o.config_test, "test");
    assert_string_equal(getenv("MT_CONFIG_WHO"), "test"); /* the test's env over the file's */
    mt_config_release();
    unsetenv("MT_CONFIG_WHO");
}

static void test_the_only_test_is_the_default(void **state)
{
    (void)state;
    mt_options o;
    write_config("{\"molotov\": {\"tests\": {\"only\": {\"workers\": 7}}}}");
    assert_int_equal(PARSE0(&o), MT_OK);
    assert_int_equal(o.workers, 7);
    assert_string_equal(o.config_test, "only");
    mt_config_release();
    expect_error(SAMPLE, NULL, "name the test", "smoke, big");
}

static void test_bad_files_are_named(void **state)
{
    (void)state;
    expect_error(SAMPLE, "nope", "no test named 'nope'", "smoke, big");
    expect_error("{\"molotov\": {\"tests\": {\"t\": {\"wrokers\": 3}}}}", NULL, "tests.t",
                 "unknown key 'wrokers'");
    expect_error("{\"molotov\": {\"tests\": {\"t\": {\"help\": true}}}}", NULL, "tests.t",
                 "unknown key 'help'");
    expect_error("{\"molotov\": {\"tests\": {\"t\": {\"workers\": \"many\"}}}}", NULL,
                 "tests.t.workers", "'many'");
    expect_error("{\"molotov\": {\"tests\": {\"t\": {\"workers\": 0}}}}", NULL, "tests.t.workers",
                 "from 1");
    expect_error("{\"molotov\": {\"tests\": {\"t\": {\"quiet\": 1}}}}", NULL, "tests.t.quiet",
                 "true or false");
    expect_error("{\"molotov\": {\"tests\": {\"t\": {\"workers\": [1]}}}}", NULL, "tests.t.workers",
                 "a number or a string");
    expect_error("{\"molotov\": {\"tests\": {\"t\": {\"scenario\": 3}}}}", NULL, "tests.t.scenario",
                 "string");
    expect_error("{\"molotov\": {\"tests\": {\"t\": {\"threshold\": [3]}}}}", NULL, "threshold",
                 "strings");
    expect_error("{\"molotov\": {\"tests\": {}, \"extra\": 1}}", NULL, "molotov",
                 "unknown key 'extra'");
    expect_error("{\"molotov\": {\"tests\": {}}}", NULL, "molotov.tests", "object of tests");
    expect_error("{\"tests\": {}}", NULL, "molotov.json", "{\"molotov\"");
    expect_error("{\"molotov\": {\"env\": [1], \"tests\": {\"t\": {}}}}", NULL, "molotov: env",
                 "object");
    expect_error("{\"molotov\":\n {\"tests\": \n{,}}}", NULL, "molotov.json:3", "not valid JSON");
    /* the file's last word wins inside it too: {"quiet": true, "verbose": 1} is -v */
    mt_config_release();
}

static void test_every_row_from_a_file(void **state)
{
    (void)state;
    char file[64] = "/tmp/mt-config-sample-XXXXXX.lua";
    close(mkstemps(file, 4));
    for (int i = 0; i < MT_NOPTIONS; i++) {
        const mt_option *r = &mt_options_table[i];
        option_sample sm = sample_of(r, file);
        char key[64], json[512], value[128];
        if (!sm.arg)
            snprintf(value, sizeof value, "true");
        else
            snprintf(value, sizeof value, sm.number ? "%s" : "\"%s\"", sm.arg);
        snprintf(json, sizeof json, "{\"molotov\": {\"tests\": {\"t\": {\"%s\": %s}}}}",
                 mt_option_key(r, key, sizeof key), value);
        write_config(json);
        mt_options o, c;
        int rc = PARSE0(&o);
        if (r->flags & MT_OPTF_NOFILE) { /* --config, --help, --version */
            assert_int_equal(rc, MT_EINVAL);
            assert_non_null(strstr(err, "unknown key"));
            continue;
        }
        if (rc) fail_msg("%s: %s", json, err);
        /* the same value as the command line's */
        char lng[64];
        snprintf(lng, sizeof lng, "--%s", r->name);
        char *argv[] = {"molotov", lng, (char *)sm.arg, NULL};
        mt_options_defaults(&c);
        assert_int_equal(mt_options_parse(&c, sm.arg ? 3 : 2, argv, err, sizeof err), MT_OK);
        assert_int_equal(mt_options_finish(&c, err, sizeof err), MT_OK);
        assert_true(optval_equal(mt_options_get(&o, r), sm.want));
        assert_true(optval_equal(mt_options_get(&o, r), mt_options_get(&c, r)));
        if (r->kind == MT_OPTK_LIST || r->kind == MT_OPTK_FILES)
            assert_int_equal(list_count(&o, r), list_count(&c, r));
        mt_config_release();
    }
    unlink(file);
    /* a key may be spelled with the command line's '-' too */
    write_config("{\"molotov\": {\"tests\": {\"t\": {\"ramp-up\": 2, \"connect_timeout\": 3}}}}");
    mt_options o;
    assert_int_equal(PARSE0(&o), MT_OK);
    assert_true(o.ramp_up == 2 && o.connect_timeout == 3);
    mt_config_release();
}

static void test_a_missing_file_is_named(void **state)
{
    (void)state;
    mt_options o;
    mt_options_defaults(&o);
    assert_int_equal(mt_config_apply(&o, "/nonexistent/molotov.json", NULL, err, sizeof err),
                     MT_EINVAL);
    assert_non_null(strstr(err, "/nonexistent/molotov.json: cannot read"));
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof(dir), "/tmp/mt-config-XXXXXX");
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/molotov.json", dir);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    unlink(path);
    rmdir(dir);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a_test_is_applied),
        cmocka_unit_test(test_the_file_wins),
        cmocka_unit_test(test_the_default_test_and_env),
        cmocka_unit_test(test_the_only_test_is_the_default),
        cmocka_unit_test(test_bad_files_are_named),
        cmocka_unit_test(test_every_row_from_a_file),
        cmocka_unit_test(test_a_missing_file_is_named),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

/* test_slave.c: `molotov slave` up to the run: usage (help, an unknown
 * option, no repository, one argument too many), and with a local git
 * repository: the command the run receives, a test missing from the
 * clone's molotov.json refused before anything runs, a clone that fails,
 * and the clone removed afterwards. */
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
#include "molotov/slave.h"

static int runs;
static char seen_argv[8][64];
static char seen_cwd[4096];

static int fake_run(int argc, char **argv)
{
    runs++;
    for (int i = 0; i < argc && i < 8; i++) snprintf(seen_argv[i], 64, "%s", argv[i]);
    if (!getcwd(seen_cwd, sizeof seen_cwd)) seen_cwd[0] = '\0';
    return 7;
}

static int slave(int argc, char **argv)
{
    fflush(stdout);
    return mt_slave_main(argc, argv, fake_run);
}

static void test_usage(void **state)
{
    (void)state;
    runs = 0;
    assert_int_equal(slave(2, (char *[]){"slave", "--help", NULL}), 0);
    assert_int_equal(slave(2, (char *[]){"slave", "--nope", NULL}), MT_EXIT_USAGE);
    assert_int_equal(slave(2, (char *[]){"slave", "--keep", NULL}), MT_EXIT_USAGE); /* no repo */
    assert_int_equal(slave(4, (char *[]){"slave", "repo", "test", "more", NULL}), MT_EXIT_USAGE);
    assert_int_equal(runs, 0);
}

static char repo[64];

/* A git repository with a molotov.json naming one test, "smoke". */
static int make_repo(void **state)
{
    (void)state;
    strcpy(repo, "/tmp/mt-test-slave-XXXXXX");
    if (!mkdtemp(repo)) return -1;
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "cd %s && git init -q && "
             "printf '{\"molotov\":{\"tests\":{\"smoke\":{\"scenario\":\"a.lua\"}}}}' "
             "> molotov.json && git add molotov.json && "
             "git -c user.name=t -c user.email=t@t commit -qm one",
             repo);
    return system(cmd) == 0 ? 0 : -1;
}

static int remove_repo(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", repo);
    return system(cmd) == 0 ? 0 : -1;
}

static void test_the_run_gets_the_files_test(void **state)
{
    (void)state;
    runs = 0;
    char here[4096];
    assert_non_null(getcwd(here, sizeof here));
    char url[96];
    snprintf(url, sizeof url, "file://%s", repo); /* a shallow clone, as from a server */
    assert_int_equal(slave(3, (char *[]){"slave", url, "smoke", NULL}), 7); /* the run's code */
    assert_int_equal(runs, 1);
    assert_string_equal(seen_argv[0], "molotov");
    assert_string_equal(seen_argv[1], "--config");
    assert_string_equal(seen_argv[2], "molotov.json");
    assert_string_equal(seen_argv[3], "smoke");
    assert_true(strncmp(seen_cwd, "/tmp/molotov-slave-", 19) == 0); /* inside the clone */
    assert_int_equal(access(seen_cwd, F_OK), -1);                   /* removed afterwards */
    char now[4096];
    assert_non_null(getcwd(now, sizeof now));
    assert_string_equal(now, here); /* back where it was */
}

static void test_a_missing_test_or_clone_runs_nothing(void **state)
{
    (void)state;
    runs = 0;
    assert_int_equal(slave(2, (char *[]){"slave", repo, NULL}), MT_EXIT_USAGE); /* "test" */
    assert_int_equal(slave(3, (char *[]){"slave", repo, "other", NULL}), MT_EXIT_USAGE);
    char missing[80];
    snprintf(missing, sizeof missing, "%s/nope", repo);
    assert_int_equal(slave(2, (char *[]){"slave", missing, NULL}), MT_EXIT_USAGE);
    assert_int_equal(runs, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_usage),
        cmocka_unit_test_setup_teardown(test_the_run_gets_the_files_test, make_repo, remove_repo),
        cmocka_unit_test_setup_teardown(test_a_missing_test_or_clone_runs_nothing, make_repo,
                                        remove_repo),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

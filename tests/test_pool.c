/* test_pool.c: the process pool without a whole run (its line protocol is
 * tests/test_pool_wire.c's): a child's end in words, the pipe opener
 * leaving nothing open when the second pipe fails, a child whose loop
 * cannot start exiting 3, and the main process ending the run as a crash when a child's report
 * is lost (not JSON, or statistics that do not decode). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "molotov/luamod.h"
#include "molotov/pool.h"
#include "molotov/runner.h"
#include "tmpfile_helpers.h"

static void test_a_childs_end_in_words(void **state)
{
    (void)state;
    char msg[128];
    mt_pool_describe_end_(42, SIGKILL, msg, sizeof msg); /* as waitpid says a signal */
    assert_true(WIFSIGNALED(SIGKILL));
    assert_string_equal(msg, "worker process 42 was killed by signal 9 (Killed)");
    mt_pool_describe_end_(42, 3 << 8, msg, sizeof msg);
    assert_string_equal(msg, "worker process 42 exited with status 3");
    mt_pool_describe_end_(42, 0, msg, sizeof msg);
    assert_string_equal(msg, "worker process 42 ended without finishing its run");
}

/* ---- descriptors ---- */

static int lowest_free_fd(void)
{
    int fd = dup(0);
    assert_true(fd >= 0);
    close(fd);
    return fd;
}

/* Only `room` more descriptors can be opened from now on. */
static void limit_fds(int room, struct rlimit *saved)
{
    getrlimit(RLIMIT_NOFILE, saved);
    struct rlimit low = *saved;
    low.rlim_cur = (rlim_t)(lowest_free_fd() + room);
    assert_int_equal(setrlimit(RLIMIT_NOFILE, &low), 0);
}

static void test_pipes_left_open_by_none_when_the_second_fails(void **state)
{
    (void)state;
    int before = lowest_free_fd();
    struct rlimit saved;
    limit_fds(2, &saved); /* the first pipe fits, the second does not */
    int ctl[2], res[2];
    int rc = mt_pool_open_pipes_(ctl, res);
    int err = errno;
    setrlimit(RLIMIT_NOFILE, &saved);
    assert_int_equal(rc, MT_EIO);
    assert_int_equal(err, EMFILE);
    assert_int_equal(lowest_free_fd(), before); /* ctl's two were closed */
    assert_int_equal(mt_pool_open_pipes_(ctl, res), MT_OK);
    for (int i = 0; i < 2; i++) {
        close(ctl[i]);
        close(res[i]);
    }
}

/* ---- with a script ---- */

static const char *SCRIPT = "molotov.scenario('idle', 1, function(s) molotov.sleep(0.02) end)\n";

typedef struct {
    char path[64];
    mt_options opt;
    mt_script *script;
} loaded;

static void load(loaded *l)
{
    strcpy(l->path, "/tmp/mt-test-pool-XXXXXX.lua");
    write_tmpfile(l->path, SCRIPT);
    mt_options_defaults(&l->opt);
    l->opt.scenario = l->path;
    l->opt.quiet = true;
    l->opt.processes = 1;
    l->opt.workers = 1;
    l->opt.duration = 30;
    char err[512];
    assert_int_equal(mt_luamod_load(&l->opt, &l->script, err, sizeof(err)), 0);
}

static void unload(loaded *l)
{
    mt_script_free(l->script);
    unlink(l->path);
}

static void test_child_whose_loop_cannot_start_exits_3(void **state)
{
    (void)state;
    loaded l;
    load(&l);
    int ctl[2], res[2];
    assert_int_equal(mt_pool_open_pipes_(ctl, res), MT_OK);
    const char *start = "{\"type\":\"start\",\"vars\":\"{}\"}\n";
    assert_int_equal(write(ctl[1], start, strlen(start)), (ssize_t)strlen(start));
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        struct rlimit saved;
        limit_fds(0, &saved); /* no descriptor for the loop's epoll */
        mt_pool_child_main_(&l.opt, l.script, 0, ctl[0], res[1], getppid());
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 3);
    for (int i = 0; i < 2; i++) {
        close(ctl[i]);
        close(res[i]);
    }
    unload(&l);
}

/* A pool of one real child, started; the main runner has no workers. */
typedef struct {
    loaded l;
    uv_loop_t loop;
    mt_runner runner;
    mt_pool *pool;
} fx;

static void finished(mt_runner *r)
{
    uv_stop(r->loop);
}

static void pool_up(fx *f)
{
    load(&f->l);
    char err[512];
    assert_int_equal(mt_pool_fork(&f->l.opt, f->l.script, &f->pool, err, sizeof err), MT_OK);
    assert_int_equal(uv_loop_init(&f->loop), 0);
    assert_int_equal(mt_runner_init(&f->runner, &f->loop, f->l.script, &f->l.opt), MT_OK);
    f->runner.on_finished = finished;
    assert_int_equal(mt_pool_start(f->pool, &f->runner, err, sizeof err), MT_OK);
}

/* The fatal stop reaches the child, which ends; the run then finishes. */
static void pool_down(fx *f)
{
    uv_run(&f->loop, UV_RUN_DEFAULT);
    assert_true(f->runner.finished);
    mt_runner_close(&f->runner);
    mt_pool_close(f->pool);
    uv_run(&f->loop, UV_RUN_DEFAULT);
    assert_int_equal(uv_loop_close(&f->loop), 0);
    mt_pool_free(f->pool);
    unload(&f->l);
}

static char *stats_line(uint64_t successes, const char *bad_latency)
{
    mt_stats s;
    mt_stats_init(&s, 1);
    s.successes = successes;
    cJSON *st = mt_stats_to_json(&s);
    if (bad_latency) cJSON_ReplaceItemInObject(st, "latency", cJSON_CreateString(bad_latency));
    mt_stats_free(&s);
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "type", "stats");
    cJSON_AddNumberToObject(j, "workers", 1);
    cJSON_AddItemToObject(j, "stats", st);
    char *txt = cJSON_PrintUnformatted(j);
    cJSON_Delete(j);
    char *line = malloc(strlen(txt) + 2);
    sprintf(line, "%s\n", txt);
    cJSON_free(txt);
    return line;
}

static void feed(fx *f, const char *line)
{
    mt_pool_child_input_(f->pool, 0, line, strlen(line));
}

static void test_a_line_that_is_not_json_ends_the_run(void **state)
{
    (void)state;
    fx f;
    pool_up(&f);
    char *good = stats_line(2, NULL);
    feed(&f, good);
    free(good);
    assert_int_equal(f.runner.stats.successes, 2);
    assert_false(f.runner.fatal);
    feed(&f, "{\"type\":\"stats\",\"stats\":{\"successes\":");
    assert_false(f.runner.fatal); /* half a line: the rest may come */
    feed(&f, "\n");
    assert_true(f.runner.fatal);
    assert_int_equal(f.runner.stop_reason, MT_STOP_CRASHED);
    char want[128];
    snprintf(want, sizeof want, "worker process %d sent a line that is not JSON",
             (int)mt_pool_child_pid_(f.pool, 0));
    if (!strstr(f.runner.fatal_msg, want)) fail_msg("%s", f.runner.fatal_msg);
    assert_non_null(strstr(f.runner.fatal_msg, "what it counted is lost"));
    assert_int_equal(f.runner.stats.successes, 2);
    assert_int_equal(mt_runner_exit_code(&f.runner), 1);
    pool_down(&f);
}

static void test_statistics_that_do_not_decode_end_the_run(void **state)
{
    (void)state;
    fx f;
    pool_up(&f);
    char *bad = stats_line(5, "h1:2,1,9,5:garbage");
    feed(&f, bad);
    free(bad);
    assert_true(f.runner.fatal);
    assert_int_equal(f.runner.stop_reason, MT_STOP_CRASHED);
    assert_non_null(strstr(f.runner.fatal_msg, "sent statistics that do not decode"));
    assert_int_equal(f.runner.stats.successes, 0); /* refused whole */
    pool_down(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a_childs_end_in_words),
        cmocka_unit_test(test_pipes_left_open_by_none_when_the_second_fails),
        cmocka_unit_test(test_child_whose_loop_cannot_start_exits_3),
        cmocka_unit_test(test_a_line_that_is_not_json_ends_the_run),
        cmocka_unit_test(test_statistics_that_do_not_decode_end_the_run),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

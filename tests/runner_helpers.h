/* runner_helpers.h: what the tests that drive a whole runner in-process
 * share: a script written to a file, loaded with the whole module, and a
 * runner made on it over a real loop (load: test_crew.c, test_phases.c);
 * with molotov-serve on the runner's own loop (its URL in $TARGET) and the
 * runner started (start: test_runner.c, test_listeners.c); then everything
 * closed (finish). */
#ifndef MOLOTOV_TESTS_RUNNER_HELPERS_H
#define MOLOTOV_TESTS_RUNNER_HELPERS_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "molotov/luamod.h"
#include "molotov/runner.h"
#include "serve/serve.h"
#include "tmpfile_helpers.h"

typedef struct {
    uv_loop_t loop;
    mt_server *srv;
    mt_options opt;
    mt_script *script;
    mt_runner runner;
    char path[64];
} fx;

static inline void finished(mt_runner *r)
{
    uv_stop(r->loop);
}

/* A runner over lua, made but not started. With serve, molotov-serve runs
 * on its loop first, its URL in $TARGET for the script to read; without,
 * f->srv stays NULL. */
static inline fx *fx_load(const char *lua, int workers, long max_runs, double duration, bool serve)
{
    fx *f = calloc(1, sizeof(*f));
    uv_loop_init(&f->loop);
    if (serve) {
        assert_int_equal(mt_serve_start(&f->loop, "127.0.0.1", 0, &f->srv), 0);
        char url[64];
        snprintf(url, sizeof(url), "http://127.0.0.1:%d", mt_serve_port(f->srv));
        setenv("TARGET", url, 1);
    }
    strcpy(f->path, "/tmp/mt-test-runner-XXXXXX.lua");
    write_tmpfile(f->path, lua);
    mt_options_defaults(&f->opt);
    f->opt.scenario = f->path;
    f->opt.workers = workers;
    f->opt.max_runs = max_runs;
    f->opt.duration = duration;
    char err[512];
    assert_int_equal(mt_luamod_load(&f->opt, &f->script, err, sizeof(err)), 0);
    assert_int_equal(mt_runner_init(&f->runner, &f->loop, f->script, &f->opt), 0);
    f->runner.on_finished = finished;
    return f;
}

/* A runner over lua against molotov-serve, started. */
static inline fx *start(const char *lua, int workers, long max_runs, double duration)
{
    fx *f = fx_load(lua, workers, max_runs, duration, true);
    char err[512];
    assert_int_equal(mt_runner_start(&f->runner, err, sizeof(err)), 0);
    return f;
}

static inline void finish(fx *f)
{
    mt_runner_close(&f->runner);
    if (f->srv) mt_serve_stop(f->srv);
    uv_run(&f->loop, UV_RUN_DEFAULT);
    assert_int_equal(uv_loop_close(&f->loop), 0);
    mt_script_free(f->script);
    mt_respbuf_drain_pool();
    unlink(f->path);
    free(f);
}

#endif

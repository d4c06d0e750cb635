/* worker_helpers.h: what the tests of the modules that run Lua on a worker
 * share (session, exchange, cookies, multipart, metrics, ws): a script
 * loaded with the whole molotov module, and one worker context of the
 * test's own (worker.h) on a loop and an engine, with no runner. Its hooks
 * are real but small: wake marks the worker woken, sleep is a timer, and
 * emit runs no listener. wfx_call resumes the worker's coroutine until it
 * returns, running the loop whenever it waits. wfx_served is such a worker
 * with molotov-serve on its loop (exchange, ws). */
#ifndef MOLOTOV_TESTS_WORKER_HELPERS_H
#define MOLOTOV_TESTS_WORKER_HELPERS_H

#include <lauxlib.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "molotov/exchange.h"
#include "molotov/luamod.h"
#include "molotov/session.h"
#include "molotov/worker.h"
#include "serve/serve.h"
#include "tmpfile_helpers.h"

typedef struct {
    uv_loop_t loop;
    uv_timer_t timer; /* molotov.sleep's */
    mt_options opt;
    mt_script *script;
    mt_stats stats;
    mt_host host;
    mt_worker w;
    lua_State *co;
    int wakes; /* times the worker was woken */
    bool woken;
    char path[64];
} wfx;

static inline wfx *wfx_of(mt_worker *w)
{
    return (wfx *)(void *)((char *)w - offsetof(wfx, w));
}

static inline int wfx_emit(lua_State *L, mt_worker *w, const char *event, lua_KFunction k,
                           lua_KContext ctx)
{
    (void)w, (void)event;
    lua_pop(L, 1); /* the info: no listener runs here */
    return k(L, LUA_OK, ctx);
}

static inline void wfx_wake(mt_worker *w)
{
    wfx *f = wfx_of(w);
    f->woken = true;
    f->wakes++;
}

static inline void wfx_slept(uv_timer_t *t)
{
    wfx *f = t->data;
    f->w.wait = MT_WAIT_NONE;
    mt_worker_wake(&f->w);
}

static inline int wfx_sleep(lua_State *L, mt_worker *w, double s)
{
    wfx *f = wfx_of(w);
    w->wait = MT_WAIT_SLEEP;
    uv_timer_start(&f->timer, wfx_slept, (uint64_t)(s * 1000), 0);
    return lua_yield(L, 0);
}

static const mt_worker_ops wfx_ops = {wfx_emit, wfx_wake, wfx_sleep};

/* The script `lua` loaded with options tune(o) made (tune may be NULL),
 * and worker 0 with hooks `ops` (NULL: wfx_ops). */
static inline wfx *wfx_new(const char *lua, const mt_worker_ops *ops, void (*tune)(mt_options *))
{
    wfx *f = calloc(1, sizeof(*f));
    assert_int_equal(uv_loop_init(&f->loop), 0);
    uv_timer_init(&f->loop, &f->timer);
    f->timer.data = f;
    strcpy(f->path, "/tmp/mt-test-worker-XXXXXX.lua");
    write_tmpfile(f->path, lua);
    mt_options_defaults(&f->opt);
    f->opt.scenario = f->path;
    if (tune) tune(&f->opt);
    char err[512];
    if (mt_luamod_load(&f->opt, &f->script, err, sizeof(err))) fail_msg("%s", err);
    mt_stats_init(&f->stats, f->script->nscenarios);
    f->host.loop = &f->loop;
    f->host.script = f->script;
    f->host.opt = &f->opt;
    f->host.stats = &f->stats;
    f->script->host = &f->host;
    assert_int_equal(mt_engine_new(&f->loop, 100, &f->host.engine), 0);
    f->w = (mt_worker){.id = 0, .host = &f->host, .ops = ops ? ops : &wfx_ops, .stats = &f->stats};
    assert_int_equal(mt_exchange_init(&f->w), 0);
    f->co = lua_newthread(f->script->L);
    mt_worker_bind(f->co, &f->w);
    f->w.co = f->co;
    return f;
}

static inline void wfx_free(wfx *f)
{
    mt_exchange_free(&f->w);
    if (f->host.close_websockets) f->host.close_websockets(&f->host);
    mt_engine_close(f->host.engine);
    uv_close((uv_handle_t *)&f->timer, NULL);
    uv_run(&f->loop, UV_RUN_DEFAULT);
    assert_int_equal(uv_loop_close(&f->loop), 0);
    mt_script_free(f->script);
    mt_stats_free(&f->stats);
    mt_respbuf_drain_pool();
    unlink(f->path);
    free(f);
}

static inline int wfx_push_session(lua_State *L)
{
    mt_session_push(L, mt_worker_of(L), 0);
    return 1;
}

/* Resumes the worker's coroutine with nargs values, running the loop while
 * it waits (at most 10 s each time), until it returns or raises. */
static inline int wfx_resume(wfx *f, int nargs)
{
    for (;;) {
        int nres = 0;
        int st = lua_resume(f->co, f->script->L, nargs, &nres);
        if (st != LUA_YIELD) return st;
        nargs = 0;
        f->woken = false;
        uint64_t t0 = uv_hrtime();
        while (!f->woken) {
            uv_run(&f->loop, UV_RUN_ONCE);
            if (uv_hrtime() - t0 > 10000000000ull) fail_msg("the worker was never woken");
        }
    }
}

/* Calls global fn on the worker's coroutine with a new session first (when
 * with_session) and then the values of the Lua expression `args` (may be
 * ""). Returns the status; the results (or the error) are on f->co. */
static inline int wfx_call(wfx *f, const char *fn, const char *args, bool with_session)
{
    if (lua_status(f->co) != LUA_OK) { /* the last call raised: a new coroutine */
        f->co = lua_newthread(f->script->L);
        mt_worker_bind(f->co, &f->w);
        f->w.co = f->co;
    }
    lua_State *co = f->co;
    lua_settop(co, 0);
    lua_getglobal(co, fn);
    if (with_session) {
        lua_pushcfunction(co, wfx_push_session);
        assert_int_equal(lua_pcall(co, 0, 1, 0), LUA_OK);
    }
    char chunk[1024];
    snprintf(chunk, sizeof chunk, "return %s", args);
    assert_int_equal(luaL_loadstring(co, chunk), LUA_OK);
    assert_int_equal(lua_pcall(co, 0, LUA_MULTRET, 0), LUA_OK);
    return wfx_resume(f, lua_gettop(co) - 1);
}

/* wfx_call that must succeed: its first result as a string. */
static inline const char *wfx_run(wfx *f, const char *fn, const char *args, bool with_session)
{
    int st = wfx_call(f, fn, args, with_session);
    if (st != LUA_OK) fail_msg("%s: %s", fn, lua_tostring(f->co, -1));
    return lua_tostring(f->co, 1);
}

/* wfx_call that must raise: its message without "file:line: ". */
static inline const char *wfx_error(wfx *f, const char *fn, const char *args, bool with_session)
{
    int st = wfx_call(f, fn, args, with_session);
    if (st == LUA_OK) fail_msg("%s(%s) did not raise", fn, args);
    const char *msg = lua_tostring(f->co, -1);
    const char *p = msg ? strstr(msg, ".lua:") : NULL;
    if (p) p = strstr(p, ": ");
    return p ? p + 2 : msg;
}

/* ---- a worker with molotov-serve on its loop ---- */

typedef struct {
    wfx *f;
    mt_server *srv;
    int port;      /* molotov-serve's */
    char base[64]; /* http://127.0.0.1:PORT */
} wfx_served;

static inline wfx_served *wfx_served_new(const char *lua, const mt_worker_ops *ops)
{
    wfx_served *x = calloc(1, sizeof *x);
    x->f = wfx_new(lua, ops, NULL);
    assert_int_equal(mt_serve_start(&x->f->loop, "127.0.0.1", 0, &x->srv), 0);
    x->port = mt_serve_port(x->srv);
    snprintf(x->base, sizeof x->base, "http://127.0.0.1:%d", x->port);
    return x;
}

static inline void wfx_served_free(wfx_served *x)
{
    mt_serve_stop(x->srv);
    wfx_free(x->f);
    free(x);
}

/* A cmocka teardown for a state made by wfx_served_new. */
static inline int wfx_served_teardown(void **state)
{
    wfx_served_free(*state);
    return 0;
}

#endif

/* phases.c: a worker's life (phases.h): its coroutine, the phases it goes
 * through and the resume that drives them, the ready queue, the fixture
 * worker's global fixtures. The worker as a thing (made, hooked, aborted,
 * freed) is crew.c's. */
#include "molotov/phases.h"
#include "molotov/common.h"
#include "molotov/exchange.h"
#include "molotov/listeners.h"
#include "molotov/outcome.h"
#include "molotov/pace.h"
#include "molotov/picker.h"
#include "molotov/session.h"

#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>

static void next_scenario(mt_rworker *w);
static void on_ready(uv_idle_t *h);

void mt_phases_coroutine(mt_rworker *w)
{
    lua_State *L = w->runner->script->L;
    if (w->co_ref != LUA_NOREF) luaL_unref(L, LUA_REGISTRYINDEX, w->co_ref);
    w->ctx.co = lua_newthread(L);
    mt_worker_bind(w->ctx.co, &w->ctx);
    mt_busy_watch(w->ctx.co);
    w->co_ref = luaL_ref(L, LUA_REGISTRYINDEX);
}

void mt_phases_init(mt_runner *r)
{
    uv_idle_init(r->loop, &r->ready_idle);
    r->ready_idle.data = r;
}

void mt_phases_enqueue(mt_rworker *w)
{
    mt_runner *r = w->runner;
    if (w->queued) return;
    w->queued = true;
    w->next_ready = NULL;
    if (r->ready_tail)
        r->ready_tail->next_ready = w;
    else
        r->ready_head = w;
    r->ready_tail = w;
    if (!uv_is_active((uv_handle_t *)&r->ready_idle)) uv_idle_start(&r->ready_idle, on_ready);
}

static void push_fixture(mt_rworker *w, int which)
{
    lua_rawgeti(w->ctx.co, LUA_REGISTRYINDEX, w->runner->script->fixtures[which]);
}

static bool has_fixture(mt_rworker *w, int which)
{
    return w->runner->script->fixtures[which] != LUA_NOREF;
}

static void report(mt_rworker *w, const char *what, const char *msg)
{
    if (w->ctx.id >= 0)
        fprintf(stderr, "molotov: %s failed (worker %d): ", what, w->ctx.id);
    else
        fprintf(stderr, "molotov: %s failed: ", what);
    mt_print_masked(stderr, msg, "\n");
}

static void fatal(mt_rworker *w, mt_stop_reason why, const char *msg)
{
    w->runner->ops->fatal(w->runner, why, msg);
}

void mt_phases_done(mt_rworker *w)
{
    if (w->phase == MT_PH_DONE) return;
    w->phase = MT_PH_DONE;
    if (--w->runner->running == 0) w->runner->ops->all_done(w->runner);
}

static void teardown(mt_rworker *w)
{
    lua_settop(w->ctx.co, 0);
    if (!has_fixture(w, MT_FIX_TEARDOWN) || w->runner->aborted) {
        mt_phases_done(w);
        return;
    }
    w->phase = MT_PH_TEARDOWN;
    push_fixture(w, MT_FIX_TEARDOWN);
    lua_pushinteger(w->ctx.co, w->ctx.id);
    mt_phases_resume(w, 1);
}

void mt_phases_teardown_session(mt_rworker *w)
{
    lua_settop(w->ctx.co, 0);
    if (!has_fixture(w, MT_FIX_TEARDOWN_SESSION) || w->session_ref == LUA_NOREF) {
        teardown(w);
        return;
    }
    w->phase = MT_PH_TEARDOWN_SESSION;
    push_fixture(w, MT_FIX_TEARDOWN_SESSION);
    lua_pushinteger(w->ctx.co, w->ctx.id);
    lua_rawgeti(w->ctx.co, LUA_REGISTRYINDEX, w->session_ref);
    mt_phases_resume(w, 2);
}

static void worker_begin(mt_rworker *w)
{
    if (mt_pace_per_worker_duration(w->runner->opt))
        w->deadline_at = mt_now_s() + w->runner->opt->duration;
    w->phase = MT_PH_SETUP;
    lua_settop(w->ctx.co, 0);
    if (!has_fixture(w, MT_FIX_SETUP)) {
        lua_pushnil(w->ctx.co);
        w->setup_ok = true;
        mt_phases_resume(w, -1); /* as if setup returned nil */
        return;
    }
    push_fixture(w, MT_FIX_SETUP);
    lua_pushinteger(w->ctx.co, w->ctx.id);
    lua_rawgeti(w->ctx.co, LUA_REGISTRYINDEX, w->runner->script->args_ref);
    mt_phases_resume(w, 2);
}

static int make_session(lua_State *L)
{
    mt_rworker *w = lua_touserdata(L, 1);
    mt_session_push(L, &w->ctx, lua_isnil(L, 2) ? 0 : 2);
    return 1;
}

/* setup returned (value on top of co): create the session, then
 * setup_session, then the scenarios. */
static void setup_returned(mt_rworker *w)
{
    lua_State *co = w->ctx.co;
    int ret = lua_gettop(co);
    lua_pushcfunction(co, make_session);
    lua_pushlightuserdata(co, w);
    if (ret)
        lua_pushvalue(co, ret);
    else
        lua_pushnil(co);
    if (lua_pcall(co, 2, 1, 0) != LUA_OK) {
        char msg[1024];
        mt_script_error_message(co, msg, sizeof(msg));
        report(w, "setup", msg);
        fatal(w, MT_STOP_SETUP_FAILED, msg);
        teardown(w);
        return;
    }
    w->setup_ok = true;
    w->session_ref = luaL_ref(co, LUA_REGISTRYINDEX);
    lua_settop(co, 0);
    if (!has_fixture(w, MT_FIX_SETUP_SESSION)) {
        next_scenario(w);
        return;
    }
    w->phase = MT_PH_SETUP_SESSION;
    push_fixture(w, MT_FIX_SETUP_SESSION);
    lua_pushinteger(co, w->ctx.id);
    lua_rawgeti(co, LUA_REGISTRYINDEX, w->session_ref);
    mt_phases_resume(w, 2);
}

static bool should_stop(mt_rworker *w)
{
    mt_runner *r = w->runner;
    const mt_options *o = r->opt;
    if (r->stopping) return true;
    if (w->deadline_at > 0 && mt_now_s() >= w->deadline_at) return true; /* its own -d is over */
    if (mt_now_s() >= r->deadline_at) {
        r->ops->stop(r);
        return true;
    }
    if (o->max_runs && w->ctx.step >= o->max_runs) return true;
    if (o->single_run && w->ctx.step >= r->script->nscenarios) return true;
    return false;
}

/* The next scenario's index, or -1 after reporting why there is none. */
static int pick(mt_rworker *w)
{
    mt_script *s = w->runner->script;
    int i = mt_picker_pick(s, w->runner->opt, w->ctx.step);
    if (i != -2) return i;
    char msg[1024];
    i = mt_picker_call(w->ctx.co, s, w->ctx.id, w->ctx.step, &w->busy, msg, sizeof msg);
    if (i >= 0) return i;
    report(w, "scenario_picker", msg);
    fatal(w, MT_STOP_SETUP_FAILED, msg);
    return -1;
}

static void start_run(mt_rworker *w)
{
    mt_phases_resume(w, 1); /* the scenario and its session are on the coroutine */
}

static void next_scenario(mt_rworker *w)
{
    lua_settop(w->ctx.co, 0);
    if (should_stop(w)) {
        mt_phases_teardown_session(w);
        return;
    }
    mt_runner *r = w->runner;
    if (!w->ready) {
        w->ready = true;
        r->workers_moved = true; /* sampled once the queue is drained */
        if (r->unready && --r->unready == 0) r->ops->all_ready(r);
    }
    if (r->rate > 0 && !w->start_token) { /* open model: wait for the next start */
        w->phase = MT_PH_IDLE;
        r->idle[r->nidle++] = w;
        return;
    }
    w->start_token = false;
    int i = pick(w);
    if (i < 0) {
        mt_phases_teardown_session(w);
        return;
    }
    w->scenario = i;
    w->ctx.step++;
    w->phase = MT_PH_SCENARIO;
    w->ctx.reached_network = false;
    mt_stats_scenario_start(&w->runner->stats, i);
    w->scenario_t0 = r->rate > 0 ? w->intended_ns : mt_now_ns(); /* no coordinated omission */
    lua_rawgeti(w->ctx.co, LUA_REGISTRYINDEX, w->runner->script->scenarios[i].fn_ref);
    lua_rawgeti(w->ctx.co, LUA_REGISTRYINDEX, w->session_ref);
    mt_listeners_scenario(w, "scenario_start", NULL, start_run);
}

static void on_pause_over(uv_timer_t *t)
{
    mt_phases_enqueue(t->data);
}

static void pause_then_next(mt_rworker *w, double delay)
{
    if (delay > 0 && !w->runner->stopping) {
        w->phase = MT_PH_PAUSE;
        uv_timer_start(&w->timer, on_pause_over, (uint64_t)(delay * 1000 + 0.5), 0);
    } else {
        w->phase = MT_PH_PAUSE;
        mt_phases_enqueue(w);
    }
}

static void after_success(mt_rworker *w)
{
    pause_then_next(w, mt_outcome_success_pause(w));
}

static void after_failure(mt_rworker *w)
{
    pause_then_next(w, mt_outcome_after_failure(w));
}

static void scenario_succeeded(mt_rworker *w)
{
    mt_outcome_success(w);
    w->phase = MT_PH_AFTER;
    mt_listeners_scenario(w, "scenario_success", NULL, after_success);
}

static void scenario_failed(mt_rworker *w, const char *msg)
{
    mt_outcome_failure(w, msg);
    w->phase = MT_PH_AFTER;
    mt_listeners_scenario(w, "scenario_failure", msg, after_failure);
}

static void global_setup_over(mt_rworker *w, const char *err)
{
    mt_runner *r = w->runner;
    r->global_setup_done = true;
    if (err) snprintf(r->global_setup_err, sizeof(r->global_setup_err), "%s", err);
}

/* The running phase returned normally. */
static void phase_ok(mt_rworker *w)
{
    switch (w->phase) {
    case MT_PH_SETUP: setup_returned(w); break;
    case MT_PH_SETUP_SESSION: next_scenario(w); break;
    case MT_PH_SCENARIO: scenario_succeeded(w); break;
    case MT_PH_TEARDOWN_SESSION: teardown(w); break;
    case MT_PH_TEARDOWN: mt_phases_done(w); break;
    case MT_PH_GLOBAL_SETUP: global_setup_over(w, NULL); break;
    case MT_PH_GLOBAL_TEARDOWN: w->runner->ops->finished(w->runner); break;
    default: break;
    }
}

/* The running phase raised msg (the coroutine has been reset). */
static void phase_failed(mt_rworker *w, const char *msg)
{
    switch (w->phase) {
    case MT_PH_SETUP:
    case MT_PH_SETUP_SESSION:
        report(w, w->phase == MT_PH_SETUP ? "setup" : "setup_session", msg);
        fatal(w, MT_STOP_SETUP_FAILED, msg);
        teardown(w);
        break;
    case MT_PH_SCENARIO: scenario_failed(w, msg); break;
    case MT_PH_TEARDOWN_SESSION:
        report(w, "teardown_session", msg);
        teardown(w);
        break;
    case MT_PH_TEARDOWN:
        report(w, "teardown", msg);
        mt_phases_done(w);
        break;
    case MT_PH_GLOBAL_SETUP: global_setup_over(w, msg); break;
    case MT_PH_GLOBAL_TEARDOWN:
        report(w, "global_teardown", msg);
        w->runner->ops->finished(w->runner);
        break;
    default: break;
    }
}

static void failed(mt_rworker *w, const char *msg)
{
    if (w->runner->opt->verbose && w->phase != MT_PH_GLOBAL_SETUP) {
        luaL_traceback(w->ctx.co, w->ctx.co, msg, 0);
        mt_print_masked(stderr, lua_tostring(w->ctx.co, -1), "\n");
    }
    lua_resetthread(w->ctx.co);
    if (w->busy.expired) mt_phases_coroutine(w);
    phase_failed(w, msg);
}

void mt_phases_resume(mt_rworker *w, int nargs)
{
    if (w->ctx.lco) { /* its listeners were waiting */
        mt_listeners_resume(w, nargs);
        return;
    }
    int nres = 0, st = LUA_OK;
    mt_busy_enter(&w->busy);
    if (nargs >= 0) st = lua_resume(w->ctx.co, w->runner->script->L, nargs, &nres);
    mt_busy_leave(&w->busy);
    if (st == LUA_YIELD && w->ctx.wait != MT_WAIT_NONE) return; /* on HTTP or sleep */
    char msg[1024];
    if (st == LUA_YIELD && w->busy.expired) {
        failed(w, mt_busy_message());
        return;
    }
    if (st == LUA_YIELD) {
        lua_pushliteral(w->ctx.co, "coroutine.yield() cannot suspend a worker (use molotov.sleep)");
        mt_script_error_message(w->ctx.co, msg, sizeof(msg));
        failed(w, msg);
        return;
    }
    if (st == LUA_OK) {
        if (w->phase != MT_PH_SETUP)
            lua_settop(w->ctx.co, 0);
        else if (nres > 1)
            lua_settop(w->ctx.co, lua_gettop(w->ctx.co) - nres + 1);
        phase_ok(w);
        return;
    }
    lua_pushvalue(w->ctx.co, -1);
    mt_script_error_message(w->ctx.co, msg, sizeof(msg));
    if (w->runner->opt->verbose && w->phase == MT_PH_GLOBAL_SETUP) {
        luaL_traceback(w->ctx.co, w->ctx.co, msg, 0);
        snprintf(msg, sizeof(msg), "%s", lua_tostring(w->ctx.co, -1));
    }
    failed(w, msg);
}

static void on_ready(uv_idle_t *h)
{
    mt_runner *r = h->data;
    mt_rworker *w = r->ready_head;
    r->ready_head = r->ready_tail = NULL;
    while (w) {
        mt_rworker *next = w->next_ready;
        w->queued = false;
        if (w->phase == MT_PH_NEW)
            worker_begin(w);
        else if (w->phase == MT_PH_PAUSE)
            next_scenario(w);
        w = next;
    }
    if (r->workers_moved) mt_phases_sample_workers(r); /* once for all that started */
    if (!r->ready_head) uv_idle_stop(&r->ready_idle);
}

bool mt_phases_global_setup(mt_rworker *f)
{
    if (!has_fixture(f, MT_FIX_GLOBAL_SETUP)) return false;
    f->phase = MT_PH_GLOBAL_SETUP;
    push_fixture(f, MT_FIX_GLOBAL_SETUP);
    lua_rawgeti(f->ctx.co, LUA_REGISTRYINDEX, f->runner->script->args_ref);
    mt_phases_resume(f, 1);
    return true;
}

bool mt_phases_global_teardown(mt_rworker *f)
{
    if (!has_fixture(f, MT_FIX_GLOBAL_TEARDOWN)) return false;
    f->phase = MT_PH_GLOBAL_TEARDOWN;
    lua_settop(f->ctx.co, 0);
    push_fixture(f, MT_FIX_GLOBAL_TEARDOWN);
    mt_phases_resume(f, 0);
    return true;
}

void mt_phases_stop(mt_runner *r)
{
    for (int i = 0; i < r->nworkers; i++) {
        mt_rworker *w = r->workers[i];
        if (w->phase == MT_PH_WAIT_START) {
            uv_timer_stop(&w->timer);
            mt_phases_done(w);
        } else if (w->phase == MT_PH_PAUSE) {
            uv_timer_stop(&w->timer);
            mt_phases_enqueue(w);
        }
    }
}

int mt_phases_active(const mt_runner *r)
{
    int n = r->remote_workers;
    for (int i = 0; i < r->nworkers; i++) {
        int ph = r->workers[i]->phase;
        if (ph == MT_PH_SCENARIO || ph == MT_PH_PAUSE || ph == MT_PH_AFTER ||
            ph == MT_PH_SETUP_SESSION)
            n++;
    }
    return n;
}

void mt_phases_sample_workers(mt_runner *r)
{
    r->workers_moved = false;
    if (!r->is_child) mt_stats_workers(&r->stats, mt_wall_s(), mt_phases_active(r));
}

void mt_phases_close(mt_runner *r)
{
    uv_close((uv_handle_t *)&r->ready_idle, NULL);
}

/* runner.c: the workers of one process. Each worker is a Lua coroutine that
 * goes through phases: setup, setup_session, scenarios (with pauses), then
 * teardown_session and teardown. A phase runs by resuming the coroutine;
 * when it yields on HTTP or sleep, the loop resumes it later. Workers that
 * are ready for their next scenario wait in a queue served by a uv_idle, so a
 * scenario that never yields cannot starve the loop. */
#include "molotov/runner.h"
#include "molotov/common.h"
#include "molotov/exchange.h"
#include "molotov/listeners.h"
#include "molotov/pace.h"
#include "molotov/picker.h"
#include "molotov/runaway.h"
#include "molotov/session.h"

#include <lauxlib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum phase {
    PH_NEW,
    PH_WAIT_START,
    PH_SETUP,
    PH_SETUP_SESSION,
    PH_SCENARIO,
    PH_PAUSE,
    PH_AFTER, /* its run ended; its scenario_success/failure listeners run */
    PH_IDLE,  /* --rate: waiting for a start */
    PH_TEARDOWN_SESSION,
    PH_TEARDOWN,
    PH_DONE,
    PH_GLOBAL_SETUP,
    PH_GLOBAL_TEARDOWN,
};

static void resume(mt_rworker *w, int nargs);
static void next_scenario(mt_rworker *w);
static void teardown_session(mt_rworker *w);
static void on_ready(uv_idle_t *h);

/* A fresh coroutine for w (after the old one ended in an error its hooks
 * cannot come back from). */
static void new_coroutine(mt_rworker *w)
{
    lua_State *L = w->runner->script->L;
    if (w->co_ref != LUA_NOREF) luaL_unref(L, LUA_REGISTRYINDEX, w->co_ref);
    w->ctx.co = lua_newthread(L);
    mt_worker_bind(w->ctx.co, &w->ctx);
    mt_busy_watch(w->ctx.co);
    w->co_ref = luaL_ref(L, LUA_REGISTRYINDEX);
}

static const mt_worker_ops worker_ops;

static mt_rworker *worker_new(mt_runner *r, int id)
{
    mt_rworker *w = mt_calloc(1, sizeof(*w));
    w->ctx.id = id;
    w->ctx.host = &r->host;
    w->ctx.ops = &worker_ops;
    w->ctx.stats = id < 0 ? &r->fixture_stats : &r->stats;
    w->runner = r;
    w->session_ref = LUA_NOREF;
    w->co_ref = LUA_NOREF;
    w->lco_ref = LUA_NOREF;
    new_coroutine(w);
    if (mt_exchange_init(&w->ctx)) {
        fprintf(stderr, "molotov: libcurl could not create a handle\n");
        abort();
    }
    uv_timer_init(r->loop, &w->timer);
    w->timer.data = w;
    return w;
}

static void enqueue(mt_rworker *w)
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

const char *mt_stop_reason_name(mt_stop_reason r)
{
    static const char *const names[] = {
        [MT_STOP_COMPLETED] = "completed",
        [MT_STOP_INTERRUPTED] = "interrupted",
        [MT_STOP_FIRST_FAILURE] = "first failure (-x)",
        [MT_STOP_FAIL_REACHED] = "--abort-after reached",
        [MT_STOP_SIZING] = "sizing stop",
        [MT_STOP_NO_SUCCESS] = "no success",
        [MT_STOP_ABORTED] = "aborted",
        [MT_STOP_SETUP_FAILED] = "setup failed",
        [MT_STOP_CRASHED] = "worker process crashed",
    };
    return (size_t)r < sizeof names / sizeof *names ? names[r] : "unknown";
}

void mt_runner_set_stop_reason(mt_runner *r, mt_stop_reason why)
{
    bool abort_after_interrupt = why == MT_STOP_ABORTED && r->stop_reason == MT_STOP_INTERRUPTED;
    if (r->stop_reason_set && !abort_after_interrupt) return;
    r->stop_reason = why;
    r->stop_reason_set = true;
}

static void run_finished(mt_runner *r)
{
    r->finished = true;
    r->ended_at = mt_now_s();
    r->ended_wall = mt_wall_now();
    uv_timer_stop(&r->deadline);
    uv_timer_stop(&r->tick);
    if (r->on_finished) r->on_finished(r);
}

static void all_done(mt_runner *r)
{
    mt_rworker *f = r->fixture;
    if (r->aborted || r->is_child || !has_fixture(f, MT_FIX_GLOBAL_TEARDOWN)) {
        run_finished(r);
        return;
    }
    f->phase = PH_GLOBAL_TEARDOWN;
    lua_settop(f->ctx.co, 0);
    push_fixture(f, MT_FIX_GLOBAL_TEARDOWN);
    resume(f, 0);
}

static void worker_done(mt_rworker *w)
{
    if (w->phase == PH_DONE) return;
    w->phase = PH_DONE;
    if (--w->runner->running == 0) all_done(w->runner);
}

static void teardown(mt_rworker *w)
{
    lua_settop(w->ctx.co, 0);
    if (!has_fixture(w, MT_FIX_TEARDOWN) || w->runner->aborted) {
        worker_done(w);
        return;
    }
    w->phase = PH_TEARDOWN;
    push_fixture(w, MT_FIX_TEARDOWN);
    lua_pushinteger(w->ctx.co, w->ctx.id);
    resume(w, 1);
}

static void teardown_session(mt_rworker *w)
{
    lua_settop(w->ctx.co, 0);
    if (!has_fixture(w, MT_FIX_TEARDOWN_SESSION) || w->session_ref == LUA_NOREF) {
        teardown(w);
        return;
    }
    w->phase = PH_TEARDOWN_SESSION;
    push_fixture(w, MT_FIX_TEARDOWN_SESSION);
    lua_pushinteger(w->ctx.co, w->ctx.id);
    lua_rawgeti(w->ctx.co, LUA_REGISTRYINDEX, w->session_ref);
    resume(w, 2);
}

static void fatal(mt_runner *r, mt_stop_reason why, const char *msg)
{
    if (!r->fatal) {
        snprintf(r->fatal_msg, sizeof(r->fatal_msg), "%s", msg);
        r->fatal = true;
        mt_runner_set_stop_reason(r, why);
        if (r->on_fatal) r->on_fatal(r);
    }
    mt_runner_stop(r);
}

void mt_runner_fatal(mt_runner *r, mt_stop_reason why, const char *msg)
{
    fatal(r, why, msg);
}

int mt_runner_exit_code(const mt_runner *r)
{
    const mt_options *o = r->opt;
    if (r->interrupted) return MT_EXIT_INTERRUPTED;
    if (r->fatal) return 1;
    if ((o->single_run || o->single_mode) && r->stats.failures) return 1;
    if (o->fail && r->stats.failures >= (uint64_t)o->fail) return 1; /* Molotov's -f */
    if (r->stats.successes == 0) return 1; /* nothing the run set out to do worked */
    return 0;
}

static void worker_begin(mt_rworker *w)
{
    if (mt_pace_per_worker_duration(w->runner->opt))
        w->deadline_at = mt_now_s() + w->runner->opt->duration;
    w->phase = PH_SETUP;
    lua_settop(w->ctx.co, 0);
    if (!has_fixture(w, MT_FIX_SETUP)) {
        lua_pushnil(w->ctx.co);
        w->setup_ok = true;
        resume(w, -1); /* as if setup returned nil */
        return;
    }
    push_fixture(w, MT_FIX_SETUP);
    lua_pushinteger(w->ctx.co, w->ctx.id);
    lua_rawgeti(w->ctx.co, LUA_REGISTRYINDEX, w->runner->script->args_ref);
    resume(w, 2);
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
        fatal(w->runner, MT_STOP_SETUP_FAILED, msg);
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
    w->phase = PH_SETUP_SESSION;
    push_fixture(w, MT_FIX_SETUP_SESSION);
    lua_pushinteger(co, w->ctx.id);
    lua_rawgeti(co, LUA_REGISTRYINDEX, w->session_ref);
    resume(w, 2);
}

static bool should_stop(mt_rworker *w)
{
    mt_runner *r = w->runner;
    const mt_options *o = r->opt;
    if (r->stopping) return true;
    if (w->deadline_at > 0 && mt_now_s() >= w->deadline_at) return true; /* its own -d is over */
    if (mt_now_s() >= r->deadline_at) {
        mt_runner_stop(r);
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
    fatal(w->runner, MT_STOP_SETUP_FAILED, msg);
    return -1;
}

static void resume_main(mt_rworker *w)
{
    w->ctx.wait = MT_WAIT_NONE;
    resume(w, 0);
}

/* worker.h's emit: the listeners of a request event. */
static int emit_op(lua_State *L, mt_worker *c, const char *event, lua_KFunction k, lua_KContext ctx)
{
    return mt_listeners_emit(L, (mt_rworker *)c, event, k, ctx, resume_main);
}

static void start_run(mt_rworker *w)
{
    resume(w, 1); /* the scenario and its session are on the coroutine */
}

static void on_rate(uv_timer_t *t);

/* --rate: every worker is through its setup fixtures; the schedule starts. */
static void begin_rate(mt_runner *r)
{
    r->rate_t0 = mt_now_ns();
    uv_timer_start(&r->rate_timer, on_rate, 0, 1);
}

static void next_scenario(mt_rworker *w)
{
    lua_settop(w->ctx.co, 0);
    if (should_stop(w)) {
        teardown_session(w);
        return;
    }
    mt_runner *r = w->runner;
    if (!w->ready) {
        w->ready = true;
        if (r->unready && --r->unready == 0) begin_rate(r);
    }
    if (r->rate > 0 && !w->start_token) { /* open model: wait for the next start */
        w->phase = PH_IDLE;
        r->idle[r->nidle++] = w;
        return;
    }
    w->start_token = false;
    int i = pick(w);
    if (i < 0) {
        teardown_session(w);
        return;
    }
    w->scenario = i;
    w->ctx.step++;
    w->phase = PH_SCENARIO;
    w->ctx.reached_network = false;
    mt_stats_scenario_start(&w->runner->stats, i);
    w->scenario_t0 = r->rate > 0 ? w->intended_ns : mt_now_ns(); /* no coordinated omission */
    lua_rawgeti(w->ctx.co, LUA_REGISTRYINDEX, w->runner->script->scenarios[i].fn_ref);
    lua_rawgeti(w->ctx.co, LUA_REGISTRYINDEX, w->session_ref);
    mt_listeners_scenario(w, "scenario_start", NULL, start_run);
}

static void on_pause_over(uv_timer_t *t)
{
    enqueue(t->data);
}

static void pause_then_next(mt_rworker *w, double delay)
{
    if (delay > 0 && !w->runner->stopping) {
        w->phase = PH_PAUSE;
        uv_timer_start(&w->timer, on_pause_over, (uint64_t)(delay * 1000 + 0.5), 0);
    } else {
        w->phase = PH_PAUSE;
        enqueue(w);
    }
}

static void after_success(mt_rworker *w)
{
    mt_runner *r = w->runner;
    pause_then_next(w, r->script->scenarios[w->scenario].delay + r->opt->delay);
}

static void scenario_succeeded(mt_rworker *w)
{
    mt_runner *r = w->runner;
    mt_stats_scenario_end(&r->stats, w->scenario, true, (mt_now_ns() - w->scenario_t0) / 1000,
                          mt_wall_s());
    w->instant_failures = 0;
    mt_runaway_reset(&r->runaway);
    w->phase = PH_AFTER;
    mt_listeners_scenario(w, "scenario_success", NULL, after_success);
}

/* Whether every worker running scenarios here is failing at once. */
static bool all_streaking(const mt_runner *r)
{
    for (int i = 0; i < r->nworkers; i++) {
        const mt_rworker *x = r->workers[i];
        bool active = x->phase == PH_SCENARIO || x->phase == PH_PAUSE || x->phase == PH_AFTER;
        if (active && !x->instant_failures) return false;
    }
    return true;
}

static void runaway_stop(mt_runner *r, double spent, const char *msg)
{
    char why[1200];
    snprintf(why, sizeof(why),
             "no success: %llu runs in %.1f s failed before sending a request: %s",
             (unsigned long long)r->runaway.n, spent, msg);
    if (!r->is_child) {
        fatal(r, MT_STOP_NO_SUCCESS, why);
    } else if (r->on_runaway && mt_now_s() - r->runaway_told >= 1.0) {
        r->runaway_told = mt_now_s(); /* the main process decides, told once a second */
        r->on_runaway(r, why);
    }
}

/* The back-off of a failed run; the run stops when every worker of the
 * process is in a streak of runaway failures (runaway.h). */
static double runaway(mt_rworker *w, const char *msg, double took)
{
    mt_runner *r = w->runner;
    bool limit;
    double now = mt_now_s();
    double backoff = mt_runaway_failed(&r->runaway, &w->instant_failures, msg, took,
                                       w->ctx.reached_network, now, &limit);
    if (limit && all_streaking(r)) runaway_stop(r, now - r->runaway.t0, msg);
    return backoff;
}

static void after_failure(mt_rworker *w)
{
    mt_runner *r = w->runner;
    const char *msg = w->fail_msg;
    if (r->opt->exception) fatal(r, MT_STOP_FIRST_FAILURE, msg);
    if (r->opt->abort_after && !r->is_child && r->stats.failures >= (uint64_t)r->opt->abort_after) {
        char why[64];
        snprintf(why, sizeof(why), "%ld failures reached (--abort-after)", r->opt->abort_after);
        fatal(r, MT_STOP_FAIL_REACHED, why);
    }
    double backoff = runaway(w, msg, w->fail_took);
    pause_then_next(w, r->opt->delay + backoff);
}

static void scenario_failed(mt_rworker *w, const char *msg)
{
    mt_runner *r = w->runner;
    uint64_t took_us = (mt_now_ns() - w->scenario_t0) / 1000;
    mt_stats_scenario_end(&r->stats, w->scenario, false, took_us, mt_wall_s());
    mt_stats_add_message(&r->stats, msg, 1);
    mt_stats_add_scenario_message(&r->stats, w->scenario, msg, 1);
    snprintf(w->fail_msg, sizeof w->fail_msg, "%s", msg);
    w->fail_took = (double)took_us / 1e6;
    w->phase = PH_AFTER;
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
    case PH_SETUP: setup_returned(w); break;
    case PH_SETUP_SESSION: next_scenario(w); break;
    case PH_SCENARIO: scenario_succeeded(w); break;
    case PH_TEARDOWN_SESSION: teardown(w); break;
    case PH_TEARDOWN: worker_done(w); break;
    case PH_GLOBAL_SETUP: global_setup_over(w, NULL); break;
    case PH_GLOBAL_TEARDOWN: run_finished(w->runner); break;
    default: break;
    }
}

/* The running phase raised msg (the coroutine has been reset). */
static void phase_failed(mt_rworker *w, const char *msg)
{
    switch (w->phase) {
    case PH_SETUP:
    case PH_SETUP_SESSION:
        report(w, w->phase == PH_SETUP ? "setup" : "setup_session", msg);
        fatal(w->runner, MT_STOP_SETUP_FAILED, msg);
        teardown(w);
        break;
    case PH_SCENARIO: scenario_failed(w, msg); break;
    case PH_TEARDOWN_SESSION:
        report(w, "teardown_session", msg);
        teardown(w);
        break;
    case PH_TEARDOWN:
        report(w, "teardown", msg);
        worker_done(w);
        break;
    case PH_GLOBAL_SETUP: global_setup_over(w, msg); break;
    case PH_GLOBAL_TEARDOWN:
        report(w, "global_teardown", msg);
        run_finished(w->runner);
        break;
    default: break;
    }
}

static void failed(mt_rworker *w, const char *msg)
{
    if (w->runner->opt->verbose && w->phase != PH_GLOBAL_SETUP) {
        luaL_traceback(w->ctx.co, w->ctx.co, msg, 0);
        mt_print_masked(stderr, lua_tostring(w->ctx.co, -1), "\n");
    }
    lua_resetthread(w->ctx.co);
    if (w->busy.expired) new_coroutine(w);
    phase_failed(w, msg);
}

/* nargs < 0: the phase's result is already on the stack (no fixture ran). */
static void resume(mt_rworker *w, int nargs)
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
        if (w->phase != PH_SETUP)
            lua_settop(w->ctx.co, 0);
        else if (nres > 1)
            lua_settop(w->ctx.co, lua_gettop(w->ctx.co) - nres + 1);
        phase_ok(w);
        return;
    }
    lua_pushvalue(w->ctx.co, -1);
    mt_script_error_message(w->ctx.co, msg, sizeof(msg));
    if (w->runner->opt->verbose && w->phase == PH_GLOBAL_SETUP) {
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
        if (w->phase == PH_NEW)
            worker_begin(w);
        else if (w->phase == PH_PAUSE)
            next_scenario(w);
        w = next;
    }
    if (!r->ready_head) uv_idle_stop(&r->ready_idle);
}

/* worker.h's wake: an HTTP answer or a WebSocket's event. */
static void wake_op(mt_worker *c)
{
    mt_rworker *w = (mt_rworker *)c;
    w->ctx.wait = MT_WAIT_NONE;
    w->ctx.cancel_wait = NULL;
    w->ctx.waiting_on = NULL;
    resume(w, 0);
}

static void on_sleep_over(uv_timer_t *t)
{
    mt_rworker *w = t->data;
    w->ctx.wait = MT_WAIT_NONE;
    resume(w, 0);
}

static int sleep_k(lua_State *L, int status, lua_KContext ctx)
{
    (void)L;
    (void)status;
    (void)ctx;
    return 0;
}

/* worker.h's sleep: molotov.sleep on the worker's timer. */
static int sleep_op(lua_State *L, mt_worker *c, double seconds)
{
    mt_rworker *w = (mt_rworker *)c;
    w->ctx.wait = MT_WAIT_SLEEP;
    uv_timer_start(&w->timer, on_sleep_over, (uint64_t)(seconds * 1000 + 0.5), 0);
    return lua_yieldk(L, 0, 0, sleep_k);
}

static const mt_worker_ops worker_ops = {.emit = emit_op, .wake = wake_op, .sleep = sleep_op};

int mt_runner_init(mt_runner *r, uv_loop_t *loop, mt_script *script, const mt_options *o)
{
    memset(r, 0, sizeof(*r));
    r->loop = loop;
    r->script = script;
    r->opt = o;
    mt_stats_init(&r->stats, script->nscenarios);
    mt_stats_init(&r->fixture_stats, 0);
    int rc = mt_engine_new(loop, 100, &r->engine);
    if (rc) return rc;
    uv_idle_init(loop, &r->ready_idle);
    r->ready_idle.data = r;
    uv_timer_init(loop, &r->deadline);
    r->deadline.data = r;
    uv_timer_init(loop, &r->tick);
    r->tick.data = r;
    uv_timer_init(loop, &r->rate_timer);
    r->rate_timer.data = r;
    mt_picker_seed((uint64_t)mt_now_ns() ^ ((uint64_t)getpid() << 32) ^ 0x9e3779b97f4a7c15ull);
    if (o->statsd) {
        char err[256]; /* the address was checked before the run: this cannot fail twice */
        if (mt_statsd_open(o->statsd_address, &r->statsd, err, sizeof(err))) r->statsd = NULL;
    }
    r->host = (mt_host){.loop = loop,
                        .engine = r->engine,
                        .script = script,
                        .opt = o,
                        .stats = &r->stats,
                        .statsd = r->statsd};
    script->host = &r->host;
    r->fixture = worker_new(r, -1);
    return MT_OK;
}

static int run_global_setup(mt_runner *r, char *err, size_t errlen)
{
    mt_rworker *f = r->fixture;
    if (!has_fixture(f, MT_FIX_GLOBAL_SETUP)) return MT_OK;
    f->phase = PH_GLOBAL_SETUP;
    push_fixture(f, MT_FIX_GLOBAL_SETUP);
    lua_rawgeti(f->ctx.co, LUA_REGISTRYINDEX, r->script->args_ref);
    resume(f, 1);
    while (!r->global_setup_done && !r->interrupted) uv_run(r->loop, UV_RUN_ONCE);
    if (r->interrupted && !r->global_setup_done) {
        snprintf(err, errlen, "global_setup interrupted");
        return MT_ESTOPPED;
    }
    if (r->global_setup_err[0]) {
        snprintf(err, errlen, "global_setup failed: %s", r->global_setup_err);
        return MT_ESCRIPT;
    }
    return MT_OK;
}

static void abort_worker(mt_rworker *w);

/* --force-shutdown: scenarios still running at the deadline are cancelled
 * (counted neither way); their workers go on to their teardowns. */
static void cancel_scenarios(mt_runner *r)
{
    for (int i = 0; i < r->nworkers; i++) {
        mt_rworker *w = r->workers[i];
        if (w->ctx.wait == MT_WAIT_NONE || (w->phase != PH_SCENARIO && w->phase != PH_AFTER))
            continue;
        bool counted = w->phase == PH_AFTER; /* its run ended; its listeners were waiting */
        abort_worker(w);
        if (!counted) mt_stats_scenario_cancelled(&r->stats, w->scenario);
        teardown_session(w);
    }
}

static void on_deadline(uv_timer_t *t)
{
    mt_runner *r = t->data;
    mt_runner_stop(r);
    if (r->opt->force_shutdown) cancel_scenarios(r);
}

static void on_tick(uv_timer_t *t)
{
    mt_runner *r = t->data;
    mt_stats_seal(&r->stats, mt_wall_s() - 3); /* late reports from children still fit */
    mt_stats_workers(&r->stats, mt_wall_s(), mt_runner_active_workers(r)); /* children's too */
    if (!r->script->nlisteners) return;
    lua_State *L = r->script->L;
    lua_createtable(L, 0, 1);
    lua_pushinteger(L, mt_runner_active_workers(r));
    lua_setfield(L, -2, "workers");
    mt_script_emit(r->script, L, "current_workers", -1);
    lua_pop(L, 1);
}

static void on_ramp(uv_timer_t *t)
{
    mt_rworker *w = t->data;
    w->phase = PH_NEW;
    enqueue(w);
}

void mt_runner_add_workers(mt_runner *r, int n)
{
    const mt_options *o = r->opt;
    r->workers = mt_realloc(r->workers, sizeof(mt_rworker *) * (size_t)(r->nworkers + n));
    for (int i = 0; i < n; i++) {
        int local = r->nworkers;
        mt_rworker *w = worker_new(r, r->first_id + local);
        r->workers[r->nworkers++] = w;
        r->running++;
        double at = mt_pace_ramp_at(o, local, r->ramp_offset);
        if (at > 0) {
            w->phase = PH_WAIT_START;
            uv_timer_start(&w->timer, on_ramp, (uint64_t)(at * 1000 + 0.5), 0);
        } else {
            w->phase = PH_NEW;
            enqueue(w);
        }
    }
}

int mt_runner_global_setup(mt_runner *r, char *err, size_t errlen)
{
    return run_global_setup(r, err, errlen);
}

static void on_rate(uv_timer_t *t)
{
    mt_runner *r = t->data;
    double elapsed = (double)(mt_now_ns() - r->rate_t0) / 1e9;
    /* start k is due at mt_pace_start_time(k), where starts_by reaches k:
     * by t, floor(starts_by(t)) + 1 starts are due (start 0 at once) */
    uint64_t due = (uint64_t)mt_pace_starts_by(r->rate, r->opt->ramp_up, elapsed) + 1;
    while (r->rate_issued < due && !r->stopping) {
        uint64_t k = r->rate_issued++;
        if (!r->nidle) {
            r->stats.dropped++; /* no free worker: the start is lost, and counted */
            continue;
        }
        mt_rworker *w = r->idle[--r->nidle];
        w->start_token = true;
        w->intended_ns =
            r->rate_t0 + (uint64_t)(mt_pace_start_time(r->rate, r->opt->ramp_up, k) * 1e9);
        w->phase = PH_PAUSE;
        enqueue(w);
    }
}

static void start_rate(mt_runner *r, int workers)
{
    const mt_options *o = r->opt;
    if (o->rate <= 0 || workers <= 0) return;
    r->rate = o->rate / o->processes; /* each process its share */
    r->idle = mt_calloc((size_t)workers, sizeof(mt_rworker *));
    r->unready = workers; /* the schedule begins when they are all ready */
}

void mt_runner_begin(mt_runner *r, int workers)
{
    uv_update_time(r->loop); /* global_setup may have taken a while */
    r->started_at = mt_now_s();
    r->started_wall = mt_wall_now();
    double span = r->opt->duration + (mt_pace_per_worker_duration(r->opt) ? r->opt->ramp_up : 0);
    r->deadline_at = r->started_at + span;
    uv_timer_start(&r->deadline, on_deadline, (uint64_t)(span * 1000 + 0.5), 0);
    if (!r->is_child) uv_timer_start(&r->tick, on_tick, 1000, 1000);
    start_rate(r, workers);
    mt_runner_add_workers(r, workers);
}

int mt_runner_start(mt_runner *r, char *err, size_t errlen)
{
    int rc = mt_runner_global_setup(r, err, errlen);
    if (rc) return rc;
    mt_runner_begin(r, r->opt->workers);
    return MT_OK;
}

void mt_runner_stop(mt_runner *r)
{
    if (r->stopping) return;
    r->stopping = true;
    if (r->on_stop) r->on_stop(r);
    uv_timer_stop(&r->rate_timer);
    while (r->nidle) { /* idle workers go to their teardowns */
        mt_rworker *w = r->idle[--r->nidle];
        w->phase = PH_PAUSE;
        enqueue(w);
    }
    for (int i = 0; i < r->nworkers; i++) {
        mt_rworker *w = r->workers[i];
        if (w->phase == PH_WAIT_START) {
            uv_timer_stop(&w->timer);
            worker_done(w);
        } else if (w->phase == PH_PAUSE) {
            uv_timer_stop(&w->timer);
            enqueue(w);
        }
    }
}

static void abort_worker(mt_rworker *w)
{
    if (w->ctx.wait == MT_WAIT_OTHER && w->ctx.cancel_wait) w->ctx.cancel_wait(&w->ctx);
    w->ctx.cancel_wait = NULL;
    w->ctx.waiting_on = NULL;
    mt_exchange_abort(&w->ctx);
    w->ctx.wait = MT_WAIT_NONE;
    uv_timer_stop(&w->timer);
    mt_listeners_cancel(w);
    if (lua_status(w->ctx.co) != LUA_OK || lua_gettop(w->ctx.co)) lua_resetthread(w->ctx.co);
}

void mt_runner_abort(mt_runner *r)
{
    r->aborted = true;
    mt_runner_set_stop_reason(r, MT_STOP_ABORTED);
    mt_runner_stop(r);
    if (r->on_abort) r->on_abort(r);
    for (int i = 0; i < r->nworkers; i++) {
        mt_rworker *w = r->workers[i];
        if (w->phase == PH_DONE) continue;
        if (w->phase == PH_SCENARIO) mt_stats_scenario_cancelled(&r->stats, w->scenario);
        abort_worker(w);
        worker_done(w);
    }
    if (!r->finished && r->fixture->phase == PH_GLOBAL_TEARDOWN) {
        abort_worker(r->fixture);
        run_finished(r);
    }
}

void mt_runner_global_teardown(mt_runner *r)
{
    all_done(r);
}

int mt_runner_active_workers(const mt_runner *r)
{
    int n = r->remote_workers;
    for (int i = 0; i < r->nworkers; i++) {
        int ph = r->workers[i]->phase;
        if (ph == PH_SCENARIO || ph == PH_PAUSE || ph == PH_AFTER || ph == PH_SETUP_SESSION) n++;
    }
    return n;
}

static void on_worker_closed(uv_handle_t *h)
{
    free(h->data);
}

static void worker_free(mt_runner *r, mt_rworker *w)
{
    mt_exchange_free(&w->ctx);
    luaL_unref(r->script->L, LUA_REGISTRYINDEX, w->session_ref);
    luaL_unref(r->script->L, LUA_REGISTRYINDEX, w->co_ref);
    uv_close((uv_handle_t *)&w->timer, on_worker_closed);
}

void mt_runner_close(mt_runner *r)
{
    if (r->host.close_websockets) r->host.close_websockets(&r->host);
    for (int i = 0; i < r->nworkers; i++) {
        abort_worker(r->workers[i]);
        worker_free(r, r->workers[i]);
    }
    abort_worker(r->fixture);
    worker_free(r, r->fixture);
    free(r->workers);
    r->workers = NULL;
    uv_close((uv_handle_t *)&r->ready_idle, NULL);
    uv_close((uv_handle_t *)&r->deadline, NULL);
    uv_close((uv_handle_t *)&r->tick, NULL);
    uv_close((uv_handle_t *)&r->rate_timer, NULL);
    free(r->idle);
    r->idle = NULL;
    mt_engine_close(r->engine);
    mt_statsd_close(r->statsd);
    r->statsd = NULL;
    mt_stats_free(&r->stats);
    mt_stats_free(&r->fixture_stats);
    r->script->host = NULL;
}

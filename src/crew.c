/* crew.c: the runner's workers as things (crew.h): made with the worker
 * hooks (worker.h's emit, wake and sleep go on with a worker's phase),
 * aborted, freed. */
#include "molotov/crew.h"
#include "molotov/common.h"
#include "molotov/exchange.h"
#include "molotov/listeners.h"
#include "molotov/phases.h"

#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>

static void resume_main(mt_rworker *w)
{
    w->ctx.wait = MT_WAIT_NONE;
    mt_phases_resume(w, 0);
}

/* worker.h's emit: the listeners of a request event. */
static int emit_op(lua_State *L, mt_worker *c, const char *event, lua_KFunction k, lua_KContext ctx)
{
    return mt_listeners_emit(L, (mt_rworker *)c, event, k, ctx, resume_main);
}

/* worker.h's wake: an HTTP answer or a WebSocket's event. */
static void wake_op(mt_worker *c)
{
    mt_rworker *w = (mt_rworker *)c;
    w->ctx.wait = MT_WAIT_NONE;
    w->ctx.cancel_wait = NULL;
    w->ctx.waiting_on = NULL;
    mt_phases_resume(w, 0);
}

static void on_sleep_over(uv_timer_t *t)
{
    mt_rworker *w = t->data;
    w->ctx.wait = MT_WAIT_NONE;
    mt_phases_resume(w, 0);
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

void mt_crew_abort(mt_rworker *w)
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

mt_rworker *mt_crew_new(mt_runner *r, int id)
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
    mt_phases_coroutine(w);
    if (mt_exchange_init(&w->ctx)) {
        fprintf(stderr, "molotov: libcurl could not create a handle\n");
        abort();
    }
    uv_timer_init(r->loop, &w->timer);
    w->timer.data = w;
    return w;
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

void mt_crew_close(mt_runner *r)
{
    for (int i = 0; i < r->nworkers; i++) {
        mt_crew_abort(r->workers[i]);
        worker_free(r, r->workers[i]);
    }
    mt_crew_abort(r->fixture);
    worker_free(r, r->fixture);
    free(r->workers);
    r->workers = NULL;
}

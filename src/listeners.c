/* listeners.c: a worker's event listeners, in a coroutine of its own
 * (listeners.h). A listener that fails or yields bare is reported and the
 * next one goes on; one that runs away under the busy check drops them. */
#include "molotov/listeners.h"

#include <lauxlib.h>
#include <stdio.h>

static void report_listener(const char *event, lua_State *L)
{
    static int reported;
    if (reported++ < 20)
        fprintf(stderr, "molotov: event listener failed on %s: %s\n", event,
                luaL_tolstring(L, -1, NULL));
    lua_pop(L, 1);
}

/* Calls every listener with (event, info) = the two arguments; one that
 * waits suspends this coroutine, and the loop goes on from the next. */
static int listeners_k(lua_State *L, int status, lua_KContext next)
{
    mt_script *s = lua_touserdata(L, lua_upvalueindex(1));
    if (status != LUA_OK && status != LUA_YIELD) report_listener(lua_tostring(L, 1), L);
    while (next < s->nlisteners) {
        lua_rawgeti(L, LUA_REGISTRYINDEX, s->listeners[next++]);
        lua_pushvalue(L, 1);
        lua_pushvalue(L, 2);
        if (lua_pcallk(L, 2, 0, 0, next, listeners_k) != LUA_OK)
            report_listener(lua_tostring(L, 1), L);
    }
    return 0;
}

static int listeners(lua_State *L)
{
    return listeners_k(L, LUA_OK, 0);
}

static void listeners_done(mt_rworker *w)
{
    luaL_unref(w->ctx.host->script->L, LUA_REGISTRYINDEX, w->lco_ref);
    w->ctx.lco = NULL;
    w->lco_ref = LUA_NOREF;
    void (*then)(mt_rworker *) = w->after_listeners;
    w->after_listeners = NULL;
    if (then) then(w);
}

bool mt_listeners_resume(mt_rworker *w, int nargs)
{
    int nres = 0, st, bare = 0;
    do { /* a bare coroutine.yield() in a listener: reported, and it goes on */
        if (bare) {
            lua_pushliteral(w->ctx.lco, "coroutine.yield() cannot suspend a listener");
            report_listener(w->event, w->ctx.lco);
        }
        mt_busy_enter(&w->busy);
        st = lua_resume(w->ctx.lco, w->ctx.host->script->L, nargs, &nres);
        mt_busy_leave(&w->busy);
        nargs = 0;
    } while (st == LUA_YIELD && w->ctx.wait == MT_WAIT_NONE && !w->busy.expired && ++bare < 100);
    if (st == LUA_YIELD && w->ctx.wait != MT_WAIT_NONE) return true;
    if (st == LUA_YIELD && w->busy.expired) { /* an endless loop: the listeners are dropped */
        lua_pushstring(w->ctx.lco, mt_busy_message());
        report_listener(w->event, w->ctx.lco);
    } else if (st != LUA_OK && st != LUA_YIELD) {
        report_listener(w->event, w->ctx.lco);
    }
    listeners_done(w);
    return false;
}

void mt_listeners_run(mt_rworker *w, lua_State *from, const char *event, void (*then)(mt_rworker *))
{
    mt_script *s = w->ctx.host->script;
    if (!s->nlisteners || w->ctx.lco) {
        lua_pop(from, 1);
        then(w);
        return;
    }
    lua_State *L = s->L;
    w->ctx.lco = lua_newthread(L);
    mt_worker_bind(w->ctx.lco, &w->ctx);
    mt_busy_watch(w->ctx.lco); /* the busy check too */
    snprintf(w->event, sizeof w->event, "%s", event);
    w->lco_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    w->after_listeners = then;
    lua_pushlightuserdata(w->ctx.lco, s);
    lua_pushcclosure(w->ctx.lco, listeners, 1);
    lua_pushstring(w->ctx.lco, event);
    lua_xmove(from, w->ctx.lco, 1);
    mt_listeners_resume(w, 2);
}

void mt_listeners_cancel(mt_rworker *w)
{
    if (!w->ctx.lco) return;
    w->after_listeners = NULL;
    listeners_done(w);
}

/* The info table of a scenario event, on top of the worker's coroutine. */
static void push_scenario_info(mt_rworker *w, const char *exception)
{
    mt_script *s = w->ctx.host->script;
    lua_State *co = w->ctx.co;
    lua_createtable(co, 0, 3);
    lua_rawgeti(co, LUA_REGISTRYINDEX, s->scenarios[w->scenario].info_ref);
    lua_setfield(co, -2, "scenario");
    lua_pushinteger(co, w->ctx.id);
    lua_setfield(co, -2, "wid");
    if (exception) {
        lua_pushstring(co, exception);
        lua_setfield(co, -2, "exception");
    }
}

void mt_listeners_scenario(mt_rworker *w, const char *event, const char *exception,
                           void (*then)(mt_rworker *))
{
    if (!w->ctx.host->script->nlisteners) {
        then(w);
        return;
    }
    push_scenario_info(w, exception);
    mt_listeners_run(w, w->ctx.co, event, then);
}

int mt_listeners_emit(lua_State *L, mt_rworker *w, const char *event, lua_KFunction k,
                      lua_KContext ctx, void (*go_on)(mt_rworker *))
{
    mt_listeners_run(w, L, event, NULL);
    if (!w->ctx.lco) return k(L, LUA_OK, ctx); /* they did not wait */
    w->after_listeners = go_on; /* their wait (HTTP, sleep) is the worker's meanwhile */
    return lua_yieldk(L, 0, ctx, k);
}

/* worker.c: the worker context (worker.h): which worker a Lua thread
 * belongs to, the runner's hooks called through it, and molotov.sleep. */
#include "molotov/worker.h"

#include <lauxlib.h>

mt_worker *mt_worker_of(lua_State *L)
{
    return *(mt_worker **)lua_getextraspace(L);
}

void mt_worker_bind(lua_State *L, mt_worker *w)
{
    *(mt_worker **)lua_getextraspace(L) = w;
}

int mt_worker_emit(lua_State *L, mt_worker *w, const char *event, lua_KFunction k, lua_KContext ctx)
{
    return w->ops->emit(L, w, event, k, ctx);
}

void mt_worker_wake(mt_worker *w)
{
    w->ops->wake(w);
}

int mt_worker_sleep(lua_State *L, mt_worker *w, double seconds)
{
    return w->ops->sleep(L, w, seconds);
}

static int l_sleep(lua_State *L)
{
    double s = luaL_checknumber(L, 1);
    luaL_argcheck(L, s >= 0 && s < 1e9, 1, "seconds must be >= 0");
    mt_worker *w = mt_worker_of(L);
    if (!w || !lua_isyieldable(L))
        return luaL_error(L, "molotov.sleep can only be called from a scenario or a fixture");
    return mt_worker_sleep(L, w, s);
}

void mt_worker_register(lua_State *L)
{
    lua_pushcfunction(L, l_sleep);
    lua_setfield(L, -2, "sleep");
}

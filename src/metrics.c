/* metrics.c: molotov.statsd (metrics.h). The functions reach the client of
 * the run (its mt_host) that runs the script when they are called, so they work from
 * scenarios, fixtures and listeners alike, in every process of a pool. */
#include "molotov/metrics.h"
#include "molotov/statsd.h"
#include "molotov/worker.h"

#include <lauxlib.h>
#include <string.h>

static mt_statsd *client(lua_State *L)
{
    mt_script *s = lua_touserdata(L, lua_upvalueindex(1));
    mt_host *h = s ? s->host : NULL;
    return h ? h->statsd : NULL;
}

static int send_metric(lua_State *L, const char *type, double value)
{
    const char *name = luaL_checkstring(L, 1);
    luaL_argcheck(L, *name && !strpbrk(name, ":|\n"), 1,
                  "a metric name without ':', '|' or line breaks");
    mt_statsd *c = client(L);
    if (c) mt_statsd_send(c, name, value, type);
    return 0;
}

static int l_incr(lua_State *L)
{
    return send_metric(L, "c", luaL_optnumber(L, 2, 1));
}

static int l_gauge(lua_State *L)
{
    return send_metric(L, "g", luaL_checknumber(L, 2));
}

static int l_timing(lua_State *L)
{
    return send_metric(L, "ms", luaL_checknumber(L, 2));
}

void mt_metrics_register(lua_State *L, mt_script *s, bool statsd)
{
    if (!statsd) return;
    static const luaL_Reg fns[] = {
        {"incr", l_incr}, {"gauge", l_gauge}, {"timing", l_timing}, {NULL, NULL}};
    lua_createtable(L, 0, 3);
    lua_pushlightuserdata(L, s);
    luaL_setfuncs(L, fns, 1);
    lua_setfield(L, -2, "statsd");
}

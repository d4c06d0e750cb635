/* luamod.c: the `molotov` Lua module assembled in one place (luamod.h):
 * the modules that add to it are called from here, so none of them reaches
 * up into another to register itself. */
#include "molotov/luamod.h"
#include "molotov/metrics.h"
#include "molotov/session.h"
#include "molotov/worker.h"

void mt_luamod_register(lua_State *L, mt_script *s)
{
    mt_worker_register(L);
    mt_session_register(L);
    mt_metrics_register(L, s, s->opt->statsd);
}

int mt_luamod_load(const mt_options *o, mt_script **out, char *err, size_t errlen)
{
    return mt_script_load(o, mt_luamod_register, out, err, errlen);
}

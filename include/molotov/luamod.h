/* luamod.h: the `molotov` Lua module assembled in one place: script.c's
 * registrations (scenario, fixtures, events, vars, args, json, version),
 * then molotov.sleep (worker.c), the session, response and WebSocket
 * objects and molotov.request (session.c), and molotov.statsd (metrics.c). */
#ifndef MOLOTOV_LUAMOD_H
#define MOLOTOV_LUAMOD_H

#include "molotov/script.h"

#include <lua.h>

/* Adds every piece but script.c's to the module table on top of L. */
void mt_luamod_register(lua_State *L, mt_script *s);

/* mt_script_load with the whole module. */
int mt_luamod_load(const mt_options *o, mt_script **out, char *err, size_t errlen);

#endif

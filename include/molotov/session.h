/* session.h: the Lua session of a worker (verbs, options, cookie jar,
 * keep-alive) and molotov.request. An HTTP call yields the worker's
 * coroutine; the loop resumes it when the transfer ends. */
#ifndef MOLOTOV_SESSION_H
#define MOLOTOV_SESSION_H

#include "molotov/worker.h"

#include <lua.h>

/* Pushes a new session for w. `defaults_idx` is setup's returned table of
 * session options, or 0. Raises a Lua error on a bad option. */
void mt_session_push(lua_State *L, mt_worker *w, int defaults_idx);

/* Creates the metatables and adds molotov.request to the module table on
 * top of L. */
void mt_session_register(lua_State *L);

#endif

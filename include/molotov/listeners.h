/* listeners.h: a worker's event listeners (molotov.events), run in a
 * coroutine of the worker's own so they may sleep and make requests;
 * inside them nothing fires events. While they wait, the worker's own
 * coroutine waits too. */
#ifndef MOLOTOV_LISTENERS_H
#define MOLOTOV_LISTENERS_H

#include "molotov/rworker.h"

#include <lua.h>
#include <stdbool.h>

/* Runs the listeners of event with the info on top of `from` (moved);
 * then(w) once they are done (at once without listeners). */
void mt_listeners_run(mt_rworker *w, lua_State *from, const char *event,
                      void (*then)(mt_rworker *));

/* A scenario event (scenario_start, _success, _failure with exception):
 * its info, the listeners, then `then`. */
void mt_listeners_scenario(mt_rworker *w, const char *event, const char *exception,
                           void (*then)(mt_rworker *));

/* worker.h's emit for a request event on L, the worker's coroutine: when
 * the listeners wait, L yields and go_on(w) resumes it once they are done. */
int mt_listeners_emit(lua_State *L, mt_rworker *w, const char *event, lua_KFunction k,
                      lua_KContext ctx, void (*go_on)(mt_rworker *));

/* Resumes the listeners' coroutine (nargs values on it); true while they wait. */
bool mt_listeners_resume(mt_rworker *w, int nargs);

/* Drops the listeners that run (an abort): nothing follows them. */
void mt_listeners_cancel(mt_rworker *w);

#endif

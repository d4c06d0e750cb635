/* crew.h: the runner's workers as things: made (with the worker hooks,
 * worker.h's emit, wake and sleep, that the modules running Lua on them
 * call), aborted, freed. Their life is phases.h's. */
#ifndef MOLOTOV_CREW_H
#define MOLOTOV_CREW_H

#include "molotov/run.h"

/* A new worker of r (id -1: the fixture worker), in phase MT_PH_NEW, with
 * its coroutine, its requests' slots and its timer. Aborts when libcurl
 * cannot make a handle. */
mt_rworker *mt_crew_new(mt_runner *r, int id);

/* Cancels what w waits on (HTTP, sleep, a WebSocket, its listeners) and
 * resets its coroutine; nothing of its phase follows. */
void mt_crew_abort(mt_rworker *w);

/* Aborts and frees every worker of r and the fixture worker (their
 * timers close: run the loop afterwards). */
void mt_crew_close(mt_runner *r);

#endif

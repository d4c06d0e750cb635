/* worker.h: what a worker is to the modules that run Lua on it (session,
 * exchange, ws, metrics): its id, its Lua threads, what it waits on, the
 * run it belongs to (the loop, the transport, the options it reads, the
 * statistics and StatsD client it records into), and the runner's hooks
 * (emit, wake, sleep) as function pointers. The runner fills it in;
 * nothing here reaches the runner itself. */
#ifndef MOLOTOV_WORKER_H
#define MOLOTOV_WORKER_H

#include "molotov/options.h"
#include "molotov/script.h"
#include "molotov/stats.h"
#include "molotov/statsd.h"
#include "molotov/transport.h"

#include <lua.h>
#include <stdbool.h>
#include <uv.h>

enum mt_wait { MT_WAIT_NONE, MT_WAIT_HTTP, MT_WAIT_SLEEP, MT_WAIT_OTHER };

/* What the workers of a process share (the runner owns it). */
typedef struct mt_host {
    uv_loop_t *loop;
    mt_engine *engine;
    mt_script *script;
    const mt_options *opt;
    mt_stats *stats;                             /* the run's statistics */
    mt_statsd *statsd;                           /* --statsd, or NULL */
    void *websockets;                            /* the open ones (ws.c's list) */
    void (*close_websockets)(struct mt_host *h); /* before the engine closes */
} mt_host;

typedef struct mt_worker mt_worker;

/* The runner's side of a worker, called by the modules above. */
typedef struct {
    /* From a C function of the worker's coroutine L: runs the listeners of
     * `event` with the info table on top of L (popped) in a coroutine of
     * the worker's own, so they may sleep and make requests (which fire no
     * events themselves). Returns k(L, LUA_OK, ctx) when they are done at
     * once, else suspends L until they are, then continues with k. */
    int (*emit)(lua_State *L, mt_worker *w, const char *event, lua_KFunction k, lua_KContext ctx);
    /* Resumes a worker that waited (HTTP, MT_WAIT_OTHER); from the loop,
     * never from inside a transport callback. */
    void (*wake)(mt_worker *w);
    /* Suspends the running worker for `seconds`. */
    int (*sleep)(lua_State *L, mt_worker *w, double seconds);
} mt_worker_ops;

struct mt_exchange; /* the requests of a worker (exchange.h) */

struct mt_worker {
    int id; /* unique across the run; -1 for the fixture worker */
    mt_host *host;
    const mt_worker_ops *ops;
    mt_stats *stats; /* where its requests are counted (the fixture's apart) */
    lua_State *co;   /* its coroutine */
    lua_State *lco;  /* its listeners' coroutine while they run (no events then), or NULL */
    long step;       /* scenarios started */
    int wait;        /* enum mt_wait: why the coroutine yielded */
    void (*cancel_wait)(mt_worker *w); /* MT_WAIT_OTHER: stops what it waits on */
    void *waiting_on;                  /* that thing (a WebSocket) */
    bool reached_network;              /* the scenario run has sent a request (runaway check) */
    struct mt_exchange *exchange;      /* its HTTP slots and request in flight */
};

/* The worker running on thread L, or NULL when L is not a worker's thread. */
mt_worker *mt_worker_of(lua_State *L);

/* Makes L a thread of w (mt_worker_of(L) == w). */
void mt_worker_bind(lua_State *L, mt_worker *w);

/* The hooks, through w->ops. */
int mt_worker_emit(lua_State *L, mt_worker *w, const char *event, lua_KFunction k,
                   lua_KContext ctx);
void mt_worker_wake(mt_worker *w);
int mt_worker_sleep(lua_State *L, mt_worker *w, double seconds);

/* Registers molotov.sleep in the module table on top of L. */
void mt_worker_register(lua_State *L);

#endif

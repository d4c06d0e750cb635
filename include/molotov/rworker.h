/* rworker.h: a worker as the runner drives it, shared by runner.c and its
 * parts (phases, outcome, schedule, listeners): the context the modules
 * above see (worker.h), then its phase, timer, busy check, listeners and
 * run bookkeeping. */
#ifndef MOLOTOV_RWORKER_H
#define MOLOTOV_RWORKER_H

#include "molotov/busy.h"
#include "molotov/worker.h"

#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

struct mt_runner;

/* Where a worker is in its life (phases.c). */
enum mt_phase {
    MT_PH_NEW,
    MT_PH_WAIT_START, /* its ramp-up offset has not come */
    MT_PH_SETUP,
    MT_PH_SETUP_SESSION,
    MT_PH_SCENARIO,
    MT_PH_PAUSE,
    MT_PH_AFTER, /* its run ended; its scenario_success/failure listeners run */
    MT_PH_IDLE,  /* --rate: waiting for a start */
    MT_PH_TEARDOWN_SESSION,
    MT_PH_TEARDOWN,
    MT_PH_DONE,
    MT_PH_GLOBAL_SETUP,
    MT_PH_GLOBAL_TEARDOWN,
};

typedef struct mt_rworker {
    mt_worker ctx; /* worker.h's part: first, so a context is its worker */
    struct mt_runner *runner;
    int co_ref;
    int session_ref; /* LUA_NOREF until setup returned */
    int phase;       /* enum mt_phase */
    uv_timer_t timer;
    int scenario;         /* index of the scenario running */
    uint64_t scenario_t0; /* when it started (monotonic ns) */
    mt_busy busy;         /* the busy check of its Lua */
    double deadline_at;   /* --ramp-up: its own end (-d after its start), or 0 */
    char event[32];       /* the event its listeners run for */
    int lco_ref;
    void (*after_listeners)(struct mt_rworker *w); /* what the worker does once they are done */
    char fail_msg[1024];  /* the failure a scenario_failure listener is told about */
    double fail_took;     /* how long that run took, s */
    int instant_failures; /* scenario runs in a row that failed before sending one */
    bool setup_ok;
    bool queued;
    bool start_token;     /* --rate: a start was given to this worker */
    bool ready;           /* its setup fixtures are over (--rate counts it) */
    uint64_t intended_ns; /* when that start was due */
    struct mt_rworker *next_ready;
} mt_rworker;

#endif

/* runner.h: the workers of one process and the run loop that drives them:
 * fixtures, scenario picking, duration, max runs, ramp-up, delays, stops.
 * Workers can be added while running, so a controller can grow the run. */
#ifndef MOLOTOV_RUNNER_H
#define MOLOTOV_RUNNER_H

#include "molotov/options.h"
#include "molotov/runaway.h"
#include "molotov/rworker.h"
#include "molotov/script.h"
#include "molotov/stats.h"
#include "molotov/statsd.h"
#include "molotov/transport.h"

#include <lua.h>
#include <stdbool.h>
#include <uv.h>

typedef struct mt_runner mt_runner;

/* Why a run ended (mt_stop_reason_name names them for the reports). */
typedef enum {
    MT_STOP_COMPLETED,     /* its duration, -r or --single-run: the planned end */
    MT_STOP_INTERRUPTED,   /* Ctrl-C or SIGTERM; in-flight work finished */
    MT_STOP_FIRST_FAILURE, /* -x */
    MT_STOP_FAIL_REACHED,  /* --abort-after N */
    MT_STOP_SIZING,        /* --sizing found its limit */
    MT_STOP_NO_SUCCESS,    /* runs kept failing before sending anything */
    MT_STOP_ABORTED,       /* in-flight work cancelled (second Ctrl-C, grace over) */
    MT_STOP_SETUP_FAILED,  /* setup, setup_session or scenario_picker failed */
    MT_STOP_CRASHED,       /* a worker process died */
} mt_stop_reason;

const char *mt_stop_reason_name(mt_stop_reason r);

struct mt_runner {
    uv_loop_t *loop;
    mt_engine *engine;
    mt_script *script;
    const mt_options *opt;
    mt_stats stats;
    mt_stats fixture_stats; /* global_setup / global_teardown's requests, kept apart */
    mt_statsd *statsd;      /* --statsd, or NULL */
    mt_host host;           /* what its workers share (worker.h) */
    mt_rworker **workers;
    int nworkers, running;
    int first_id;        /* id of this process's first worker */
    double ramp_offset;  /* s: a pool's children interleave their ramps */
    mt_rworker *fixture; /* runs global_setup / global_teardown */
    mt_rworker *ready_head, *ready_tail;
    uv_idle_t ready_idle;
    uv_timer_t deadline;
    uv_timer_t tick;       /* current_workers events, every second */
    uv_timer_t rate_timer; /* --rate: issues the starts */
    double rate;           /* this process's starts per second */
    uint64_t rate_t0;      /* monotonic ns the open model began */
    uint64_t rate_issued;  /* starts due so far (given or dropped) */
    mt_rworker **idle;     /* workers waiting for a start */
    int nidle;
    int unready;                 /* --rate: workers still in their setup fixtures */
    double started_at, ended_at; /* monotonic seconds */
    double deadline_at;
    double started_wall; /* Unix time the load started, for reports */
    double ended_wall;   /* and ended */
    mt_stop_reason stop_reason;
    bool stop_reason_set;
    mt_runaway runaway;  /* runs in a row that failed at once before sending */
    double runaway_told; /* a pool's child: when it last told the main process */
    bool stopping;       /* no new scenarios */
    bool aborted;        /* in-flight work cancelled, fixtures skipped */
    bool global_setup_done;
    char global_setup_err[1024];
    bool interrupted; /* by a signal */
    bool fatal;       /* setup failed / -x tripped / -f reached */
    bool finished;
    bool is_child;      /* a worker process of a pool: no global fixtures here */
    int remote_workers; /* in a pool's main process: the children's active workers */
    char fatal_msg[1024];
    void (*on_finished)(mt_runner *r); /* after global_teardown */
    void (*on_stop)(mt_runner *r);     /* after mt_runner_stop (a pool broadcasts it) */
    void (*on_abort)(mt_runner *r);    /* after mt_runner_abort */
    void (*on_fatal)(mt_runner *r);    /* when fatal is first set (-x, -f, setup failed) */
    void (*on_runaway)(mt_runner *r, const char *why); /* a child's runaway streak */
    void *data;
};

/* Prepares a runner for `script` on `loop`. Returns MT_OK or MT_ECURL/MT_EUV. */
int mt_runner_init(mt_runner *r, uv_loop_t *loop, mt_script *script, const mt_options *o);

/* Runs global_setup (running the loop meanwhile). Returns MT_OK, MT_ESCRIPT
 * with err filled when it failed, or MT_ESTOPPED when a signal stopped it. */
int mt_runner_global_setup(mt_runner *r, char *err, size_t errlen);

/* Starts the clock, the deadline and `workers` workers (with ramp-up). */
void mt_runner_begin(mt_runner *r, int workers);

/* mt_runner_global_setup, then mt_runner_begin with -w workers. */
int mt_runner_start(mt_runner *r, char *err, size_t errlen);

/* Runs global_teardown (unless aborted), then on_finished. Called by the
 * runner itself when its last worker is done; a pool's main process, which
 * has no workers, calls it when its children are done. */
void mt_runner_global_teardown(mt_runner *r);

/* Adds n workers now (they run setup first). */
void mt_runner_add_workers(mt_runner *r, int n);

/* Stops starting scenarios; in-flight ones finish, then teardowns run. */
void mt_runner_stop(mt_runner *r);

/* Records why the run failed (first reason wins) and stops it. */
void mt_runner_fatal(mt_runner *r, mt_stop_reason why, const char *msg);

/* Records why the run ended, unless a reason is already set (an abort
 * replaces "interrupted"). */
void mt_runner_set_stop_reason(mt_runner *r, mt_stop_reason why);

/* Cancels everything in flight at once and skips the remaining fixtures. */
void mt_runner_abort(mt_runner *r);

/* The process exit code the run's outcome calls for: 130 when
 * interrupted, 1 when a criterion failed or no scenario run succeeded,
 * else 0. */
int mt_runner_exit_code(const mt_runner *r);

/* Workers that are set up and not done. */
int mt_runner_active_workers(const mt_runner *r);

/* Frees the runner's handles; run the loop afterwards to let them close. */
void mt_runner_close(mt_runner *r);

#endif

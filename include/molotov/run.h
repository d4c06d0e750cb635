/* run.h: a run's state (mt_runner), shared by runner.c, which drives the
 * run, and its parts below it (phases, outcome, schedule): the workers, the
 * ready queue, the schedule's timers, the stop and its reason, the hooks
 * its owner sets (on_finished...) and the run's own hooks (mt_run_ops),
 * through which the parts tell runner.c what they cannot do themselves. */
#ifndef MOLOTOV_RUN_H
#define MOLOTOV_RUN_H

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

/* What the parts below the runner tell it; runner.c fills them in. */
typedef struct mt_run_ops {
    void (*stop)(mt_runner *r); /* no new scenarios (mt_runner_stop) */
    void (*fatal)(mt_runner *r, mt_stop_reason why, const char *msg); /* mt_runner_fatal */
    void (*all_done)(mt_runner *r);                                   /* the last worker is done */
    void (*finished)(mt_runner *r);  /* global_teardown is over (or failed) */
    void (*all_ready)(mt_runner *r); /* --rate: every worker is through its setup */
} mt_run_ops;

struct mt_runner {
    const mt_run_ops *ops; /* runner.c's */
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
    bool workers_moved; /* a worker started its first run since the last sample */
    char fatal_msg[1024];
    void (*on_finished)(mt_runner *r); /* after global_teardown */
    void (*on_stop)(mt_runner *r);     /* after mt_runner_stop (a pool broadcasts it) */
    void (*on_abort)(mt_runner *r);    /* after mt_runner_abort */
    void (*on_fatal)(mt_runner *r);    /* when fatal is first set (-x, -f, setup failed) */
    void (*on_runaway)(mt_runner *r, const char *why); /* a child's runaway streak */
    void *data;
};

#endif

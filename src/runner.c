/* runner.c: a run of one process (runner.h): its lifecycle (init, the
 * global fixtures, begin, stop, abort, the end, close), its outcome (the
 * stop reason, fatal, the exit code) and the run hooks its parts call
 * (run.h). A worker is crew.c's, its life phases.c's, the end of a
 * scenario run outcome.c's, the timers schedule.c's. */
#include "molotov/runner.h"
#include "molotov/common.h"
#include "molotov/crew.h"
#include "molotov/phases.h"
#include "molotov/picker.h"
#include "molotov/schedule.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *mt_stop_reason_name(mt_stop_reason r)
{
    static const char *const names[] = {
        [MT_STOP_COMPLETED] = "completed",
        [MT_STOP_INTERRUPTED] = "interrupted",
        [MT_STOP_FIRST_FAILURE] = "first failure (-x)",
        [MT_STOP_FAIL_REACHED] = "--abort-after reached",
        [MT_STOP_SIZING] = "sizing stop",
        [MT_STOP_NO_SUCCESS] = "no success",
        [MT_STOP_ABORTED] = "aborted",
        [MT_STOP_SETUP_FAILED] = "setup failed",
        [MT_STOP_CRASHED] = "worker process crashed",
    };
    return (size_t)r < sizeof names / sizeof *names ? names[r] : "unknown";
}

void mt_runner_set_stop_reason(mt_runner *r, mt_stop_reason why)
{
    bool abort_after_interrupt = why == MT_STOP_ABORTED && r->stop_reason == MT_STOP_INTERRUPTED;
    if (r->stop_reason_set && !abort_after_interrupt) return;
    r->stop_reason = why;
    r->stop_reason_set = true;
}

/* The run hook finished: global_teardown is over, or there was none. */
static void run_finished(mt_runner *r)
{
    r->finished = true;
    r->ended_at = mt_now_s();
    r->ended_wall = mt_wall_now();
    mt_schedule_end(r);
    if (r->on_finished) r->on_finished(r);
}

/* The run hook all_done: the last worker is done. */
static void all_done(mt_runner *r)
{
    if (r->aborted || r->is_child || !mt_phases_global_teardown(r->fixture)) run_finished(r);
}

void mt_runner_fatal(mt_runner *r, mt_stop_reason why, const char *msg)
{
    if (!r->fatal) {
        snprintf(r->fatal_msg, sizeof(r->fatal_msg), "%s", msg);
        r->fatal = true;
        mt_runner_set_stop_reason(r, why);
        if (r->on_fatal) r->on_fatal(r);
    }
    mt_runner_stop(r);
}

int mt_runner_exit_code(const mt_runner *r)
{
    const mt_options *o = r->opt;
    if (r->interrupted) return MT_EXIT_INTERRUPTED;
    if (r->fatal) return 1;
    if ((o->single_run || o->single_mode) && r->stats.failures) return 1;
    if (o->fail && r->stats.failures >= (uint64_t)o->fail) return 1; /* Molotov's -f */
    if (r->stats.successes == 0) return 1; /* nothing the run set out to do worked */
    return 0;
}

static const mt_run_ops run_ops = {.stop = mt_runner_stop,
                                   .fatal = mt_runner_fatal,
                                   .all_done = all_done,
                                   .finished = run_finished,
                                   .all_ready = mt_schedule_begin_rate};

int mt_runner_init(mt_runner *r, uv_loop_t *loop, mt_script *script, const mt_options *o)
{
    memset(r, 0, sizeof(*r));
    r->ops = &run_ops;
    r->loop = loop;
    r->script = script;
    r->opt = o;
    mt_stats_init(&r->stats, script->nscenarios);
    mt_stats_init(&r->fixture_stats, 0);
    int rc = mt_engine_new(loop, 100, &r->engine);
    if (rc) return rc;
    mt_phases_init(r);
    mt_schedule_init(r);
    mt_picker_seed((uint64_t)mt_now_ns() ^ ((uint64_t)getpid() << 32) ^ 0x9e3779b97f4a7c15ull);
    if (o->statsd) {
        char err[256]; /* the address was checked before the run: this cannot fail twice */
        if (mt_statsd_open(o->statsd_address, &r->statsd, err, sizeof(err))) r->statsd = NULL;
    }
    r->host = (mt_host){.loop = loop,
                        .engine = r->engine,
                        .script = script,
                        .opt = o,
                        .stats = &r->stats,
                        .statsd = r->statsd};
    script->host = &r->host;
    r->fixture = mt_crew_new(r, -1);
    return MT_OK;
}

int mt_runner_global_setup(mt_runner *r, char *err, size_t errlen)
{
    if (!mt_phases_global_setup(r->fixture)) return MT_OK;
    while (!r->global_setup_done && !r->interrupted) uv_run(r->loop, UV_RUN_ONCE);
    if (r->interrupted && !r->global_setup_done) {
        snprintf(err, errlen, "global_setup interrupted");
        return MT_ESTOPPED;
    }
    if (r->global_setup_err[0]) {
        snprintf(err, errlen, "global_setup failed: %s", r->global_setup_err);
        return MT_ESCRIPT;
    }
    return MT_OK;
}

void mt_runner_add_workers(mt_runner *r, int n)
{
    r->workers = mt_realloc(r->workers, sizeof(mt_rworker *) * (size_t)(r->nworkers + n));
    for (int i = 0; i < n; i++) {
        int local = r->nworkers;
        mt_rworker *w = mt_crew_new(r, r->first_id + local);
        r->workers[r->nworkers++] = w;
        r->running++;
        mt_schedule_worker(w, local);
    }
}

void mt_runner_begin(mt_runner *r, int workers)
{
    uv_update_time(r->loop); /* global_setup may have taken a while */
    r->started_at = mt_now_s();
    r->started_wall = mt_wall_now();
    mt_schedule_begin(r, workers);
    mt_runner_add_workers(r, workers);
}

int mt_runner_start(mt_runner *r, char *err, size_t errlen)
{
    int rc = mt_runner_global_setup(r, err, errlen);
    if (rc) return rc;
    mt_runner_begin(r, r->opt->workers);
    return MT_OK;
}

void mt_runner_stop(mt_runner *r)
{
    if (r->stopping) return;
    mt_phases_sample_workers(r); /* the last second's, before they wind down */
    r->stopping = true;
    if (r->on_stop) r->on_stop(r);
    mt_schedule_stop(r);
    mt_phases_stop(r);
}

void mt_runner_abort(mt_runner *r)
{
    r->aborted = true;
    mt_runner_set_stop_reason(r, MT_STOP_ABORTED);
    mt_runner_stop(r);
    if (r->on_abort) r->on_abort(r);
    for (int i = 0; i < r->nworkers; i++) {
        mt_rworker *w = r->workers[i];
        if (w->phase == MT_PH_DONE) continue;
        if (w->phase == MT_PH_SCENARIO) mt_stats_scenario_cancelled(&r->stats, w->scenario);
        mt_crew_abort(w);
        mt_phases_done(w);
    }
    if (!r->finished && r->fixture->phase == MT_PH_GLOBAL_TEARDOWN) {
        mt_crew_abort(r->fixture);
        run_finished(r);
    }
}

void mt_runner_global_teardown(mt_runner *r)
{
    all_done(r);
}

int mt_runner_active_workers(const mt_runner *r)
{
    return mt_phases_active(r);
}

void mt_runner_close(mt_runner *r)
{
    if (r->host.close_websockets) r->host.close_websockets(&r->host);
    mt_crew_close(r);
    mt_phases_close(r);
    mt_schedule_close(r);
    mt_engine_close(r->engine);
    mt_statsd_close(r->statsd);
    r->statsd = NULL;
    mt_stats_free(&r->stats);
    mt_stats_free(&r->fixture_stats);
    r->script->host = NULL;
}

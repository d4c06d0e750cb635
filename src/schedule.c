/* schedule.c: a run's timers (schedule.h): the deadline, the tick, the
 * ramp-up's starts and --rate's open model over the idle workers. */
#include "molotov/schedule.h"
#include "molotov/common.h"
#include "molotov/crew.h"
#include "molotov/pace.h"
#include "molotov/phases.h"

#include <stdlib.h>

void mt_schedule_init(mt_runner *r)
{
    uv_timer_init(r->loop, &r->deadline);
    r->deadline.data = r;
    uv_timer_init(r->loop, &r->tick);
    r->tick.data = r;
    uv_timer_init(r->loop, &r->rate_timer);
    r->rate_timer.data = r;
}

/* --force-shutdown: scenarios still running at the deadline are cancelled
 * (counted neither way); their workers go on to their teardowns. */
static void cancel_scenarios(mt_runner *r)
{
    for (int i = 0; i < r->nworkers; i++) {
        mt_rworker *w = r->workers[i];
        if (w->ctx.wait == MT_WAIT_NONE || (w->phase != MT_PH_SCENARIO && w->phase != MT_PH_AFTER))
            continue;
        bool counted = w->phase == MT_PH_AFTER; /* its run ended; its listeners were waiting */
        mt_crew_abort(w);
        if (!counted) mt_stats_scenario_cancelled(&r->stats, w->scenario);
        mt_phases_teardown_session(w);
    }
}

static void on_deadline(uv_timer_t *t)
{
    mt_runner *r = t->data;
    r->ops->stop(r);
    if (r->opt->force_shutdown) cancel_scenarios(r);
}

static void on_tick(uv_timer_t *t)
{
    mt_runner *r = t->data;
    mt_stats_seal(&r->stats, mt_wall_s() - 3); /* late reports from children still fit */
    mt_phases_sample_workers(r);               /* children's too */
    if (!r->script->nlisteners) return;
    lua_State *L = r->script->L;
    lua_createtable(L, 0, 1);
    lua_pushinteger(L, mt_phases_active(r));
    lua_setfield(L, -2, "workers");
    mt_script_emit(r->script, L, "current_workers", -1);
    lua_pop(L, 1);
}

static void start_rate(mt_runner *r, int workers)
{
    const mt_options *o = r->opt;
    if (o->rate <= 0 || workers <= 0) return;
    r->rate = o->rate / o->processes; /* each process its share */
    r->idle = mt_calloc((size_t)workers, sizeof(mt_rworker *));
    r->unready = workers; /* the schedule begins when they are all ready */
}

void mt_schedule_begin(mt_runner *r, int workers)
{
    double span = r->opt->duration + (mt_pace_per_worker_duration(r->opt) ? r->opt->ramp_up : 0);
    r->deadline_at = r->started_at + span;
    uv_timer_start(&r->deadline, on_deadline, (uint64_t)(span * 1000 + 0.5), 0);
    if (!r->is_child) uv_timer_start(&r->tick, on_tick, 1000, 1000);
    start_rate(r, workers);
}

static void on_ramp(uv_timer_t *t)
{
    mt_rworker *w = t->data;
    w->phase = MT_PH_NEW;
    mt_phases_enqueue(w);
}

void mt_schedule_worker(mt_rworker *w, int local)
{
    mt_runner *r = w->runner;
    double at = mt_pace_ramp_at(r->opt, local, r->ramp_offset);
    if (at > 0) {
        w->phase = MT_PH_WAIT_START;
        uv_timer_start(&w->timer, on_ramp, (uint64_t)(at * 1000 + 0.5), 0);
    } else {
        w->phase = MT_PH_NEW;
        mt_phases_enqueue(w);
    }
}

void mt_schedule_issue(mt_runner *r, double elapsed)
{
    /* start k is due at mt_pace_start_time(k), where starts_by reaches k:
     * by t, floor(starts_by(t)) + 1 starts are due (start 0 at once) */
    uint64_t due = (uint64_t)mt_pace_starts_by(r->rate, r->opt->ramp_up, elapsed) + 1;
    while (r->rate_issued < due && !r->stopping) {
        uint64_t k = r->rate_issued++;
        if (!r->nidle) {
            r->stats.dropped++; /* no free worker: the start is lost, and counted */
            continue;
        }
        mt_rworker *w = r->idle[--r->nidle];
        w->start_token = true;
        w->intended_ns =
            r->rate_t0 + (uint64_t)(mt_pace_start_time(r->rate, r->opt->ramp_up, k) * 1e9);
        w->phase = MT_PH_PAUSE;
        mt_phases_enqueue(w);
    }
}

static void on_rate(uv_timer_t *t)
{
    mt_runner *r = t->data;
    mt_schedule_issue(r, (double)(mt_now_ns() - r->rate_t0) / 1e9);
}

void mt_schedule_begin_rate(mt_runner *r)
{
    r->rate_t0 = mt_now_ns();
    uv_timer_start(&r->rate_timer, on_rate, 0, 1);
}

void mt_schedule_stop(mt_runner *r)
{
    uv_timer_stop(&r->rate_timer);
    while (r->nidle) { /* idle workers go to their teardowns */
        mt_rworker *w = r->idle[--r->nidle];
        w->phase = MT_PH_PAUSE;
        mt_phases_enqueue(w);
    }
}

void mt_schedule_end(mt_runner *r)
{
    uv_timer_stop(&r->deadline);
    uv_timer_stop(&r->tick);
}

void mt_schedule_close(mt_runner *r)
{
    uv_close((uv_handle_t *)&r->deadline, NULL);
    uv_close((uv_handle_t *)&r->tick, NULL);
    uv_close((uv_handle_t *)&r->rate_timer, NULL);
    free(r->idle);
    r->idle = NULL;
}

/* outcome.c: the end of a scenario run (outcome.h): its counting, the
 * failures that stop a run (-x, --abort-after), the runaway check over the
 * workers of the process, and the pause that follows. */
#include "molotov/outcome.h"
#include "molotov/common.h"

#include <stdio.h>

void mt_outcome_success(mt_rworker *w)
{
    mt_runner *r = w->runner;
    mt_stats_scenario_end(&r->stats, w->scenario, true, (mt_now_ns() - w->scenario_t0) / 1000,
                          mt_wall_s());
    w->instant_failures = 0;
    mt_runaway_reset(&r->runaway);
}

void mt_outcome_failure(mt_rworker *w, const char *msg)
{
    mt_runner *r = w->runner;
    uint64_t took_us = (mt_now_ns() - w->scenario_t0) / 1000;
    mt_stats_scenario_end(&r->stats, w->scenario, false, took_us, mt_wall_s());
    mt_stats_add_message(&r->stats, msg, 1);
    mt_stats_add_scenario_message(&r->stats, w->scenario, msg, 1);
    snprintf(w->fail_msg, sizeof w->fail_msg, "%s", msg);
    w->fail_took = (double)took_us / 1e6;
}

double mt_outcome_success_pause(const mt_rworker *w)
{
    const mt_runner *r = w->runner;
    return r->script->scenarios[w->scenario].delay + r->opt->delay;
}

/* Whether every worker running scenarios here is failing at once. */
static bool all_streaking(const mt_runner *r)
{
    for (int i = 0; i < r->nworkers; i++) {
        const mt_rworker *x = r->workers[i];
        bool active =
            x->phase == MT_PH_SCENARIO || x->phase == MT_PH_PAUSE || x->phase == MT_PH_AFTER;
        if (active && !x->instant_failures) return false;
    }
    return true;
}

static void runaway_stop(mt_runner *r, double spent, const char *msg)
{
    char why[1200];
    snprintf(why, sizeof(why),
             "no success: %llu runs in %.1f s failed before sending a request: %s",
             (unsigned long long)r->runaway.n, spent, msg);
    if (!r->is_child) {
        r->ops->fatal(r, MT_STOP_NO_SUCCESS, why);
    } else if (r->on_runaway && mt_now_s() - r->runaway_told >= 1.0) {
        r->runaway_told = mt_now_s(); /* the main process decides, told once a second */
        r->on_runaway(r, why);
    }
}

/* The back-off of a failed run; the run stops when every worker of the
 * process is in a streak of runaway failures (runaway.h). */
static double runaway(mt_rworker *w, const char *msg, double took)
{
    mt_runner *r = w->runner;
    bool limit;
    double now = mt_now_s();
    double backoff = mt_runaway_failed(&r->runaway, &w->instant_failures, msg, took,
                                       w->ctx.reached_network, now, &limit);
    if (limit && all_streaking(r)) runaway_stop(r, now - r->runaway.t0, msg);
    return backoff;
}

double mt_outcome_after_failure(mt_rworker *w)
{
    mt_runner *r = w->runner;
    const char *msg = w->fail_msg;
    if (r->opt->exception) r->ops->fatal(r, MT_STOP_FIRST_FAILURE, msg);
    if (r->opt->abort_after && !r->is_child && r->stats.failures >= (uint64_t)r->opt->abort_after) {
        char why[64];
        snprintf(why, sizeof(why), "%ld failures reached (--abort-after)", r->opt->abort_after);
        r->ops->fatal(r, MT_STOP_FAIL_REACHED, why);
    }
    double backoff = runaway(w, msg, w->fail_took);
    return r->opt->delay + backoff;
}

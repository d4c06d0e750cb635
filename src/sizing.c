/* sizing.c: the --sizing controller (see sizing.h). Every CHECK_MS it looks
 * at the last minute of scenario results across all processes, the second
 * still filling included (a pool's children report every 50 ms in sizing
 * mode), so it stops within a worker of the limit; the load steps of the
 * capacity table are every tenth of the ramp (or 5 s). */
#include "molotov/sizing.h"
#include "molotov/common.h"
#include "molotov/fmt.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static double seconds_since_start(const mt_sizing *z)
{
    return mt_now_s() - z->runner->started_at;
}

static void begin_step(mt_sizing *z)
{
    mt_runner *r = z->runner;
    z->step_started = mt_now_s();
    z->step_t0 = mt_wall_s();
    z->step_requests = r->stats.requests;
    z->step_failed = r->stats.failed_requests;
    z->step_base = (mt_window){r->stats.requests, r->stats.successes, r->stats.failures};
}

static void record_step(mt_sizing *z)
{
    mt_runner *r = z->runner;
    double dt = mt_now_s() - z->step_started;
    if (dt <= 0.2) return;
    uint64_t ok = r->stats.successes - z->step_base.successes;
    uint64_t ko = r->stats.failures - z->step_base.failures;
    z->steps = mt_realloc(z->steps, sizeof(mt_sizing_step) * (size_t)(z->nsteps + 1));
    mt_sizing_step *s = &z->steps[z->nsteps++];
    s->t = seconds_since_start(z);
    s->workers = mt_runner_active_workers(r);
    s->rps = (double)(r->stats.requests - z->step_requests) / dt;
    s->failed_rps = (double)(r->stats.failed_requests - z->step_failed) / dt;
    s->error_pct = ok + ko ? 100.0 * (double)ko / (double)(ok + ko) : 0;
    s->p99_us = mt_stats_window_p99(&r->stats, z->step_t0, mt_wall_s() + 1);
    begin_step(z);
}

#define CHECK_MS 50

static void over(mt_sizing *z, mt_sizing_end why, mt_window minute)
{
    record_step(z); /* the step in which it ended */
    z->end = why;
    z->minute = minute;
    z->workers = mt_runner_active_workers(z->runner); /* running when it was passed */
    mt_runner_set_stop_reason(z->runner, MT_STOP_SIZING);
    mt_runner_stop(z->runner);
    uv_timer_stop(&z->timer);
}

static void on_second(uv_timer_t *t)
{
    mt_sizing *z = t->data;
    mt_runner *r = z->runner;
    int64_t now = mt_wall_s();
    mt_window w = mt_stats_window(&r->stats, now - MT_SIZING_WINDOW_S + 1, now + 1);
    uint64_t results = w.successes + w.failures;
    int active = mt_runner_active_workers(r);
    if (active > z->workers) z->workers = active;
    if (results) z->error_pct = 100.0 * (double)w.failures / (double)results;
    if (mt_now_s() - z->step_started >= z->step_s) record_step(z);
    const mt_options *o = r->opt;
    if (results >= MT_SIZING_MIN_RESULTS && z->error_pct > o->sizing_tolerance) {
        over(z, MT_SIZING_ERRORS, w);
    } else if (o->sizing_p99 > 0 && z->nsteps &&
               (double)z->steps[z->nsteps - 1].p99_us / 1e3 > o->sizing_p99) {
        over(z, MT_SIZING_P99, w);
    }
    z->minute = w;
}

void mt_sizing_start(mt_sizing *z, mt_runner *r)
{
    memset(z, 0, sizeof(*z));
    z->runner = r;
    const mt_options *o = r->opt;
    z->step_s = o->ramp_up > 0 ? o->ramp_up / 10 : 5;
    if (z->step_s < 1) z->step_s = 1;
    begin_step(z);
    uv_timer_init(r->loop, &z->timer);
    z->timer.data = z;
    uv_timer_start(&z->timer, on_second, CHECK_MS, CHECK_MS);
}

void mt_sizing_finish(mt_sizing *z)
{
    uv_timer_stop(&z->timer);
    if (z->end == MT_SIZING_RUNNING) record_step(z);
}

void mt_sizing_print(const mt_sizing *z, FILE *out)
{
    const mt_stats *s = &z->runner->stats;
    if (z->end == MT_SIZING_ERRORS) /* Molotov's own text, line for line */
        fprintf(out,
                "\nSizing is over!\n\nError Ratio %.2f %% obtained with %d workers.\n\n"
                "OVERALL: SUCCESSES: %" PRIu64 " | FAILURES: %" PRIu64 "\n"
                "LAST MINUTE: SUCCESSES: %" PRIu64 " | FAILURES: %" PRIu64 "\n\n",
                z->error_pct, z->workers, s->successes, s->failures, z->minute.successes,
                z->minute.failures);
    else if (z->end == MT_SIZING_P99)
        fprintf(out, "Sizing is over! p99 above %.0f ms with %d workers (error ratio %.2f%%).\n",
                z->runner->opt->sizing_p99, z->workers, z->error_pct);
    else
        fprintf(out,
                "Sizing never passed the %.1f%% tolerance: %d workers reached (error ratio "
                "%.2f%%).\n",
                z->runner->opt->sizing_tolerance, z->workers, z->error_pct);
    fprintf(out, "%-10s %8s %12s %9s %9s\n", "Capacity", "workers", "requests/s", "errors", "p99");
    for (int i = 0; i < z->nsteps; i++) {
        char p99[16];
        mt_fmt_us(z->steps[i].p99_us, p99, sizeof(p99));
        fprintf(out, "  %6.0fs  %8d %12.1f %8.2f%% %9s\n", z->steps[i].t, z->steps[i].workers,
                z->steps[i].rps, z->steps[i].error_pct, p99);
    }
}

void mt_sizing_status(const mt_sizing *z, char *buf, size_t len)
{
    const mt_options *o = z->runner->opt;
    int n = snprintf(buf, len, "sizing: %d workers, errors %.1f%% (tolerance %g%%)",
                     mt_runner_active_workers(z->runner), z->error_pct, o->sizing_tolerance);
    if (o->sizing_p99 <= 0 || n < 0 || (size_t)n >= len) return;
    char p99[16] = "-";
    if (z->nsteps && z->steps[z->nsteps - 1].p99_us)
        mt_fmt_us(z->steps[z->nsteps - 1].p99_us, p99, sizeof p99);
    snprintf(buf + n, len - (size_t)n, ", p99 %s (limit %gms)", p99, o->sizing_p99);
}

cJSON *mt_sizing_json(const mt_sizing *z)
{
    const mt_options *o = z->runner->opt;
    cJSON *j = cJSON_CreateObject();
    cJSON_AddNumberToObject(j, "tolerance_pct", o->sizing_tolerance);
    if (o->sizing_p99 > 0)
        cJSON_AddNumberToObject(j, "p99_objective_ms", o->sizing_p99);
    else
        cJSON_AddNullToObject(j, "p99_objective_ms");
    cJSON_AddBoolToObject(j, "over", z->end != MT_SIZING_RUNNING);
    if (z->end == MT_SIZING_RUNNING)
        cJSON_AddNullToObject(j, "reason");
    else
        cJSON_AddStringToObject(j, "reason", z->end == MT_SIZING_ERRORS ? "error_ratio" : "p99");
    cJSON_AddNumberToObject(j, "error_pct", z->error_pct);
    cJSON_AddNumberToObject(j, "workers", z->workers);
    cJSON *steps = cJSON_AddArrayToObject(j, "steps");
    for (int i = 0; i < z->nsteps; i++) {
        cJSON *s = cJSON_CreateObject();
        cJSON_AddNumberToObject(s, "t", z->steps[i].t);
        cJSON_AddNumberToObject(s, "workers", z->steps[i].workers);
        cJSON_AddNumberToObject(s, "rps", z->steps[i].rps);
        cJSON_AddNumberToObject(s, "ok_rps", z->steps[i].rps - z->steps[i].failed_rps);
        cJSON_AddNumberToObject(s, "failed_rps", z->steps[i].failed_rps);
        cJSON_AddNumberToObject(s, "error_pct", z->steps[i].error_pct);
        cJSON_AddNumberToObject(s, "p99_ms", (double)z->steps[i].p99_us / 1e3);
        cJSON_AddItemToArray(steps, s);
    }
    return j;
}

void mt_sizing_close(mt_sizing *z)
{
    free(z->steps);
    z->steps = NULL;
    uv_close((uv_handle_t *)&z->timer, NULL);
}

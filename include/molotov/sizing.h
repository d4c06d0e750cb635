/* sizing.h: --sizing, the autosizing controller. It watches the run's
 * merged statistics (every process's) while the workers ramp up, records a
 * capacity table at each load step, and stops the run everywhere once the
 * error ratio over the last minute passes the tolerance (or a step's p99
 * passes --sizing-p99). */
#ifndef MOLOTOV_SIZING_H
#define MOLOTOV_SIZING_H

#include "molotov/runner.h"

#include <cjson/cJSON.h>
#include <stdio.h>

#define MT_SIZING_WINDOW_S 60
#define MT_SIZING_MIN_RESULTS 100

typedef struct {
    double t; /* seconds since the start */
    int workers;
    double rps, error_pct;
    double failed_rps; /* of rps, the failed requests (fast errors are not capacity) */
    uint64_t p99_us;
} mt_sizing_step;

typedef enum { MT_SIZING_RUNNING, MT_SIZING_ERRORS, MT_SIZING_P99 } mt_sizing_end;

typedef struct {
    mt_runner *runner;
    uv_timer_t timer;
    double step_s;
    double step_started;
    int64_t step_t0; /* wall second the step began */
    uint64_t step_requests, step_failed;
    mt_window step_base;
    mt_sizing_step *steps;
    int nsteps;
    mt_sizing_end end;
    double error_pct; /* at the end (or the last evaluation) */
    mt_window minute; /* the last minute's results then */
    int workers;      /* running when it ended, or the most reached */
} mt_sizing;

/* Starts watching r (whose stats merge every process's); call after the
 * load began. */
void mt_sizing_start(mt_sizing *z, mt_runner *r);

/* Records the last step; call when the run finished. */
void mt_sizing_finish(mt_sizing *z);

/* "Sizing is over! ..." (or why not) and the capacity table. */
void mt_sizing_print(const mt_sizing *z, FILE *out);

/* What the live view says of it: "sizing: 14 workers, errors 0.4%
 * (tolerance 5%)", with ", p99 120ms (limit 200ms)" under --sizing-p99. */
void mt_sizing_status(const mt_sizing *z, char *buf, size_t len);

/* The report's "sizing" object. */
cJSON *mt_sizing_json(const mt_sizing *z);

void mt_sizing_close(mt_sizing *z);

#endif

/* runner.h: a run of one process, as main, pool, sizing and console see it:
 * init, global fixtures, begin and start, workers added while running (so a
 * controller can grow the run), stop, abort, close, the stop reason and the
 * exit code. A worker's life is phases.h's, the timers schedule.h's. */
#ifndef MOLOTOV_RUNNER_H
#define MOLOTOV_RUNNER_H

#include "molotov/run.h"

#include <stdbool.h>
#include <stddef.h>

/* A stop reason's name in the reports ("completed", "no success"...). */
const char *mt_stop_reason_name(mt_stop_reason r);

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

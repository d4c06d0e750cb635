/* schedule.h: a run's timers: its deadline (-d, and --force-shutdown's
 * cancels), the tick of current_workers events, the ramp-up's start of
 * each worker, and --rate's starts handed to idle workers (dropped, and
 * counted, when none is free). When load starts is pace.h's arithmetic;
 * this is where it meets the loop. */
#ifndef MOLOTOV_SCHEDULE_H
#define MOLOTOV_SCHEDULE_H

#include "molotov/run.h"

/* The deadline, tick and rate timers, on r's loop. */
void mt_schedule_init(mt_runner *r);

/* From r->started_at: the deadline (-d, plus the ramp when every worker
 * runs -d from its own start), the tick (not in a pool's child), and
 * --rate's share of this process for `workers` workers, which begins when
 * they are all through their setup (mt_schedule_begin_rate). */
void mt_schedule_begin(mt_runner *r, int workers);

/* Starts w, the process's worker number `local`, at its ramp-up offset
 * (MT_PH_WAIT_START until then) or now. */
void mt_schedule_worker(mt_rworker *w, int local);

/* --rate: every worker is ready; the starts begin now. */
void mt_schedule_begin_rate(mt_runner *r);

/* --rate, every millisecond: hands the starts due by `elapsed` seconds
 * of the schedule to idle workers (the last one to go idle first), each
 * with the time it was due (intended_ns); a start that finds no idle
 * worker is dropped, and counted. Nothing once the run stops. */
void mt_schedule_issue(mt_runner *r, double elapsed);

/* The schedule's side of a stop: no more starts, the idle workers go on
 * to their teardowns. */
void mt_schedule_stop(mt_runner *r);

/* The run is over: the deadline and the tick stop. */
void mt_schedule_end(mt_runner *r);

/* Closes the timers (run the loop afterwards) and frees the idle list. */
void mt_schedule_close(mt_runner *r);

#endif

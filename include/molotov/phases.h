/* phases.h: a worker's life. Each worker is a Lua coroutine that goes
 * through phases: setup, setup_session, scenarios (with pauses), then
 * teardown_session and teardown; the fixture worker runs global_setup and
 * global_teardown. Workers ready for their next step wait in a queue served
 * from the loop's idle phase. What a worker's life cannot decide alone
 * (stop, fatal, the last worker done, --rate's start) goes to the run's
 * hooks (run.h). */
#ifndef MOLOTOV_PHASES_H
#define MOLOTOV_PHASES_H

#include "molotov/run.h"

#include <stdbool.h>

/* The ready queue's idle handle, on r's loop. */
void mt_phases_init(mt_runner *r);

/* A fresh coroutine for w, in the registry (its first, or after the old
 * one ended in an error its hooks cannot come back from). */
void mt_phases_coroutine(mt_rworker *w);

/* Goes on with w's phase: resumes its coroutine (or its listeners', when
 * they wait) with nargs values on it, then follows what the phase did
 * (waits, returned, raised). nargs < 0: the phase's result is already on
 * the stack (no fixture ran). */
void mt_phases_resume(mt_rworker *w, int nargs);

/* Queues w to go on from the loop: a new worker begins (setup), a pausing
 * one picks its next scenario (or goes to its teardowns). */
void mt_phases_enqueue(mt_rworker *w);

/* Starts global_setup (with args) or global_teardown on the fixture worker
 * f; false when the script has none. global_setup's end sets the run's
 * global_setup_done (and global_setup_err); global_teardown's calls the
 * run's finished hook. */
bool mt_phases_global_setup(mt_rworker *f);
bool mt_phases_global_teardown(mt_rworker *f);

/* w goes to teardown_session, then teardown (a cancelled scenario). */
void mt_phases_teardown_session(mt_rworker *w);

/* w is done (at most once): the last one calls the run's all_done hook. */
void mt_phases_done(mt_rworker *w);

/* The workers' side of a stop: those waiting for their ramp-up's start are
 * done, pausing ones go on to their teardowns. */
void mt_phases_stop(mt_runner *r);

/* Workers set up and not done: this process's, plus remote_workers (a
 * pool's main process counts its children's). */
int mt_phases_active(const mt_runner *r);

/* Counts mt_phases_active in the current second's timeline (the most in a
 * second is kept): at every tick, when workers start their first run (so
 * the first second and each ramp step have their count) and at the stop.
 * Not in a pool's child: the main process counts its children's. */
void mt_phases_sample_workers(mt_runner *r);

/* Closes the ready queue's handle (run the loop afterwards). */
void mt_phases_close(mt_runner *r);

#endif

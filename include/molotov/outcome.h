/* outcome.h: the end of a worker's scenario run: counted in the run's
 * statistics (ok or failed with its message, its run time), then, once its
 * listeners are done, what follows: -x and --abort-after stop the run, a
 * runaway streak backs the worker off or stops it, and the pause before
 * its next pick. */
#ifndef MOLOTOV_OUTCOME_H
#define MOLOTOV_OUTCOME_H

#include "molotov/run.h"

/* w's run succeeded: counted, and the process's runaway streak is over. */
void mt_outcome_success(mt_rworker *w);

/* w's run raised msg: counted with its message, which w keeps (with how
 * long the run took) for its listeners and mt_outcome_after_failure. */
void mt_outcome_failure(mt_rworker *w, const char *msg);

/* The pause after a success before w's next pick: the scenario's delay
 * plus --delay, in seconds. */
double mt_outcome_success_pause(const mt_rworker *w);

/* After a failure's listeners: -x or --abort-after may end the run (the
 * run's fatal hook), the runaway check may stop it (or, in a pool's child,
 * tell the main process). Returns the pause before w's next pick: --delay
 * plus the back-off. */
double mt_outcome_after_failure(mt_rworker *w);

#endif

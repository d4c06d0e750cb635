/* runaway.h: runaway failures. A scenario run that failed at once (within
 * MT_RUNAWAY_INSTANT_S) before sending anything, a script bug, backs its
 * worker off, 1 ms doubling up to 1 s. When the same message keeps coming
 * with no success since, MT_RUNAWAY_MAX times or for MT_RUNAWAY_S (after
 * MT_RUNAWAY_MIN of them), the runner may stop the run. */
#ifndef MOLOTOV_RUNAWAY_H
#define MOLOTOV_RUNAWAY_H

#include <stdbool.h>
#include <stdint.h>

#define MT_RUNAWAY_MAX 10000
#define MT_RUNAWAY_S 5.0
#define MT_RUNAWAY_MIN 10         /* failures before MT_RUNAWAY_S alone may stop it */
#define MT_RUNAWAY_INSTANT_S 0.05 /* a run that failed faster than this failed "at once" */

/* A process's streak: runs in a row that failed with msg before sending. */
typedef struct {
    uint64_t n;
    double t0; /* when the first of them failed (monotonic s) */
    char msg[1024];
} mt_runaway;

/* A run that failed with msg after took seconds (reached: it sent a
 * request), at now; *streak is its worker's count of instant failures.
 * Returns the worker's back-off in seconds; *limit is set when the streak
 * is long enough to stop the run (if every worker is in one). */
double mt_runaway_failed(mt_runaway *ra, int *streak, const char *msg, double took, bool reached,
                         double now, bool *limit);

/* A success ends the process's streak. */
void mt_runaway_reset(mt_runaway *ra);

#endif

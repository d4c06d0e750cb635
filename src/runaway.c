/* runaway.c: runaway failures' back-off and streak (runaway.h). */
#include "molotov/runaway.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

double mt_runaway_failed(mt_runaway *ra, int *streak, const char *msg, double took, bool reached,
                         double now, bool *limit)
{
    *limit = false;
    if (reached || took >= MT_RUNAWAY_INSTANT_S) {
        *streak = 0;
        return 0;
    }
    if (ra->n == 0 || strcmp(ra->msg, msg) != 0) {
        snprintf(ra->msg, sizeof(ra->msg), "%s", msg);
        ra->n = 0;
        ra->t0 = now;
    }
    ra->n++;
    int k = *streak < 11 ? (*streak)++ : 10;
    double spent = now - ra->t0;
    *limit = ra->n >= MT_RUNAWAY_MAX || (ra->n >= MT_RUNAWAY_MIN && spent >= MT_RUNAWAY_S);
    return ldexp(0.001, k) < 1.0 ? ldexp(0.001, k) : 1.0;
}

void mt_runaway_reset(mt_runaway *ra)
{
    ra->n = 0;
}

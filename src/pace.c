/* pace.c: start times of the open model and of the ramp-up (pace.h). */
#include "molotov/pace.h"

#include <math.h>

double mt_pace_starts_by(double rate, double ramp, double t)
{
    if (ramp <= 0) return rate * t;
    if (t < ramp) return rate * t * t / (2 * ramp);
    return rate * ramp / 2 + rate * (t - ramp);
}

double mt_pace_start_time(double rate, double ramp, uint64_t k)
{
    if (ramp <= 0) return (double)k / rate;
    if ((double)k < rate * ramp / 2) return sqrt(2 * ramp * (double)k / rate);
    return (double)k / rate + ramp / 2;
}

bool mt_pace_per_worker_duration(const mt_options *o)
{
    return o->ramp_up > 0 && o->rate <= 0 && !o->sizing;
}

double mt_pace_ramp_at(const mt_options *o, int local, double offset)
{
    return o->ramp_up > 0 && o->rate <= 0 ? local * (o->ramp_up / o->workers) + offset : 0;
}

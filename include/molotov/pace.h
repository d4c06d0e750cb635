/* pace.h: when load starts: the open model's schedule (--rate, ramped
 * linearly from 0 over --ramp-up) and the closed model's ramp (worker k
 * starts k * ramp-up / workers after the first, each running -d from its
 * own start). Pure arithmetic. */
#ifndef MOLOTOV_PACE_H
#define MOLOTOV_PACE_H

#include "molotov/options.h"

#include <stdbool.h>
#include <stdint.h>

/* Starts due by t seconds at `rate` per second, ramped over `ramp` s. */
double mt_pace_starts_by(double rate, double ramp, double t);

/* When start k is due, in seconds (the inverse of mt_pace_starts_by). */
double mt_pace_start_time(double rate, double ramp, uint64_t k);

/* With --ramp-up (and no --rate nor --sizing), each worker runs -d seconds
 * from its own start, as in Molotov; the run ends when the last one is done. */
bool mt_pace_per_worker_duration(const mt_options *o);

/* When the process's worker number `local` starts, in seconds after the
 * run began (offset: a pool's children interleave their ramps). */
double mt_pace_ramp_at(const mt_options *o, int local, double offset);

#endif

/* report.h: the end of a run on paper: threshold results, the JSON report of
 * docs/cli.md (with the histograms `molotov merge` needs), JUnit XML and the
 * HTML report. */
#ifndef MOLOTOV_REPORT_H
#define MOLOTOV_REPORT_H

#include "molotov/options.h"
#include "molotov/runinfo.h"
#include "molotov/script.h"
#include "molotov/sizing.h"
#include "molotov/stats.h"
#include "molotov/threshold.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdio.h>

typedef struct {
    mt_threshold t;
    double value; /* NAN when there was no data */
    bool passed;
} mt_threshold_result;

typedef struct {
    const mt_stats *stats;
    const mt_options *opt;
    const char *const *scenario_names; /* stats->nscenarios of them */
    double started_wall;               /* Unix time, with fractions */
    double duration_s;
    mt_threshold_result *thresholds;
    int nthresholds;
    const mt_sizing *sizing;  /* --sizing, or NULL */
    const mt_runinfo *info;   /* what ran and how it ended, or NULL */
    const mt_stats *fixtures; /* global_setup/global_teardown's requests, or NULL */
    int processes, workers;   /* in all (merge: summed over the parts) */
    const cJSON *merge;       /* merge: its parts and warnings, copied in, or NULL */
} mt_report;

/* Parses o->thresholds into a new array (*out, *n). A scenario a threshold
 * names must be one of `names` (from `source`, a file named in the error).
 * Returns 0, or MT_EINVAL with one line in err. */
int mt_report_parse_thresholds(const mt_options *o, const char *const *names, int nnames,
                               const char *source, mt_threshold_result **out, int *n, char *err,
                               size_t errlen);

/* Computes every threshold's value and verdict. Returns how many failed. */
int mt_report_evaluate(mt_report *r);

/* The JSON report (caller frees with cJSON_Delete). */
cJSON *mt_report_json(const mt_report *r);

/* A latency histogram as a report object: count, then min, mean, the
 * percentiles and max in ms (null when count is 0). */
void mt_report_add_latency(cJSON *o, const char *key, const mt_hist *h);

#endif

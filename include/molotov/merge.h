/* merge.h: `molotov merge`: JSON reports of runs on several machines (or at
 * several times) combined exactly: counts add, histograms merge, timelines
 * align on wall-clock seconds, and thresholds are judged on the whole. */
#ifndef MOLOTOV_MERGE_H
#define MOLOTOV_MERGE_H

#include "molotov/stats.h"

#include <cjson/cJSON.h>
#include <stddef.h>

typedef struct {
    mt_stats stats;
    char **names; /* the union of the reports' scenarios, nnames of them */
    int nnames;
    double started_wall; /* the earliest start, Unix seconds */
    double duration_s;   /* from the earliest start to the latest end */
    int processes;       /* all of them, summed */
    int workers;         /* per process */
    int nreports;
} mt_merged;

/* Merges n parsed reports (paths name them in errors) into m. Returns MT_OK,
 * or MT_EINVAL with one line in err naming the report that is not a molotov
 * JSON report or whose histograms are malformed. Free m with
 * mt_merged_free() in either case. */
int mt_merge_reports(cJSON *const *reports, const char *const *paths, int n, mt_merged *m,
                     char *err, size_t errlen);

void mt_merged_free(mt_merged *m);

/* `molotov merge A.json B.json ... [--json F] [--html F] [--junit F]
 * [--threshold EXPR]... [-q]`: argv[0] is "merge". Returns the exit code:
 * 0, 2 for bad usage or input, 99 when a threshold failed. */
int mt_merge_main(int argc, char **argv);

#endif

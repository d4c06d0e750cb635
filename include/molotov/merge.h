/* merge.h: `molotov merge`: JSON reports of runs on several machines (or at
 * several times) combined exactly: counts add, histograms merge, timelines
 * align on wall-clock seconds, and thresholds are judged on the whole. */
#ifndef MOLOTOV_MERGE_H
#define MOLOTOV_MERGE_H

#include "molotov/stats.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct {
    mt_stats stats;
    char **names; /* the union of the reports' scenarios, nnames of them */
    int nnames;
    double started_wall; /* the earliest start, Unix seconds */
    double duration_s;   /* from the earliest start to the latest end */
    int processes;       /* all of them, summed */
    int workers;         /* all of them, summed */
    int nreports;
    cJSON *merge;      /* {parts: [...], warnings: [...], span: {...}} for the reports */
    char **thresholds; /* the parts' thresholds (their expressions, each once) */
    int nthresholds;
    char *script, *sha256;   /* the parts' script when they agree, else NULL */
    const char *stop_reason; /* the first part's that did not complete, or "completed" */
} mt_merged;

/* Merges n parsed reports (paths name them in errors) into m. Refuses
 * (MT_EINVAL, one line in err) a report that is not a molotov JSON report or
 * whose histograms are malformed, a run found twice (by run id, also inside
 * merged reports), and reports of scripts whose SHA-256 differ unless
 * `force`. Warns in m->merge when the parts do not overlap in time. Free m
 * with mt_merged_free() in either case. */
int mt_merge_reports(cJSON *const *reports, const char *const *paths, int n, bool force,
                     mt_merged *m, char *err, size_t errlen);

void mt_merged_free(mt_merged *m);

/* `molotov merge A.json B.json ... [--json F] [--html F] [--junit F]
 * [--threshold EXPR]... [--force] [-q]`: argv[0] is "merge". Returns the
 * exit code: 0, 2 for bad usage or input or a report that could not be
 * written, 99 when a threshold failed. */
int mt_merge_main(int argc, char **argv);

#endif

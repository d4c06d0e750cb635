/* summary.h: the end-of-run summary as text for a terminal `width` columns
 * wide (80 when not a terminal): the totals, the scenario and request tables
 * (one layout for both, columns sized to their figures, more latency
 * columns on wider terminals), failure messages (wrapped on a terminal), and
 * the thresholds' verdicts with their units. Shared by a run and by merge. */
#ifndef MOLOTOV_SUMMARY_H
#define MOLOTOV_SUMMARY_H

#include "molotov/report.h"
#include "molotov/stats.h"

#include <stdbool.h>
#include <stdio.h>

#define MT_SUMMARY_WIDTH 80 /* when the output is not a terminal */

/* The width to lay out for: a terminal's columns, else MT_SUMMARY_WIDTH. */
int mt_summary_width(FILE *out);

/* Duration, failed requests, the scenario and request tables and the
 * failure messages. names: the scenarios', s->nscenarios of them (or NULL).
 * wrap: long failure messages wrapped to the width (on a terminal); a log
 * keeps each whole on its line, for grep. */
void mt_summary_print(FILE *out, const mt_stats *s, const char *const *names, double secs,
                      int width, bool wrap);

/* "Thresholds:" and one line per verdict: "PASS  p99<50ms (p99 21.7ms)". */
void mt_summary_thresholds(FILE *out, const mt_threshold_result *t, int n);

/* A threshold's measured value in its unit: "21.7ms", "0.40%", "1,909.0/s",
 * "3", or "no data". */
void mt_summary_threshold_value(const mt_threshold_result *t, char *buf, size_t len);

#endif

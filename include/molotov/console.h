/* console.h: what a person watching the run sees: Molotov's header, the live
 * line (redrawn on a terminal, printed every few seconds otherwise) and the
 * end-of-run summary. */
#ifndef MOLOTOV_CONSOLE_H
#define MOLOTOV_CONSOLE_H

#include "molotov/report.h"
#include "molotov/runner.h"
#include "molotov/sizing.h"

#include <stdbool.h>
#include <stdio.h>
#include <uv.h>

typedef struct {
    mt_runner *runner;
    FILE *out;
    bool tty;
    bool drawn; /* a live line is on screen */
    uv_timer_t timer;
    double last_t, plain_next;
    uint64_t last_requests;
    double rps;
} mt_console;

/* Prints the header. tty: redraw the live line in place. */
void mt_console_init(mt_console *c, mt_runner *r, FILE *out, bool tty);

/* Starts the live display on the runner's loop. */
void mt_console_start(mt_console *c);

/* Stops the live display and prints the summary, with the sizing outcome
 * (sizing may be NULL) and the thresholds' verdicts before the final
 * SUCCESSES line. */
void mt_console_finish(mt_console *c, const mt_threshold_result *thresholds, int nthresholds,
                       const mt_sizing *sizing);

/* The summary's statistics: duration, the scenario and request tables and
 * the failure messages. names: the scenarios', stats->nscenarios of them. */
void mt_console_summary(FILE *out, const mt_stats *s, const char *const *names, double secs);

/* The summary's end: dropped starts, thresholds, the SUCCESSES line. */
void mt_console_verdict(FILE *out, const mt_stats *s, const mt_threshold_result *thresholds,
                        int nthresholds);

/* The line about global_setup/global_teardown's requests (f may be NULL;
 * nothing is printed when they made none). */
void mt_console_fixtures(FILE *out, const mt_stats *f);

/* Closes the timer handle. */
void mt_console_close(mt_console *c);

/* Formats the live line into buf. */
void mt_console_format_live(const mt_console *c, char *buf, size_t len);

#endif

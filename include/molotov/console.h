/* console.h: what a person watching the run sees: Molotov's header, the
 * live view (a frame redrawn in place on a terminal, fitting its width; a
 * plain line every few seconds otherwise, and with TERM=dumb), notices
 * (Ctrl-C, the deadline, --start-at's countdown, the pool's processes) and
 * the end-of-run summary (summary.h). */
#ifndef MOLOTOV_CONSOLE_H
#define MOLOTOV_CONSOLE_H

#include "molotov/live.h"
#include "molotov/report.h"
#include "molotov/runner.h"
#include "molotov/sizing.h"

#include <stdbool.h>
#include <stdio.h>
#include <uv.h>

typedef struct {
    mt_runner *runner;
    const mt_sizing *sizing; /* --sizing's controller, once started, or NULL */
    FILE *out;
    bool tty;    /* redraw in place (a terminal, and TERM is not dumb) */
    bool colour; /* and NO_COLOR is not set */
    int width;   /* the terminal's columns, read again on SIGWINCH */
    int lines;   /* lines of the frame on screen (0: none) */
    bool started;
    uv_timer_t timer;
    uv_signal_t winch;
    double plain_next;
    mt_live_stop told; /* the stop already told on a plain line */
    double stop_seen;  /* when a plain tick first saw the run stopping (s), or 0 */
    bool counted_down; /* --start-at's wait told (plain) */
    mt_live_window window;
} mt_console;

/* Prints the header. tty: stdout is a terminal (redrawn in place unless
 * TERM=dumb). */
void mt_console_init(mt_console *c, mt_runner *r, FILE *out, bool tty);

/* Starts the live display on the runner's loop. */
void mt_console_start(mt_console *c);

/* Draws the live view now (a stop just asked: its notice at once). */
void mt_console_refresh(mt_console *c);

/* Prints text (whole lines) above the live view. */
void mt_console_note(mt_console *c, const char *text);

/* --start-at: "Waiting 4.0 s for --start-at..." redrawn every call on a
 * terminal, printed once otherwise. */
void mt_console_countdown(mt_console *c, double left_s);

/* Stops the live display and prints the summary, with the sizing outcome
 * (sizing may be NULL) and the thresholds' verdicts before the final
 * SUCCESSES line. */
void mt_console_finish(mt_console *c, const mt_threshold_result *thresholds, int nthresholds,
                       const mt_sizing *sizing);

/* The summary's statistics (summary.h) at the width of out. */
void mt_console_summary(FILE *out, const mt_stats *s, const char *const *names, double secs);

/* The summary's end: dropped starts, thresholds, the SUCCESSES line. */
void mt_console_verdict(FILE *out, const mt_stats *s, const mt_threshold_result *thresholds,
                        int nthresholds);

/* The line about global_setup/global_teardown's requests (f may be NULL;
 * nothing is printed when they made none). */
void mt_console_fixtures(FILE *out, const mt_stats *f);

/* Closes the timer handles. */
void mt_console_close(mt_console *c);

/* What the live view shows now, from the runner (and the sizing). */
void mt_console_gather(mt_console *c, mt_live *v);

#endif

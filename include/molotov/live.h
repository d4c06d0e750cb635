/* live.h: the live view's text. What the run is doing (mt_live, filled by
 * the console from the runner) becomes a frame of at most four lines that
 * fit a terminal's width, or one plain line for a log; mt_live_window keeps
 * the last seconds' figures (requests/s, error %, the most frequent failure)
 * from samples of the run's counters. No terminal is touched here. */
#ifndef MOLOTOV_LIVE_H
#define MOLOTOV_LIVE_H

#include "molotov/stats.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MT_LIVE_WINDOW_S 5 /* "the last seconds" */
#define MT_LIVE_SAMPLES 64 /* counter samples kept, one per 0.1 s at most */
#define MT_LIVE_LINES 4
#define MT_LIVE_LINE 512

typedef enum { MT_LIVE_RUNNING, MT_LIVE_STOPPING, MT_LIVE_INTERRUPTED } mt_live_stop;

/* What a person watching the run is told. */
typedef struct {
    double elapsed;           /* s since the load began */
    double planned;           /* s of the planned span; <= 0: no planned end */
    uint64_t runs, runs_plan; /* -r / --single-run: runs that ended, of how many (0: not so) */
    int workers, workers_plan;
    bool busy;        /* --rate: workers counts the busy ones of the pool ("busy 3/8") */
    double rps;       /* < 0: no data yet */
    double error_pct; /* failed requests; < 0: no request in the window */
    uint64_t p99_us;  /* 0: no request in the window */
    double window_s;  /* what "the last seconds" span */
    uint64_t successes, failures;
    const char *top_failure; /* the most frequent of the window, or NULL */
    uint64_t top_count;
    char controller[128]; /* "ramping 12/50 workers", "sizing: ...", "rate ..." or "" */
    mt_live_stop stop;
    int in_flight;       /* while stopping */
    bool in_flight_reqs; /* in_flight counts requests (else workers still busy) */
} mt_live;

typedef enum { MT_LIVE_TEXT, MT_LIVE_NOTICE, MT_LIVE_FAILURE } mt_live_kind;

typedef struct {
    int n;
    char text[MT_LIVE_LINES][MT_LIVE_LINE];
    mt_live_kind kind[MT_LIVE_LINES];
} mt_live_frame;

/* The frame for a terminal `width` columns wide: every line shorter than
 * the width (the last column is never written, so nothing wraps). */
void mt_live_frame_make(const mt_live *v, int width, mt_live_frame *f);

/* One line for a log (not a terminal). */
void mt_live_plain(const mt_live *v, char *buf, size_t len);

/* The stopping notice ("stopping: waiting for 3 requests in flight,
 * Ctrl-C again to abort"), at most `width` - 1 columns, or "" when running. */
void mt_live_notice(const mt_live *v, int width, char *buf, size_t len);

typedef struct {
    double t;
    uint64_t requests, failed;
} mt_live_sample;

typedef struct {
    const char *msg; /* the stats' own string (never freed during a run) */
    uint64_t count;
} mt_live_msg;

typedef struct {
    double t;
    mt_live_msg *msgs; /* sorted by pointer */
    size_t n;
} mt_live_snap;

typedef struct {
    mt_live_sample samples[MT_LIVE_SAMPLES];
    int nsamples, head; /* a ring: head is the next to write */
    mt_live_snap snaps[MT_LIVE_WINDOW_S + 1];
    int nsnaps, snap_head;
    double t0; /* when the load began */
} mt_live_window;

/* An empty window for a load that began at t0 (monotonic seconds). */
void mt_live_window_init(mt_live_window *w, double t0);
void mt_live_window_free(mt_live_window *w);

/* Samples s at `now` and fills v's rps, error_pct, window_s, top_failure
 * and top_count from the last MT_LIVE_WINDOW_S seconds (the seconds since
 * the start when fewer). */
void mt_live_window_update(mt_live_window *w, const mt_stats *s, double now, mt_live *v);

#endif

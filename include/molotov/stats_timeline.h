/* stats_timeline.h: a timeline of wall-clock seconds (stats_timeline.c):
 * one tick per second with its counts and latency histogram, old seconds
 * sealed into their encoding, and the sums and p99 over a window of
 * seconds. It knows nothing of the rest of the statistics: mt_stats
 * (stats.h) embeds one and fills its ticks. */
#ifndef MOLOTOV_STATS_TIMELINE_H
#define MOLOTOV_STATS_TIMELINE_H

#include "molotov/hist.h"

#include <stdint.h>

/* Failed requests, by class: one definition everywhere (a transport error,
 * or an answer the request did not expect: >= 400 unless `expect` said). */
typedef struct {
    uint64_t transport;  /* no answer (the kinds say which) */
    uint64_t status_4xx; /* an unexpected 4xx answer */
    uint64_t status_5xx; /* an unexpected 5xx answer */
    uint64_t other;      /* another answer `expect` did not list */
} mt_failcount;

typedef struct {
    int64_t t; /* wall-clock second (Unix time) */
    uint64_t requests, successes, failures, failed_requests;
    mt_failcount fails; /* the failed requests by class */
    uint64_t workers;   /* workers running (sampled once a second; parts add up) */
    mt_hist *latency;   /* NULL once sealed */
    char *encoded;      /* the latency histogram once sealed */
    uint64_t p50_us, p95_us, p99_us;
} mt_tick;

/* Zeroed, it is an empty timeline. */
typedef struct {
    mt_tick *ticks; /* sorted by t */
    int nticks, cap;
} mt_timeline;

/* Frees every tick; tl is empty again. */
void mt_timeline_free(mt_timeline *tl);

/* The tick of second t, made (zeroed) on first use. */
mt_tick *mt_timeline_tick(mt_timeline *tl, int64_t t);

/* A tick's latency histogram, to record into: a sealed tick opens again. */
mt_hist *mt_tick_hist(mt_tick *k);

/* A tick's p-th percentile (us): from its histogram, or the figure sealing
 * kept (p 50, 95 or 99; another p of a sealed tick decodes it). */
uint64_t mt_tick_percentile(const mt_tick *k, double p);

/* Adds every tick of src to dst's of the same second. */
void mt_timeline_merge(mt_timeline *dst, const mt_timeline *src);

/* Seals the ticks before second `before`: their histogram becomes its
 * encoding and its p50/p99 (memory stays small on long runs). A tick's
 * encoded text is only ever this function's, so decoding it cannot fail. */
void mt_timeline_seal(mt_timeline *tl, int64_t before);

/* The p99 (us) of the requests of the last complete second, or 0. */
uint64_t mt_timeline_recent_p99(const mt_timeline *tl, int64_t now);

/* Sums of the seconds t with from <= t < to. */
typedef struct {
    uint64_t requests, successes, failures;
} mt_window;
mt_window mt_timeline_window(const mt_timeline *tl, int64_t from, int64_t to);

/* The p99 (us) of the requests of the seconds from <= t < to, or 0. */
uint64_t mt_timeline_window_p99(const mt_timeline *tl, int64_t from, int64_t to);

#endif

/* timings.h: where a request's time went, from the transport's timings
 * (timings.c): DNS lookup, TCP connect, TLS handshake, waiting for the first
 * byte, transfer. A reused connection spends 0 in the first three. Each
 * phase keeps its sum and a compact log histogram (8 buckets per power of
 * two, 6.7% to 12.5% of their lower bound wide: coarse percentiles, but 9.6
 * KB per request label for the five, against 52 KB for its two latency
 * histograms), so that merging is adding. */
#ifndef MOLOTOV_TIMINGS_H
#define MOLOTOV_TIMINGS_H

#include <stdbool.h>
#include <stdint.h>

typedef enum {
    MT_PHASE_DNS,
    MT_PHASE_CONNECT,
    MT_PHASE_TLS,
    MT_PHASE_WAIT, /* request sent to first byte of the answer */
    MT_PHASE_TRANSFER,
    MT_NPHASES
} mt_timing_phase;

/* One request's phases, in microseconds each (not cumulative). */
typedef struct {
    uint64_t us[MT_NPHASES];
    bool valid; /* false: the transport timed nothing (failed before sending) */
} mt_timing;

#define MT_PHASE_BUCKETS 240

typedef struct {
    uint64_t sum_us[MT_NPHASES];
    uint64_t counts[MT_NPHASES][MT_PHASE_BUCKETS];
} mt_timings;

/* "dns", "connect", "tls", "wait", "transfer". */
const char *mt_timing_phase_name(int phase);

/* The phases of a transfer from the transport's cumulative times (since the
 * start, us; 0: not reached): name lookup, connect, app (TLS) connect (0
 * without TLS), pre-transfer (about to send), start of transfer (first
 * byte), total. They add up to total: a transfer that ended early (a
 * timeout, a reset) spends the time after its last mark in the phase it was
 * in (connect, tls, wait). */
mt_timing mt_timing_from_marks(uint64_t lookup, uint64_t connect, uint64_t appconnect,
                               uint64_t pretransfer, uint64_t start, uint64_t total);

mt_timings *mt_timings_new(void);
void mt_timings_free(mt_timings *p);
void mt_timings_record(mt_timings *p, const mt_timing *t);
void mt_timings_merge(mt_timings *dst, const mt_timings *src);

/* Requests timed; a phase's mean and p-th percentile (us; 0 when none). */
uint64_t mt_timings_count(const mt_timings *p);
double mt_timings_mean_us(const mt_timings *p, int phase);
uint64_t mt_timings_percentile(const mt_timings *p, int phase, double pct);

/* The p-th percentile as reports show it: its bucket's middle (at most
 * 6.25% from the true value), never above `whole`, the requests' own p-th
 * percentile (no phase of a request outlasts the request). */
uint64_t mt_timings_percentile_within(const mt_timings *p, int phase, double pct, uint64_t whole);

/* One phase as text: "sum;bucket:count,..." (new string; free()), and
 * back, added to p. Returns 0, or MT_EINVAL (p unchanged) on bad text. */
char *mt_timings_encode(const mt_timings *p, int phase);
int mt_timings_decode(mt_timings *p, int phase, const char *text);

#endif

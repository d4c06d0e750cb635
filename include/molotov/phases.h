/* phases.h: where a request's time went, from the transport's timings
 * (phases.c): DNS lookup, TCP connect, TLS handshake, waiting for the first
 * byte, transfer. A reused connection spends 0 in the first three. Each
 * phase keeps its sum and a compact log histogram (8 buckets per power of
 * two, about 6% wide: coarse percentiles, small enough for one per request
 * label), so that merging is adding. */
#ifndef MOLOTOV_PHASES_H
#define MOLOTOV_PHASES_H

#include <stdbool.h>
#include <stdint.h>

typedef enum {
    MT_PHASE_DNS,
    MT_PHASE_CONNECT,
    MT_PHASE_TLS,
    MT_PHASE_WAIT, /* request sent to first byte of the answer */
    MT_PHASE_TRANSFER,
    MT_NPHASES
} mt_phase;

/* One request's phases, in microseconds each (not cumulative). */
typedef struct {
    uint64_t us[MT_NPHASES];
    bool valid; /* false: the transport timed nothing (failed before sending) */
} mt_timing;

#define MT_PHASE_BUCKETS 240

typedef struct {
    uint64_t sum_us[MT_NPHASES];
    uint64_t counts[MT_NPHASES][MT_PHASE_BUCKETS];
} mt_phases;

/* "dns", "connect", "tls", "wait", "transfer". */
const char *mt_phase_name(int phase);

/* The phases of a transfer from the transport's cumulative times (since the
 * start, us): name lookup, connect, app (TLS) connect (0 without TLS),
 * start of transfer, total. */
mt_timing mt_timing_from_marks(uint64_t lookup, uint64_t connect, uint64_t appconnect,
                               uint64_t start, uint64_t total);

mt_phases *mt_phases_new(void);
void mt_phases_free(mt_phases *p);
void mt_phases_record(mt_phases *p, const mt_timing *t);
void mt_phases_merge(mt_phases *dst, const mt_phases *src);

/* Requests timed; a phase's mean and p-th percentile (us; 0 when none). */
uint64_t mt_phases_count(const mt_phases *p);
double mt_phases_mean_us(const mt_phases *p, int phase);
uint64_t mt_phases_percentile(const mt_phases *p, int phase, double pct);

/* One phase as text: "sum;bucket:count,..." (new string; free()), and
 * back, added to p. Returns 0, or MT_EINVAL (p unchanged) on bad text. */
char *mt_phases_encode(const mt_phases *p, int phase);
int mt_phases_decode(mt_phases *p, int phase, const char *text);

#endif

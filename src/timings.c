/* timings.c: per-phase request timings (timings.h): the split of curl's
 * cumulative marks into phases, a compact log histogram per phase, and its
 * text form for the pool's wire and `molotov merge`. */
#include "molotov/timings.h"
#include "molotov/common.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const NAMES[MT_NPHASES] = {"dns", "connect", "tls", "wait", "transfer"};

const char *mt_timing_phase_name(int phase)
{
    return phase >= 0 && phase < MT_NPHASES ? NAMES[phase] : "?";
}

/* m moved into [lo, hi]: the marks made monotonic and within the total. */
static uint64_t within(uint64_t m, uint64_t lo, uint64_t hi)
{
    return m < lo ? lo : m > hi ? hi : m;
}

/* Every phase ends at a mark; a mark curl never reached (the transfer ended
 * before it) is the end, so the phase it would have ended takes the time
 * left. The phases always add up to the total: a connection that never
 * completed spends it in connect, a TLS handshake that never completed in
 * tls, an answer that never came in wait. */
mt_timing mt_timing_from_marks(uint64_t lookup, uint64_t connect, uint64_t appconnect,
                               uint64_t pretransfer, uint64_t start, uint64_t total)
{
    mt_timing t = {.valid = total > 0};
    bool sent = pretransfer || start; /* connected (a reused connection: no connect mark) */
    uint64_t m[MT_NPHASES];
    m[MT_PHASE_DNS] = within(lookup, 0, total);
    m[MT_PHASE_CONNECT] = within(connect ? connect : sent ? 0 : total, m[MT_PHASE_DNS], total);
    m[MT_PHASE_TLS] = within(appconnect ? appconnect
                             : sent     ? 0
                                        : total,
                             m[MT_PHASE_CONNECT], total);
    m[MT_PHASE_WAIT] = within(start ? start : total, m[MT_PHASE_TLS], total);
    m[MT_PHASE_TRANSFER] = total;
    for (int i = 0; i < MT_NPHASES; i++) t.us[i] = m[i] - (i ? m[i - 1] : 0);
    return t;
}

/* 0..15 exact, then 8 buckets per power of two up to 2^32 us. */
static int bucket_of(uint64_t v)
{
    if (v < 16) return (int)v;
    if (v > UINT32_MAX) v = UINT32_MAX;
    int e = 63 - __builtin_clzll(v);
    return 16 + (e - 4) * 8 + (int)((v >> (e - 3)) & 7);
}

/* The middle of bucket b. */
static uint64_t value_of(int b)
{
    if (b < 16) return (uint64_t)b;
    int e = (b - 16) / 8 + 4, sub = (b - 16) % 8;
    uint64_t lo = ((uint64_t)8 + (uint64_t)sub) << (e - 3), width = (uint64_t)1 << (e - 3);
    return lo + width / 2;
}

mt_timings *mt_timings_new(void)
{
    return mt_calloc(1, sizeof(mt_timings));
}

void mt_timings_free(mt_timings *p)
{
    free(p);
}

void mt_timings_record(mt_timings *p, const mt_timing *t)
{
    if (!t->valid) return;
    for (int i = 0; i < MT_NPHASES; i++) {
        p->sum_us[i] += t->us[i];
        p->counts[i][bucket_of(t->us[i])]++;
    }
}

void mt_timings_merge(mt_timings *dst, const mt_timings *src)
{
    for (int i = 0; i < MT_NPHASES; i++) {
        dst->sum_us[i] += src->sum_us[i];
        for (int b = 0; b < MT_PHASE_BUCKETS; b++) dst->counts[i][b] += src->counts[i][b];
    }
}

static uint64_t phase_count(const mt_timings *p, int phase)
{
    uint64_t n = 0;
    for (int b = 0; b < MT_PHASE_BUCKETS; b++) n += p->counts[phase][b];
    return n;
}

uint64_t mt_timings_count(const mt_timings *p)
{
    return phase_count(p, MT_PHASE_DNS);
}

double mt_timings_mean_us(const mt_timings *p, int phase)
{
    uint64_t n = phase_count(p, phase);
    return n ? (double)p->sum_us[phase] / (double)n : 0;
}

uint64_t mt_timings_percentile(const mt_timings *p, int phase, double pct)
{
    uint64_t n = phase_count(p, phase);
    if (!n) return 0;
    uint64_t rank = (uint64_t)(pct / 100.0 * (double)n + 0.999999), seen = 0;
    if (rank < 1) rank = 1;
    for (int b = 0; b < MT_PHASE_BUCKETS; b++) {
        seen += p->counts[phase][b];
        if (seen >= rank) return value_of(b);
    }
    return value_of(MT_PHASE_BUCKETS - 1);
}

uint64_t mt_timings_percentile_within(const mt_timings *p, int phase, double pct, uint64_t whole)
{
    uint64_t v = mt_timings_percentile(p, phase, pct);
    return v < whole ? v : whole;
}

char *mt_timings_encode(const mt_timings *p, int phase)
{
    mt_buf b;
    mt_buf_init(&b);
    mt_buf_printf(&b, "%" PRIu64 ";", p->sum_us[phase]);
    const char *sep = "";
    for (int i = 0; i < MT_PHASE_BUCKETS; i++) {
        if (!p->counts[phase][i]) continue;
        mt_buf_printf(&b, "%s%d:%" PRIu64, sep, i, p->counts[phase][i]);
        sep = ",";
    }
    return b.data ? b.data : mt_strdup(";");
}

/* Reads an unsigned decimal at *s; false unless there was one. */
static bool read_u64(const char **s, uint64_t *out)
{
    char *end;
    if (**s < '0' || **s > '9') return false;
    unsigned long long v = strtoull(*s, &end, 10);
    *s = end;
    *out = v;
    return true;
}

int mt_timings_decode(mt_timings *p, int phase, const char *text)
{
    uint64_t sum, counts[MT_PHASE_BUCKETS] = {0};
    const char *s = text;
    if (phase < 0 || phase >= MT_NPHASES || !read_u64(&s, &sum) || *s++ != ';') return MT_EINVAL;
    while (*s) {
        uint64_t b, n;
        if (!read_u64(&s, &b) || b >= MT_PHASE_BUCKETS || *s++ != ':' || !read_u64(&s, &n))
            return MT_EINVAL;
        counts[b] += n;
        if (*s == ',' && s[1]) /* another bucket follows */
            s++;
        else if (*s)
            return MT_EINVAL;
    }
    p->sum_us[phase] += sum;
    for (int b = 0; b < MT_PHASE_BUCKETS; b++) p->counts[phase][b] += counts[b];
    return MT_OK;
}

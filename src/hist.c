/* hist.c: owns the latency histogram (include/molotov/hist.h): the bucket
 * layout, recording, exact merging, percentiles, bucket iteration and the
 * sparse text encoding.
 *
 * Layout: values 1..127 us have one exact bucket each (index = value; index 0
 * is never used). Above, each power of two [2^e, 2^(e+1)) (e >= 7) is split
 * into 128 equal sub-buckets of width 2^(e-7), so a bucket is at most 1/128
 * (0.78%) of its lower bound wide. Index = (e - 6) * 128 + (v >> (e - 7)) - 128,
 * found with one bit scan; MT_HIST_MAX_US (1 h, e = 31) lands in index 3286,
 * whose upper bound is cut to it. 3287 uint64_t counts live inside the struct:
 * 26,328 bytes per histogram, one allocation.
 *
 * The sum is a uint64_t in us: exact up to 2^64 us (584,000 years) in
 * total, wrapping beyond.
 *
 * Percentiles return the bucket's midpoint (floor((lo + hi) / 2)), clamped to
 * the exact [min, max]: at most 0.39% from the true value.
 *
 * Encoding: "h1:<count>,<min>,<max>,<sum>:<body>", the four header numbers in
 * decimal, the body a stream of unsigned base64-VLQ numbers (5 bits per
 * character, least significant group first, characters from A-Za-z0-9+/, the
 * continuation bit being 32) walking the buckets from index 0: a number n > 0
 * is the count of the current bucket and moves to the next one; a 0 is
 * followed by g > 0 and skips g empty buckets. An empty histogram is
 * "h1:0,0,0,0:". Decoding parses into a temporary histogram, rejecting
 * non-canonical numbers and a header that disagrees with the buckets. */
#include "molotov/hist.h"

#include <stdlib.h>
#include <string.h>

#include "molotov/common.h"

#define SUB_BITS 7
#define SUB (1u << SUB_BITS) /* sub-buckets per power of two */
#define TOP_E 31             /* exponent of MT_HIST_MAX_US */
#define NBUCKETS ((TOP_E - 6) * SUB + (MT_HIST_MAX_US >> (TOP_E - SUB_BITS)) - SUB + 1)

_Static_assert((MT_HIST_MAX_US >> TOP_E) == 1, "TOP_E must be the exponent of MT_HIST_MAX_US");

struct mt_hist {
    uint64_t count, min, max, sum;
    uint64_t counts[NBUCKETS];
};

static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static uint64_t clamp_value(uint64_t us)
{
    if (us == 0) return 1;
    return us > MT_HIST_MAX_US ? MT_HIST_MAX_US : us;
}

/* The bucket of a value in [1, MT_HIST_MAX_US]. */
static size_t bucket_of(uint64_t v)
{
    if (v < SUB) return (size_t)v;
    unsigned e = 63u - (unsigned)__builtin_clzll(v);
    return (size_t)(e - 6) * SUB + (size_t)(v >> (e - SUB_BITS)) - SUB;
}

static void bucket_bounds(size_t i, uint64_t *lo, uint64_t *hi)
{
    if (i < SUB) {
        *lo = *hi = i;
        return;
    }
    unsigned shift = (unsigned)(i / SUB) - 1;
    *lo = (uint64_t)(SUB + i % SUB) << shift;
    *hi = *lo + (1ull << shift) - 1;
    if (*hi > MT_HIST_MAX_US) *hi = MT_HIST_MAX_US;
}

mt_hist *mt_hist_new(void)
{
    mt_hist *h = mt_malloc(sizeof *h);
    mt_hist_reset(h);
    return h;
}

void mt_hist_free(mt_hist *h)
{
    free(h);
}

void mt_hist_reset(mt_hist *h)
{
    memset(h, 0, sizeof *h);
    h->min = UINT64_MAX;
}

void mt_hist_record_n(mt_hist *h, uint64_t us, uint64_t count)
{
    if (count == 0) return;
    uint64_t v = clamp_value(us);
    h->counts[bucket_of(v)] += count;
    h->count += count;
    h->sum += v * count;
    if (v < h->min) h->min = v;
    if (v > h->max) h->max = v;
}

void mt_hist_record(mt_hist *h, uint64_t us)
{
    mt_hist_record_n(h, us, 1);
}

void mt_hist_merge(mt_hist *dst, const mt_hist *src)
{
    if (src->count == 0) return;
    for (size_t i = 0; i < NBUCKETS; i++) dst->counts[i] += src->counts[i];
    dst->count += src->count;
    dst->sum += src->sum;
    if (src->min < dst->min) dst->min = src->min;
    if (src->max > dst->max) dst->max = src->max;
}

uint64_t mt_hist_count(const mt_hist *h)
{
    return h->count;
}

uint64_t mt_hist_min(const mt_hist *h)
{
    return h->count ? h->min : 0;
}

uint64_t mt_hist_max(const mt_hist *h)
{
    return h->max;
}

double mt_hist_mean(const mt_hist *h)
{
    return h->count ? (double)h->sum / (double)h->count : 0.0;
}

/* The 1-based rank of percentile p in (0, 100): ceil(p% of count), with a
 * tiny tolerance so that e.g. 99.9% of 1000 is 999, not 1000. */
static uint64_t percentile_rank(const mt_hist *h, double p)
{
    double x = p / 100.0 * (double)h->count;
    x -= x * 1e-13;
    uint64_t rank = (uint64_t)x;
    if ((double)rank < x) rank++;
    if (rank < 1) rank = 1;
    return rank > h->count ? h->count : rank;
}

uint64_t mt_hist_percentile(const mt_hist *h, double p)
{
    if (h->count == 0) return 0;
    if (!(p > 0)) return h->min;
    if (p >= 100) return h->max;
    uint64_t rank = percentile_rank(h, p), seen = 0;
    size_t i = 0;
    while (i < NBUCKETS - 1 && (seen += h->counts[i]) < rank) i++;
    uint64_t lo, hi;
    bucket_bounds(i, &lo, &hi);
    uint64_t mid = lo + (hi - lo) / 2;
    if (mid < h->min) return h->min;
    return mid > h->max ? h->max : mid;
}

int mt_hist_next(const mt_hist *h, size_t *cursor, uint64_t *lo, uint64_t *hi, uint64_t *count)
{
    size_t i = *cursor;
    while (i < NBUCKETS && h->counts[i] == 0) i++;
    if (i >= NBUCKETS) {
        *cursor = NBUCKETS;
        return 0;
    }
    bucket_bounds(i, lo, hi);
    *count = h->counts[i];
    *cursor = i + 1;
    return 1;
}

/* ---- encoding ---- */

static void put_vlq(mt_buf *b, uint64_t n)
{
    do {
        unsigned digit = (unsigned)(n & 31);
        n >>= 5;
        if (n) digit |= 32;
        mt_buf_append(b, &B64[digit], 1);
    } while (n);
}

char *mt_hist_encode(const mt_hist *h)
{
    mt_buf b;
    mt_buf_init(&b);
    mt_buf_printf(&b, "h1:%llu,%llu,%llu,%llu:", (unsigned long long)h->count,
                  (unsigned long long)mt_hist_min(h), (unsigned long long)h->max,
                  (unsigned long long)h->sum);
    size_t next = 0; /* the bucket the decoder is at */
    for (size_t i = 0; i < NBUCKETS; i++) {
        if (h->counts[i] == 0) continue;
        if (i > next) {
            put_vlq(&b, 0);
            put_vlq(&b, i - next);
        }
        put_vlq(&b, h->counts[i]);
        next = i + 1;
    }
    return b.data;
}

/* ---- decoding ---- */

/* A decimal number ending at `end`; advances *s past it. */
static int get_dec(const char **s, char end, uint64_t *out)
{
    const char *p = *s;
    uint64_t n = 0;
    if (*p < '0' || *p > '9') return MT_EINVAL;
    for (; *p >= '0' && *p <= '9'; p++) {
        unsigned d = (unsigned)(*p - '0');
        if (n > (UINT64_MAX - d) / 10) return MT_EINVAL;
        n = n * 10 + d;
    }
    if (*p != end) return MT_EINVAL;
    *s = p + 1;
    *out = n;
    return 0;
}

static int b64_value(char c)
{
    const char *p = c ? strchr(B64, c) : NULL;
    return p ? (int)(p - B64) : -1;
}

/* One base64-VLQ number, in canonical form (no trailing zero groups). */
static int get_vlq(const char **s, uint64_t *out)
{
    const char *p = *s;
    uint64_t n = 0;
    for (unsigned shift = 0;; shift += 5) {
        int d = b64_value(*p++);
        if (d < 0 || shift > 60) return MT_EINVAL;
        uint64_t bits = (uint64_t)(d & 31);
        if (shift == 60 && bits > 15) return MT_EINVAL;
        if (shift > 0 && bits == 0 && !(d & 32)) return MT_EINVAL;
        n |= bits << shift;
        if (!(d & 32)) break;
    }
    *s = p;
    *out = n;
    return 0;
}

/* The body's buckets into t (empty), checking indexes and the total. */
static int decode_body(mt_hist *t, const char *s, uint64_t count)
{
    uint64_t at = 0, total = 0, n;
    while (*s) {
        if (get_vlq(&s, &n)) return MT_EINVAL;
        if (n == 0) {
            if (get_vlq(&s, &n) || n == 0 || n > NBUCKETS) return MT_EINVAL;
            at += n;
            continue;
        }
        if (at == 0 || at >= NBUCKETS || n > UINT64_MAX - total) return MT_EINVAL;
        t->counts[at++] = n;
        total += n;
    }
    return total == count ? 0 : MT_EINVAL;
}

/* Are count/min/max/sum consistent with the buckets? */
static int check_summary(const mt_hist *t, uint64_t min, uint64_t max)
{
    if (t->count == 0) return (min | max | t->sum) ? MT_EINVAL : 0;
    if (min < 1 || min > max || max > MT_HIST_MAX_US) return MT_EINVAL;
    size_t first = 0, last = 0, cur = 0;
    uint64_t lo, hi, n;
    if (!mt_hist_next(t, &cur, &lo, &hi, &n)) return MT_EINVAL;
    first = cur - 1;
    for (size_t i = first; i < NBUCKETS; i++)
        if (t->counts[i]) last = i;
    if (bucket_of(min) != first || bucket_of(max) != last) return MT_EINVAL;
    if (max > UINT64_MAX / t->count) return 0; /* the sum may have wrapped */
    return t->sum >= min * t->count && t->sum <= max * t->count ? 0 : MT_EINVAL;
}

static int decode_into(mt_hist *t, const char *text)
{
    uint64_t min, max;
    if (strncmp(text, "h1:", 3) != 0) return MT_EINVAL;
    const char *s = text + 3;
    if (get_dec(&s, ',', &t->count) || get_dec(&s, ',', &min) || get_dec(&s, ',', &max) ||
        get_dec(&s, ':', &t->sum))
        return MT_EINVAL;
    if (decode_body(t, s, t->count) || check_summary(t, min, max)) return MT_EINVAL;
    t->min = t->count ? min : UINT64_MAX;
    t->max = max;
    return 0;
}

int mt_hist_decode(mt_hist *h, const char *text)
{
    if (!text) return MT_EINVAL;
    mt_hist *t = mt_hist_new();
    int rc = decode_into(t, text);
    if (rc == 0) mt_hist_merge(h, t);
    mt_hist_free(t);
    return rc;
}

/* hist.h: a latency histogram of our own, on the HdrHistogram idea: values
 * in microseconds from 1 us to 1 h in log-linear buckets (relative error
 * <= 1%), O(1) to record, merged exactly by adding buckets, and a compact
 * sparse text encoding for reports and for moving between processes. */
#ifndef MOLOTOV_HIST_H
#define MOLOTOV_HIST_H

#include <stddef.h>
#include <stdint.h>

#define MT_HIST_MAX_US 3600000000ull /* 1 h; larger values are clamped to it */

typedef struct mt_hist mt_hist;

/* A new empty histogram (never NULL: allocation goes through mt_malloc). */
mt_hist *mt_hist_new(void);
void mt_hist_free(mt_hist *h);
void mt_hist_reset(mt_hist *h);

/* Records one value (0 counts as 1 us; above MT_HIST_MAX_US is clamped). */
void mt_hist_record(mt_hist *h, uint64_t us);
/* Records `count` values of `us` at once. */
void mt_hist_record_n(mt_hist *h, uint64_t us, uint64_t count);

/* Adds every bucket of src to dst. */
void mt_hist_merge(mt_hist *dst, const mt_hist *src);

uint64_t mt_hist_count(const mt_hist *h);
uint64_t mt_hist_min(const mt_hist *h); /* exact; 0 when empty */
uint64_t mt_hist_max(const mt_hist *h); /* exact; 0 when empty */
double mt_hist_mean(const mt_hist *h);  /* exact (from the sum); 0 when empty */

/* The value at percentile p (0..100): the smallest recorded value v such that
 * at least p% of the values are <= v, within the bucket resolution (the
 * bucket's representative value, clamped to [min, max]). 0 when empty. */
uint64_t mt_hist_percentile(const mt_hist *h, double p);

/* Iterates the non-empty buckets in increasing order: start with *cursor = 0;
 * returns 0 when done, else 1 with the bucket's bounds [lo, hi] in us and its
 * count. */
int mt_hist_next(const mt_hist *h, size_t *cursor, uint64_t *lo, uint64_t *hi, uint64_t *count);

/* Sparse text encoding: a new malloc'ed NUL-terminated string of printable
 * ASCII with no '"' or '\\' (safe inside JSON), empty histogram included,
 * that mt_hist_decode turns back into an identical histogram (buckets, count,
 * min, max, sum). */
char *mt_hist_encode(const mt_hist *h);

/* Adds the encoded histogram to h (so decoding several merges them).
 * Returns 0, or MT_EINVAL on malformed text (h is then unchanged). */
int mt_hist_decode(mt_hist *h, const char *text);

#endif

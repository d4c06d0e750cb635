/* test_hist.c: the latency histogram: percentiles against sorted values for
 * several distributions, exact merging, the sparse encoding (round trip,
 * merging by decoding, malformed text rejected), bucket iteration, and a
 * fast record path. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "molotov/common.h"
#include "molotov/hist.h"

/* ---- deterministic random values ---- */

static uint64_t rng_next(uint64_t *s) /* splitmix64 */
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static double rng_unit(uint64_t *s) /* in (0, 1) */
{
    return ((double)(rng_next(s) >> 11) + 0.5) / 9007199254740992.0;
}

static double rng_normal(uint64_t *s)
{
    return sqrt(-2.0 * log(rng_unit(s))) * cos(6.283185307179586 * rng_unit(s));
}

static uint64_t lognormal_us(uint64_t *s, double median_us, double sigma)
{
    return (uint64_t)(median_us * exp(sigma * rng_normal(s)));
}

/* ---- helpers ---- */

static uint64_t clamped(uint64_t v)
{
    return v == 0 ? 1 : v > MT_HIST_MAX_US ? MT_HIST_MAX_US : v;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

static const int PERMILLE[] = {0, 10, 500, 900, 990, 999, 1000};

/* The exact percentile (p in tenths of a percent) of sorted clamped values:
 * the smallest v with at least p% of the values <= v. */
static uint64_t exact_percentile(const uint64_t *sorted, size_t n, int permille)
{
    uint64_t rank = ((uint64_t)permille * n + 999) / 1000;
    if (rank < 1) rank = 1;
    return sorted[rank - 1];
}

static void assert_close(double got, double want, double eps)
{
    if (fabs(got - want) > eps) fail_msg("got %.17g, want %.17g", got, want);
}

/* Within 1%, and within the 1/256 (0.39%) that a bucket midpoint promises. */
static void assert_within_1pct(uint64_t got, uint64_t want)
{
    double err = fabs((double)got - (double)want) / (double)want;
    if (err > 0.01 || err > 1 / 256.0)
        fail_msg("got %llu, want %llu", (unsigned long long)got, (unsigned long long)want);
}

/* Records vals into a histogram and checks every percentile in PERMILLE,
 * count, min, max and mean against the sorted values. */
static void check_distribution(const uint64_t *vals, size_t n)
{
    mt_hist *h = mt_hist_new();
    uint64_t *sorted = malloc(n * sizeof *sorted);
    long double sum = 0;
    for (size_t i = 0; i < n; i++) {
        mt_hist_record(h, vals[i]);
        sorted[i] = clamped(vals[i]);
        sum += sorted[i];
    }
    qsort(sorted, n, sizeof *sorted, cmp_u64);
    assert_int_equal(mt_hist_count(h), n);
    assert_int_equal(mt_hist_min(h), sorted[0]);
    assert_int_equal(mt_hist_max(h), sorted[n - 1]);
    assert_close(mt_hist_mean(h), (double)(sum / n), 1e-9 * (double)(sum / n));
    for (size_t k = 0; k < sizeof PERMILLE / sizeof *PERMILLE; k++) {
        uint64_t want = exact_percentile(sorted, n, PERMILLE[k]);
        assert_within_1pct(mt_hist_percentile(h, PERMILLE[k] / 10.0), want);
    }
    assert_int_equal(mt_hist_percentile(h, 0), sorted[0]);
    assert_int_equal(mt_hist_percentile(h, 100), sorted[n - 1]);
    free(sorted);
    mt_hist_free(h);
}

static uint64_t *lognormal_values(size_t n, uint64_t seed, double median_us, double sigma)
{
    uint64_t *v = malloc(n * sizeof *v);
    for (size_t i = 0; i < n; i++) v[i] = lognormal_us(&seed, median_us, sigma);
    return v;
}

/* ---- percentiles ---- */

static void test_percentiles_uniform(void **state)
{
    (void)state;
    uint64_t vals[1000], seed = 1;
    for (size_t i = 0; i < 1000; i++) vals[i] = 1000 - i;
    check_distribution(vals, 1000);
    for (size_t i = 0; i < 1000; i++) vals[i] = 1 + rng_next(&seed) % 1000;
    check_distribution(vals, 1000);
}

static void test_percentiles_exact_below_128(void **state)
{
    (void)state;
    mt_hist *h = mt_hist_new();
    for (uint64_t v = 1; v <= 10; v++) mt_hist_record(h, v);
    assert_int_equal(mt_hist_percentile(h, 50), 5);
    assert_int_equal(mt_hist_percentile(h, 50.1), 6);
    assert_int_equal(mt_hist_percentile(h, 10), 1);
    assert_int_equal(mt_hist_percentile(h, 90), 9);
    assert_int_equal(mt_hist_percentile(h, 99.9), 10);
    /* 99.9% of 1000 is 999 values, though 99.9 / 100 * 1000 > 999 in doubles */
    mt_hist_reset(h);
    mt_hist_record_n(h, 1, 999);
    mt_hist_record(h, 100);
    assert_int_equal(mt_hist_percentile(h, 99.9), 1);
    assert_int_equal(mt_hist_percentile(h, 99.91), 100);
    mt_hist_free(h);
}

static void test_percentiles_lognormal(void **state)
{
    (void)state;
    for (uint64_t seed = 1; seed <= 4; seed++) {
        uint64_t *vals = lognormal_values(20000, seed, 20000, 0.3 * (double)seed);
        check_distribution(vals, 20000);
        free(vals);
    }
}

static void test_percentiles_bimodal(void **state)
{
    (void)state;
    uint64_t seed = 7, vals[10000];
    for (size_t i = 0; i < 10000; i++) {
        int slow = rng_next(&seed) % 10 < 3;
        vals[i] = lognormal_us(&seed, slow ? 300000 : 2000, 0.2);
    }
    check_distribution(vals, 10000);
}

static void test_percentiles_single_value(void **state)
{
    (void)state;
    uint64_t vals[100];
    for (size_t i = 0; i < 100; i++) vals[i] = 12345;
    check_distribution(vals, 100);
    check_distribution(vals, 1);
    mt_hist *h = mt_hist_new();
    mt_hist_record(h, 12345);
    for (double p = 0; p <= 100; p += 0.5) assert_int_equal(mt_hist_percentile(h, p), 12345);
    mt_hist_free(h);
}

static void test_percentiles_edges(void **state)
{
    (void)state;
    uint64_t vals[] = {
        0,   1,   MT_HIST_MAX_US,    MT_HIST_MAX_US + 1, UINT64_MAX, 0, 1, 2, 127, 128, 129,
        255, 256, MT_HIST_MAX_US - 1};
    check_distribution(vals, sizeof vals / sizeof *vals);
    mt_hist *h = mt_hist_new();
    mt_hist_record(h, 0);
    mt_hist_record(h, UINT64_MAX);
    assert_int_equal(mt_hist_min(h), 1);
    assert_int_equal(mt_hist_max(h), MT_HIST_MAX_US);
    assert_int_equal(mt_hist_percentile(h, 50), 1);
    assert_within_1pct(mt_hist_percentile(h, 50.5), MT_HIST_MAX_US);
    assert_int_equal(mt_hist_percentile(h, -3), 1);
    assert_int_equal(mt_hist_percentile(h, 300), MT_HIST_MAX_US);
    mt_hist_free(h);
}

/* ---- min, max, mean, count, reset ---- */

static void test_summary_exact_and_reset(void **state)
{
    (void)state;
    mt_hist *h = mt_hist_new();
    assert_int_equal(mt_hist_count(h), 0);
    assert_int_equal(mt_hist_min(h), 0);
    assert_int_equal(mt_hist_max(h), 0);
    assert_close(mt_hist_mean(h), 0, 0);
    assert_int_equal(mt_hist_percentile(h, 50), 0);
    mt_hist_record(h, 1001);
    mt_hist_record(h, 1003);
    mt_hist_record_n(h, 77777, 3);
    mt_hist_record_n(h, 5, 0); /* no values: no effect on min */
    assert_int_equal(mt_hist_count(h), 5);
    assert_int_equal(mt_hist_min(h), 1001);
    assert_int_equal(mt_hist_max(h), 77777);
    assert_close(mt_hist_mean(h), (1001 + 1003 + 3 * 77777) / 5.0, 1e-9);

    char *empty = NULL, *enc;
    mt_hist *fresh = mt_hist_new();
    empty = mt_hist_encode(fresh);
    mt_hist_reset(h);
    assert_int_equal(mt_hist_count(h), 0);
    assert_int_equal(mt_hist_min(h), 0);
    assert_int_equal(mt_hist_max(h), 0);
    assert_close(mt_hist_mean(h), 0, 0);
    assert_int_equal(mt_hist_percentile(h, 99), 0);
    size_t cur = 0;
    uint64_t lo, hi, n;
    assert_int_equal(mt_hist_next(h, &cur, &lo, &hi, &n), 0);
    enc = mt_hist_encode(h);
    assert_string_equal(enc, empty);
    mt_hist_record(h, 42); /* usable after reset; min forgotten */
    assert_int_equal(mt_hist_min(h), 42);
    free(enc);
    free(empty);
    mt_hist_free(fresh);
    mt_hist_free(h);
}

/* ---- buckets ---- */

/* The bounds of the one bucket holding v. */
static void bucket_of(mt_hist *h, uint64_t v, uint64_t *lo, uint64_t *hi)
{
    size_t cur = 0;
    uint64_t n;
    mt_hist_reset(h);
    mt_hist_record(h, v);
    assert_int_equal(mt_hist_next(h, &cur, lo, hi, &n), 1);
    assert_int_equal(n, 1);
    assert_int_equal(mt_hist_next(h, &cur, &(uint64_t){0}, &(uint64_t){0}, &n), 0);
}

/* Walking bucket by bucket from 1 us: the buckets tile [1, MT_HIST_MAX_US]
 * with no gap and no overlap, each at most 1/128 of its lower bound wide. */
static void test_buckets_tile_the_range(void **state)
{
    (void)state;
    mt_hist *one = mt_hist_new(), *all = mt_hist_new();
    uint64_t v = 1, lo, hi, lo2, hi2;
    size_t buckets = 0;
    while (v <= MT_HIST_MAX_US) {
        bucket_of(one, v, &lo, &hi);
        assert_int_equal(lo, v);
        assert_true(hi >= lo);
        assert_true((hi - lo) * 128 <= lo);
        bucket_of(one, hi, &lo2, &hi2);
        assert_int_equal(lo2, lo);
        assert_int_equal(hi2, hi);
        mt_hist_record(all, hi);
        v = hi + 1;
        buckets++;
    }
    assert_int_equal(hi, MT_HIST_MAX_US);
    assert_int_equal(buckets, 3286);

    size_t cur = 0, seen = 0;
    uint64_t n, prev_hi = 0;
    while (mt_hist_next(all, &cur, &lo, &hi, &n)) {
        assert_int_equal(lo, prev_hi + 1);
        assert_int_equal(n, 1);
        prev_hi = hi;
        seen++;
    }
    assert_int_equal(seen, buckets);
    mt_hist_free(one);
    mt_hist_free(all);
}

static void test_next_covers_count(void **state)
{
    (void)state;
    uint64_t seed = 3;
    mt_hist *h = mt_hist_new();
    for (int i = 0; i < 50000; i++) mt_hist_record(h, lognormal_us(&seed, 20000, 1.5));
    mt_hist_record_n(h, 0, 5);
    mt_hist_record_n(h, UINT64_MAX, 5);
    size_t cur = 0, buckets = 0;
    uint64_t lo, hi, n, total = 0, prev_hi = 0;
    while (mt_hist_next(h, &cur, &lo, &hi, &n)) {
        assert_true(n > 0);
        assert_true(lo <= hi);
        assert_true(buckets == 0 || lo > prev_hi);
        if (buckets == 0) assert_true(lo <= mt_hist_min(h) && mt_hist_min(h) <= hi);
        prev_hi = hi;
        total += n;
        buckets++;
    }
    assert_true(lo <= mt_hist_max(h) && mt_hist_max(h) <= hi);
    assert_int_equal(total, mt_hist_count(h));
    assert_int_equal(mt_hist_next(h, &cur, &lo, &hi, &n), 0); /* stays done */
    mt_hist_free(h);
}

/* ---- merge ---- */

static void assert_same_hist(const mt_hist *a, const mt_hist *b)
{
    char *ea = mt_hist_encode(a), *eb = mt_hist_encode(b);
    assert_string_equal(ea, eb);
    free(ea);
    free(eb);
    assert_int_equal(mt_hist_count(a), mt_hist_count(b));
    assert_int_equal(mt_hist_min(a), mt_hist_min(b));
    assert_int_equal(mt_hist_max(a), mt_hist_max(b));
    assert_true(mt_hist_mean(a) == mt_hist_mean(b));
    for (double p = 0; p <= 100; p += 0.1)
        assert_int_equal(mt_hist_percentile(a, p), mt_hist_percentile(b, p));
    assert_int_equal(mt_hist_percentile(a, 99.99), mt_hist_percentile(b, 99.99));
}

static void test_merge_equals_record_all(void **state)
{
    (void)state;
    for (uint64_t seed = 1; seed <= 5; seed++) {
        mt_hist *all = mt_hist_new(), *parts[3] = {mt_hist_new(), mt_hist_new(), mt_hist_new()};
        uint64_t s = seed;
        for (int i = 0; i < 20000; i++) {
            uint64_t v = rng_next(&s) % 4 ? lognormal_us(&s, 20000, 0.8) : rng_next(&s) % 300;
            size_t k = rng_next(&s) % (seed == 5 ? 1 : 3); /* seed 5: two parts stay empty */
            mt_hist_record(all, v);
            mt_hist_record(parts[k], v);
        }
        mt_hist_merge(parts[1], parts[2]);
        mt_hist_merge(parts[0], parts[1]);
        assert_same_hist(parts[0], all);
        for (int k = 0; k < 3; k++) mt_hist_free(parts[k]);
        mt_hist_free(all);
    }
}

static void test_merge_empty(void **state)
{
    (void)state;
    mt_hist *a = mt_hist_new(), *b = mt_hist_new(), *c = mt_hist_new();
    mt_hist_merge(a, b);
    assert_same_hist(a, c);
    mt_hist_record(b, 500);
    mt_hist_merge(a, b);
    mt_hist_merge(b, c);
    assert_same_hist(a, b);
    assert_int_equal(mt_hist_min(a), 500);
    mt_hist_free(a);
    mt_hist_free(b);
    mt_hist_free(c);
}

/* ---- encoding ---- */

static void assert_json_safe(const char *s)
{
    for (; *s; s++) assert_true(*s > ' ' && *s < 127 && *s != '"' && *s != '\\');
}

static void test_encode_round_trip(void **state)
{
    (void)state;
    uint64_t seed = 11;
    mt_hist *h = mt_hist_new();
    for (int round = 0; round < 3; round++) {
        char *enc = mt_hist_encode(h);
        assert_json_safe(enc);
        mt_hist *d = mt_hist_new();
        assert_int_equal(mt_hist_decode(d, enc), 0);
        assert_same_hist(h, d);
        free(enc);
        mt_hist_free(d);
        for (int i = 0; i < 5000; i++) mt_hist_record(h, lognormal_us(&seed, 20000, round + 0.5));
        mt_hist_record_n(h, rng_next(&seed), 1ull << 40); /* big counts and values */
    }
    mt_hist_free(h);
}

static void test_encode_example(void **state)
{
    (void)state;
    mt_hist *h = mt_hist_new();
    char *enc = mt_hist_encode(h);
    assert_string_equal(enc, "h1:0,0,0,0:");
    free(enc);
    mt_hist_record(h, 1);
    mt_hist_record_n(h, 2, 2);
    mt_hist_record(h, 500); /* bucket 378 = [500, 501] */
    enc = mt_hist_encode(h);
    assert_string_equal(enc, "h1:4,1,500,505:ABBCA3LB");
    free(enc);
    mt_hist_free(h);
}

static void test_decode_merges(void **state)
{
    (void)state;
    uint64_t seed = 5;
    mt_hist *a = mt_hist_new(), *b = mt_hist_new(), *both = mt_hist_new(), *d = mt_hist_new();
    for (int i = 0; i < 10000; i++) {
        uint64_t v = lognormal_us(&seed, i % 2 ? 5000 : 90000, 0.6);
        mt_hist_record(i % 3 ? a : b, v);
        mt_hist_record(both, v);
    }
    char *ea = mt_hist_encode(a), *eb = mt_hist_encode(b), *ee = mt_hist_encode(d);
    assert_int_equal(mt_hist_decode(d, ea), 0);
    assert_int_equal(mt_hist_decode(d, ee), 0); /* an empty one adds nothing */
    assert_int_equal(mt_hist_decode(d, eb), 0);
    assert_same_hist(d, both);
    free(ea);
    free(eb);
    free(ee);
    mt_hist_free(a);
    mt_hist_free(b);
    mt_hist_free(both);
    mt_hist_free(d);
}

static void assert_rejected(mt_hist *target, const char *text)
{
    char *before = mt_hist_encode(target);
    if (mt_hist_decode(target, text) != MT_EINVAL) fail_msg("accepted \"%s\"", text);
    char *after = mt_hist_encode(target);
    assert_string_equal(before, after);
    free(before);
    free(after);
}

static void test_decode_rejects_malformed(void **state)
{
    (void)state;
    uint64_t seed = 9;
    mt_hist *h = mt_hist_new(), *target = mt_hist_new();
    for (int i = 0; i < 3000; i++) mt_hist_record(h, lognormal_us(&seed, 20000, 0.7));
    mt_hist_record(target, 777);
    char *good = mt_hist_encode(h);
    size_t len = strlen(good);
    char *cut = malloc(len + 2);
    for (size_t n = 0; n < len; n++) { /* every truncation */
        memcpy(cut, good, n);
        cut[n] = '\0';
        assert_rejected(target, cut);
    }
    memcpy(cut, good, len); /* one more count at the end */
    memcpy(cut + len, "B", 2);
    assert_rejected(target, cut);
    static const char *bad[] = {
        "garbage",
        "h1:",
        "h2:0,0,0,0:",
        "H1:0,0,0,0:",
        "h1:0,0,0,0",
        "h1:0,0,0,0: ",
        "h1:0,0,0,0:B",                              /* a bucket in an empty one */
        "h1:2,5,5,10:AFB",                           /* count beyond the buckets' */
        "h1:1,5,5,5:AFhgggggggggggQ",                /* a number over 64 bits */
        "h1:1,0,0,0:",                               /* count without buckets */
        "h1:-1,5,5,5:AFB",                           /* negative count */
        "h1:1,5,5,5:AF-B",                           /* negative bucket count */
        "h1:1,5,5,5:AF\"",                           /* a quote */
        "h1:1,5,5,5:AF\\B",                          /* a backslash */
        "h1:1,5,5,5:AFBA",                           /* a dangling gap marker */
        "h1:1,5,5,5:AAAFB",                          /* an empty gap */
        "h1:1,5,5,5:AlAB",                           /* a non-canonical number */
        "h1:1,5,5,5:AFg",                            /* a dangling continuation */
        "h1:1,6,6,6:AFB",                            /* min/max not in the bucket */
        "h1:1,5,5,6:AFB",                            /* sum not count * mean */
        "h1:1,0,0,0:B",                              /* bucket 0 (value 0) */
        "h1:1,5,5,5:A//////////////PB",              /* a huge gap (overflow) */
        "h1:1,5,5,5:A/////DB",                       /* a huge bucket index */
        "h1:1,5,5,5:A3mDB",                          /* just past the last bucket */
        "h1:18446744073709551617,5,5,5:AFB",         /* count overflows */
        "h1:2,5,6,11:AF////////////PD",              /* bucket count overflows */
        "h1:1,4000000000,4000000000,4000000000:AFB", /* min beyond 1 h */
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) assert_rejected(target, bad[i]);
    assert_int_equal(mt_hist_decode(target, NULL), MT_EINVAL);
    /* the valid forms the bad ones are variations of */
    mt_hist *t = mt_hist_new();
    assert_int_equal(mt_hist_decode(t, "h1:1,5,5,5:AFB"), 0);
    assert_int_equal(mt_hist_percentile(t, 50), 5);
    mt_hist_reset(t);
    assert_int_equal(mt_hist_decode(t, "h1:1,3600000000,3600000000,3600000000:A2mDB"), 0);
    assert_int_equal(mt_hist_max(t), MT_HIST_MAX_US);
    mt_hist_free(t);
    assert_int_equal(mt_hist_count(target), 1);
    free(cut);
    free(good);
    mt_hist_free(h);
    mt_hist_free(target);
}

static void test_encoding_is_small(void **state)
{
    (void)state;
    uint64_t *vals = lognormal_values(10000, 42, 20000, 0.5);
    mt_hist *h = mt_hist_new();
    for (size_t i = 0; i < 10000; i++) mt_hist_record(h, vals[i]);
    char *enc = mt_hist_encode(h);
    print_message("10k log-normal values (median 20 ms, sigma 0.5): %zu bytes\n", strlen(enc));
    assert_true(strlen(enc) < 1024);
    free(enc);
    free(vals);
    mt_hist_free(h);
}

/* ---- speed ---- */

static void test_record_ten_million(void **state)
{
    (void)state;
    mt_hist *h = mt_hist_new();
    uint64_t x = 88172645463325252ull, expect_max = 0;
    for (int i = 0; i < 10000000; i++) {
        x ^= x << 13; /* xorshift64 */
        x ^= x >> 7;
        x ^= x << 17;
        uint64_t v = (x >> 40) + 1; /* 1 .. 2^24 us */
        if (v > expect_max) expect_max = v;
        mt_hist_record(h, v);
    }
    assert_int_equal(mt_hist_count(h), 10000000);
    assert_int_equal(mt_hist_max(h), expect_max);
    mt_hist_free(h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_percentiles_uniform),
        cmocka_unit_test(test_percentiles_exact_below_128),
        cmocka_unit_test(test_percentiles_lognormal),
        cmocka_unit_test(test_percentiles_bimodal),
        cmocka_unit_test(test_percentiles_single_value),
        cmocka_unit_test(test_percentiles_edges),
        cmocka_unit_test(test_summary_exact_and_reset),
        cmocka_unit_test(test_buckets_tile_the_range),
        cmocka_unit_test(test_next_covers_count),
        cmocka_unit_test(test_merge_equals_record_all),
        cmocka_unit_test(test_merge_empty),
        cmocka_unit_test(test_encode_round_trip),
        cmocka_unit_test(test_encode_example),
        cmocka_unit_test(test_decode_merges),
        cmocka_unit_test(test_decode_rejects_malformed),
        cmocka_unit_test(test_encoding_is_small),
        cmocka_unit_test(test_record_ten_million),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* threshold.h: --threshold pass/fail criteria (docs/cli.md "Thresholds"):
 *   [scenario:NAME:|request:LABEL:]METRIC OP VALUE
 * e.g. p99<250ms, p95<=1s, failure_rate<1%, rps>=200, scenario:login:p99<300ms,
 * request:GET /api:max<2s. Metrics: p50 p90 p95 p99 p99.9 max mean (latency,
 * units us ms s, a unit is required), failure_rate (percent, '%' optional),
 * failures (count), rps (per second). Operators < <= > >=.
 * `requests:METRIC` measures every request (its failure_rate is failed
 * requests over requests); `ok:` before a latency metric keeps only the
 * requests (or scenario runs) that did not fail: ok:p99<250ms,
 * request:GET /:ok:p95<100ms. */
#ifndef MOLOTOV_THRESHOLD_H
#define MOLOTOV_THRESHOLD_H

#include <stdbool.h>
#include <stddef.h>

typedef enum { MT_SCOPE_TOTAL, MT_SCOPE_SCENARIO, MT_SCOPE_REQUEST, MT_SCOPE_REQUESTS } mt_scope;

typedef enum {
    MT_METRIC_P50,
    MT_METRIC_P90,
    MT_METRIC_P95,
    MT_METRIC_P99,
    MT_METRIC_P999,
    MT_METRIC_MAX,
    MT_METRIC_MEAN,
    MT_METRIC_FAILURE_RATE,
    MT_METRIC_FAILURES,
    MT_METRIC_RPS,
} mt_metric;

typedef enum { MT_OP_LT, MT_OP_LE, MT_OP_GT, MT_OP_GE } mt_op;

typedef struct {
    char expr[256]; /* as given */
    mt_scope scope;
    char name[200]; /* scenario name or request label ("" for totals) */
    mt_metric metric;
    bool ok; /* ok: a latency over the requests (or runs) that did not fail only */
    mt_op op;
    double limit; /* latency in milliseconds, failure_rate in percent, else as is */
} mt_threshold;

/* Parses expr. Returns 0, or MT_EINVAL with one line in err naming the
 * threshold and what is wrong ("--threshold 'p99<abc': expected a number
 * after '<'"). */
int mt_threshold_parse(const char *expr, mt_threshold *t, char *err, size_t errlen);

/* Whether `value` (same units as limit) passes. */
bool mt_threshold_passes(const mt_threshold *t, double value);

/* The unit a metric's values are in ("ms", "%", "/s" or ""). */
const char *mt_threshold_unit(mt_metric m);

/* Metric name as in the grammar ("p99.9", "failure_rate", ...). */
const char *mt_threshold_metric_name(mt_metric m);

#endif

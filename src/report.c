/* report.c: threshold evaluation and the JSON report. JUnit is
 * report_junit.c's, the HTML page report_html.c's (drawn from the same
 * JSON), and writing the files report_files.c's. */
#include "molotov/report.h"
#include "molotov/common.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- thresholds ---- */

static bool has_name(const char *const *names, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (strcmp(names[i], name) == 0) return true;
    return false;
}

int mt_report_parse_thresholds(const mt_options *o, const char *const *names, int nnames,
                               const char *source, mt_threshold_result **out, int *n, char *err,
                               size_t errlen)
{
    *out = mt_calloc((size_t)(o->nthresholds ? o->nthresholds : 1), sizeof(mt_threshold_result));
    *n = o->nthresholds;
    for (int i = 0; i < o->nthresholds; i++) {
        mt_threshold *t = &(*out)[i].t;
        if (mt_threshold_parse(o->thresholds[i], t, err, errlen)) return MT_EINVAL;
        if (t->scope == MT_SCOPE_SCENARIO && !has_name(names, nnames, t->name)) {
            snprintf(err, errlen, "--threshold '%s': %s has no scenario named '%s'",
                     o->thresholds[i], source, t->name);
            return MT_EINVAL;
        }
    }
    return MT_OK;
}

typedef struct {
    const mt_hist *hist;
    uint64_t total, failures;
} scope_data;

/* What a threshold's scope covers, into d (a label's sum goes to *q, which
 * the caller frees); false when it saw nothing. */
static bool scope_of(const mt_report *r, const mt_threshold *t, scope_data *d, mt_req_stats *q)
{
    const mt_stats *s = r->stats;
    if (t->scope == MT_SCOPE_TOTAL || t->scope == MT_SCOPE_REQUESTS) {
        *d = (scope_data){t->ok ? s->latency_ok : s->latency, s->successes + s->failures,
                          s->failures};
        if (t->scope == MT_SCOPE_REQUESTS || t->metric == MT_METRIC_RPS) d->total = s->requests;
        if (t->scope == MT_SCOPE_REQUESTS) d->failures = s->failed_requests;
        return true;
    }
    if (t->scope == MT_SCOPE_SCENARIO) {
        for (int i = 0; i < s->nscenarios; i++) {
            if (strcmp(r->scenario_names[i], t->name) != 0) continue;
            const mt_scn_stats *sc = &s->scenarios[i];
            *d = (scope_data){t->ok ? sc->duration_ok : sc->duration, sc->successes + sc->failures,
                              sc->failures};
            if (t->metric == MT_METRIC_RPS) d->total = sc->runs;
            return true;
        }
        return false;
    }
    if (!mt_stats_label_sum(s, t->name, q)) return false;
    *d = (scope_data){t->ok ? q->latency_ok : q->latency, q->count, q->failed};
    return true;
}

static double latency_ms(const mt_hist *h, mt_metric m)
{
    if (!mt_hist_count(h)) return NAN;
    switch (m) {
    case MT_METRIC_P50: return (double)mt_hist_percentile(h, 50) / 1e3;
    case MT_METRIC_P90: return (double)mt_hist_percentile(h, 90) / 1e3;
    case MT_METRIC_P95: return (double)mt_hist_percentile(h, 95) / 1e3;
    case MT_METRIC_P99: return (double)mt_hist_percentile(h, 99) / 1e3;
    case MT_METRIC_P999: return (double)mt_hist_percentile(h, 99.9) / 1e3;
    case MT_METRIC_MAX: return (double)mt_hist_max(h) / 1e3;
    default: return mt_hist_mean(h) / 1e3;
    }
}

static double value_of(const mt_report *r, const mt_threshold *t, const scope_data *d)
{
    switch (t->metric) {
    case MT_METRIC_FAILURES: return (double)d->failures;
    case MT_METRIC_FAILURE_RATE:
        return d->total ? 100.0 * (double)d->failures / (double)d->total : NAN;
    case MT_METRIC_RPS: return r->duration_s > 0 ? (double)d->total / r->duration_s : 0;
    default: return latency_ms(d->hist, t->metric);
    }
}

static double metric_value(const mt_report *r, const mt_threshold *t)
{
    scope_data d;
    mt_req_stats q = {0};
    double v = scope_of(r, t, &d, &q) ? value_of(r, t, &d) : NAN;
    if (q.latency) mt_stats_req_free(&q);
    return v;
}

int mt_report_evaluate(mt_report *r)
{
    int failed = 0;
    for (int i = 0; i < r->nthresholds; i++) {
        mt_threshold_result *res = &r->thresholds[i];
        res->value = metric_value(r, &res->t);
        res->passed = !isnan(res->value) && mt_threshold_passes(&res->t, res->value);
        failed += !res->passed;
    }
    return failed;
}

/* ---- JSON ---- */

static void add_ms_or_null(cJSON *o, const char *key, bool has, double ms)
{
    if (has)
        cJSON_AddNumberToObject(o, key, ms);
    else
        cJSON_AddNullToObject(o, key);
}

void mt_report_add_latency(cJSON *o, const char *key, const mt_hist *h)
{
    cJSON *l = cJSON_AddObjectToObject(o, key);
    const struct {
        const char *name;
        double p;
    } ps[] = {{"p50", 50}, {"p90", 90}, {"p95", 95}, {"p99", 99}, {"p99.9", 99.9}};
    uint64_t n = mt_hist_count(h);
    cJSON_AddNumberToObject(l, "count", (double)n);
    add_ms_or_null(l, "min", n, (double)mt_hist_min(h) / 1e3);
    add_ms_or_null(l, "mean", n, mt_hist_mean(h) / 1e3);
    for (size_t i = 0; i < sizeof(ps) / sizeof(*ps); i++)
        add_ms_or_null(l, ps[i].name, n, (double)mt_hist_percentile(h, ps[i].p) / 1e3);
    add_ms_or_null(l, "max", n, (double)mt_hist_max(h) / 1e3);
}

static double rate(const mt_report *r, uint64_t n)
{
    return r->duration_s > 0 ? (double)n / r->duration_s : 0;
}

static void add_header(cJSON *j, const mt_report *r)
{
    cJSON_AddStringToObject(j, "version", MOLOTOV_VERSION);
    if (r->info) {
        mt_runinfo_to_json(r->info, j);
    } else {
        char when[40];
        mt_runinfo_iso_time(r->started_wall, when, sizeof when);
        cJSON_AddStringToObject(j, "started_at", when);
    }
    cJSON_AddNumberToObject(j, "duration_s", r->duration_s);
    cJSON_AddNumberToObject(j, "processes", r->processes ? r->processes : r->opt->processes);
    cJSON_AddNumberToObject(j, "workers", r->workers ? r->workers : r->opt->workers);
    cJSON_AddNumberToObject(j, "workers_per_process", r->opt->workers);
    cJSON *hosts = cJSON_AddArrayToObject(j, "hosts");
    for (int i = 0; i < r->stats->nhosts; i++)
        cJSON_AddItemToArray(hosts, cJSON_CreateString(r->stats->hosts[i].origin));
}

static void add_totals(cJSON *j, const mt_report *r)
{
    const mt_stats *s = r->stats;
    cJSON *t = cJSON_AddObjectToObject(j, "totals");
    mt_stats_add_counters(t, s);
    cJSON_AddNumberToObject(t, "rps", rate(r, s->requests));
    mt_report_add_latency(t, "latency_ms", s->latency);
    mt_report_add_latency(t, "latency_ok_ms", s->latency_ok);
}

static cJSON *messages_array(const mt_msgtab *t, size_t max)
{
    cJSON *a = cJSON_CreateArray();
    size_t n;
    const mt_msgcount **m = mt_msgtab_sorted(t, &n);
    for (size_t i = 0; i < n && i < max; i++) {
        cJSON *e = cJSON_CreateObject();
        cJSON_AddStringToObject(e, "message", m[i]->msg);
        cJSON_AddNumberToObject(e, "count", (double)m[i]->count);
        cJSON_AddItemToArray(a, e);
    }
    free(m);
    return a;
}

/* ---- per-second series of a label or a scenario: columns of the seconds
 * that saw something (a missing second is a gap), latency in ms ---- */

#define MT_REPORT_SERIES_LABELS 20 /* the labels with most requests that get a series */

static cJSON *col(cJSON *o, const char *key)
{
    return cJSON_AddArrayToObject(o, key);
}

static void push(cJSON *a, double v)
{
    cJSON_AddItemToArray(a, cJSON_CreateNumber(v));
}

static void push_ms(cJSON *a, const mt_tick *k, double p, bool has)
{
    cJSON_AddItemToArray(a, has ? cJSON_CreateNumber((double)mt_tick_percentile(k, p) / 1e3)
                                : cJSON_CreateNull());
}

/* runs: a scenario's (successes/failures), else a label's (requests). */
static cJSON *series_json(const mt_report *r, const mt_timeline *tl, bool runs)
{
    cJSON *o = cJSON_CreateObject();
    cJSON *t = col(o, "t"), *a = col(o, runs ? "successes" : "requests");
    cJSON *b = col(o, runs ? "failures" : "failed_requests");
    cJSON *p50 = col(o, "p50_ms"), *p95 = col(o, "p95_ms"), *p99 = col(o, "p99_ms");
    int64_t t0 = (int64_t)r->started_wall;
    for (int i = 0; i < tl->nticks; i++) {
        const mt_tick *k = &tl->ticks[i];
        uint64_t n = runs ? k->successes + k->failures : k->requests;
        push(t, (double)(k->t - t0));
        push(a, (double)(runs ? k->successes : k->requests));
        push(b, (double)(runs ? k->failures : k->failed_requests));
        push_ms(p50, k, 50, n);
        push_ms(p95, k, 95, n);
        push_ms(p99, k, 99, n);
    }
    return o;
}

/* Mean, p50 and p95 (ms) of each phase of a label's requests (a
 * percentile never above the label's own). */
static void add_timings(cJSON *x, const mt_req_stats *q)
{
    if (!q->phases || !mt_timings_count(q->phases)) return;
    cJSON *o = cJSON_AddObjectToObject(x, "timings_ms");
    cJSON_AddNumberToObject(o, "count", (double)mt_timings_count(q->phases));
    for (int i = 0; i < MT_NPHASES; i++) {
        cJSON *p = cJSON_AddObjectToObject(o, mt_timing_phase_name(i));
        cJSON_AddNumberToObject(p, "mean", mt_timings_mean_us(q->phases, i) / 1e3);
        for (int k = 0; k < 2; k++) {
            double pct = k ? 95 : 50;
            uint64_t whole = mt_hist_percentile(q->latency, pct);
            uint64_t v = mt_timings_percentile_within(q->phases, i, pct, whole);
            cJSON_AddNumberToObject(p, k ? "p95" : "p50", (double)v / 1e3);
        }
    }
}

static void add_scenarios(cJSON *j, const mt_report *r)
{
    const mt_stats *s = r->stats;
    cJSON *o = cJSON_AddObjectToObject(j, "scenarios");
    for (int i = 0; i < s->nscenarios; i++) {
        const mt_scn_stats *sc = &s->scenarios[i];
        cJSON *x = cJSON_AddObjectToObject(o, r->scenario_names[i]);
        cJSON_AddNumberToObject(x, "runs", (double)sc->runs);
        cJSON_AddNumberToObject(x, "successes", (double)sc->successes);
        cJSON_AddNumberToObject(x, "failures", (double)sc->failures);
        cJSON_AddNumberToObject(x, "cancelled", (double)sc->cancelled);
        cJSON_AddNumberToObject(x, "rps", rate(r, sc->runs));
        mt_report_add_latency(x, "latency_ms", sc->duration);
        mt_report_add_latency(x, "latency_ok_ms", sc->duration_ok);
        cJSON_AddItemToObject(x, "top_errors", messages_array(&sc->msgs, 5));
        cJSON_AddItemToObject(x, "timeline", series_json(r, &sc->timeline, true));
    }
}

/* The request rows, sorted as every report shows them, keyed by the label
 * they show (with the origin when the run talked to several). */
static cJSON *requests_json(const mt_report *r, const mt_stats *s)
{
    cJSON *o = cJSON_CreateObject();
    const mt_req_stats **rows = mt_stats_sorted(s);
    bool many = mt_stats_many_origins(s);
    for (int i = 0; i < s->nreqs; i++) {
        const mt_req_stats *q = rows[i];
        char label[512], key[528];
        const char *shown = mt_stats_display_label(s, q, label, sizeof label);
        snprintf(key, sizeof key, "%s", shown);
        for (int n = 2; cJSON_GetObjectItemCaseSensitive(o, key); n++) /* a name like a label */
            snprintf(key, sizeof key, "%s #%d", shown, n);
        cJSON *x = cJSON_AddObjectToObject(o, key);
        mt_stats_add_req_counts(x, q, !(s->unknown & MT_UNKNOWN_BYTES));
        cJSON_AddNumberToObject(x, "rps", rate(r, q->count));
        if (*q->origin) cJSON_AddStringToObject(x, "origin", q->origin);
        if (many) cJSON_AddStringToObject(x, "label", q->label);
        mt_stats_add_codes(x, "status", "errors_by_kind", q);
        mt_report_add_latency(x, "latency_ms", q->latency);
        mt_report_add_latency(x, "latency_ok_ms", q->latency_ok);
        if (s->unknown & MT_UNKNOWN_TIMINGS)
            cJSON_AddNullToObject(x, "timings_ms");
        else
            add_timings(x, q);
        if (i < MT_REPORT_SERIES_LABELS && q->series)
            cJSON_AddItemToObject(x, "timeline", series_json(r, &q->timeline, false));
    }
    free(rows);
    return o;
}

static void add_fixtures(cJSON *j, const mt_report *r)
{
    const mt_stats *f = r->fixtures;
    if (!f) return;
    cJSON *x = cJSON_AddObjectToObject(j, "fixtures");
    cJSON_AddNumberToObject(x, "requests", (double)f->requests);
    cJSON_AddNumberToObject(x, "errors", (double)f->failed_requests);
    cJSON_AddItemToObject(x, "requests_by_label", requests_json(r, f));
}

static void add_thresholds(cJSON *j, const mt_report *r)
{
    cJSON *a = cJSON_AddArrayToObject(j, "thresholds");
    for (int i = 0; i < r->nthresholds; i++) {
        const mt_threshold_result *t = &r->thresholds[i];
        cJSON *x = cJSON_CreateObject();
        cJSON_AddStringToObject(x, "expr", t->t.expr);
        if (isnan(t->value))
            cJSON_AddNullToObject(x, "value");
        else
            cJSON_AddNumberToObject(x, "value", t->value);
        cJSON_AddStringToObject(x, "unit", mt_threshold_unit(t->t.metric));
        cJSON_AddBoolToObject(x, "passed", t->passed);
        static const char *const scopes[] = {"total", "scenario", "request", "requests"};
        static const char *const ops[] = {"<", "<=", ">", ">="};
        cJSON_AddStringToObject(x, "scope", scopes[t->t.scope]);
        cJSON_AddStringToObject(x, "name", t->t.name);
        cJSON_AddStringToObject(x, "metric", mt_threshold_metric_name(t->t.metric));
        cJSON_AddBoolToObject(x, "ok_only", t->t.ok);
        cJSON_AddStringToObject(x, "op", ops[t->t.op]);
        cJSON_AddNumberToObject(x, "limit", t->t.limit);
        cJSON_AddItemToArray(a, x);
    }
}

static void add_timeline(cJSON *j, const mt_report *r)
{
    const mt_stats *s = r->stats;
    cJSON *a = cJSON_AddArrayToObject(j, "timeline");
    int64_t t0 = (int64_t)r->started_wall;
    for (int i = 0; i < s->timeline.nticks; i++) {
        const mt_tick *k = &s->timeline.ticks[i];
        cJSON *x = cJSON_CreateObject();
        cJSON_AddNumberToObject(x, "t", (double)(k->t - t0));
        cJSON_AddNumberToObject(x, "unix", (double)k->t);
        cJSON_AddNumberToObject(x, "requests", (double)k->requests);
        cJSON_AddNumberToObject(x, "failed_requests", (double)k->failed_requests);
        cJSON_AddNumberToObject(x, "successes", (double)k->successes);
        cJSON_AddNumberToObject(x, "failures", (double)k->failures);
        cJSON_AddNumberToObject(x, "transport_errors", (double)k->fails.transport);
        cJSON_AddNumberToObject(x, "failed_4xx", (double)k->fails.status_4xx);
        cJSON_AddNumberToObject(x, "failed_5xx", (double)k->fails.status_5xx);
        cJSON_AddNumberToObject(x, "failed_other", (double)k->fails.other);
        add_ms_or_null(x, "workers", k->workers && !(s->unknown & MT_UNKNOWN_WORKERS),
                       (double)k->workers);
        add_ms_or_null(x, "p50_ms", k->requests, (double)mt_tick_percentile(k, 50) / 1e3);
        add_ms_or_null(x, "p95_ms", k->requests, (double)mt_tick_percentile(k, 95) / 1e3);
        add_ms_or_null(x, "p99_ms", k->requests, (double)mt_tick_percentile(k, 99) / 1e3);
        cJSON_AddItemToArray(a, x);
    }
}

static void add_distribution(cJSON *j, const mt_report *r)
{
    cJSON *a = cJSON_AddArrayToObject(j, "distribution");
    size_t cursor = 0;
    uint64_t lo, hi, count;
    while (mt_hist_next(r->stats->latency, &cursor, &lo, &hi, &count)) {
        cJSON *x = cJSON_CreateObject();
        cJSON_AddNumberToObject(x, "lo_ms", (double)lo / 1e3);
        cJSON_AddNumberToObject(x, "hi_ms", (double)hi / 1e3);
        cJSON_AddNumberToObject(x, "count", (double)count);
        cJSON_AddItemToArray(a, x);
    }
}

static void add_histograms(cJSON *j, const mt_report *r)
{
    cJSON *h = mt_stats_to_json(r->stats);
    cJSON *names = cJSON_AddArrayToObject(h, "scenario_names");
    for (int i = 0; i < r->stats->nscenarios; i++)
        cJSON_AddItemToArray(names, cJSON_CreateString(r->scenario_names[i]));
    cJSON_AddItemToObject(j, "histograms", h);
}

cJSON *mt_report_json(const mt_report *r)
{
    cJSON *j = cJSON_CreateObject();
    add_header(j, r);
    add_totals(j, r);
    add_scenarios(j, r);
    cJSON_AddItemToObject(j, "requests", requests_json(r, r->stats));
    add_fixtures(j, r);
    cJSON_AddItemToObject(j, "errors", messages_array(&r->stats->msgs, (size_t)-1));
    add_thresholds(j, r);
    add_timeline(j, r);
    add_distribution(j, r);
    if (r->sizing) cJSON_AddItemToObject(j, "sizing", mt_sizing_json(r->sizing));
    if (r->opt->rate > 0) {
        cJSON *rate = cJSON_AddObjectToObject(j, "rate");
        cJSON_AddNumberToObject(rate, "target_per_s", r->opt->rate);
        cJSON_AddNumberToObject(rate, "ramp_up_s", r->opt->ramp_up);
        cJSON_AddNumberToObject(rate, "started",
                                (double)(r->stats->successes + r->stats->failures));
        cJSON_AddNumberToObject(rate, "dropped", (double)r->stats->dropped);
    }
    if (r->merge) cJSON_AddItemToObject(j, "merge", cJSON_Duplicate(r->merge, true));
    add_histograms(j, r);
    return j;
}

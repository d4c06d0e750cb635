/* report.c: threshold evaluation and the JSON and JUnit reports; the HTML
 * report is drawn by report_html.c from the same JSON. */
#include "molotov/report.h"
#include "molotov/common.h"
#include "molotov/report_html.h"

#include <errno.h>
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

static uint64_t request_failures(const mt_req_stats *r)
{
    uint64_t n = r->errors;
    for (int c = 400; c < MT_STATS_MAX_STATUS; c++) n += r->status[c];
    return n;
}

/* What a threshold's scope covers; false when it saw nothing. */
static bool scope_of(const mt_report *r, const mt_threshold *t, scope_data *d)
{
    const mt_stats *s = r->stats;
    if (t->scope == MT_SCOPE_TOTAL) {
        *d = (scope_data){s->latency, s->successes + s->failures, s->failures};
        if (t->metric == MT_METRIC_RPS) d->total = s->requests;
        return true;
    }
    if (t->scope == MT_SCOPE_SCENARIO) {
        for (int i = 0; i < s->nscenarios; i++) {
            if (strcmp(r->scenario_names[i], t->name) != 0) continue;
            const mt_scn_stats *sc = &s->scenarios[i];
            *d = (scope_data){sc->duration, sc->successes + sc->failures, sc->failures};
            return true;
        }
        return false;
    }
    const mt_req_stats *q = mt_stats_label(s, t->name);
    if (!q) return false;
    *d = (scope_data){q->latency, q->count, request_failures(q)};
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

static double metric_value(const mt_report *r, const mt_threshold *t)
{
    scope_data d;
    if (!scope_of(r, t, &d)) return NAN;
    switch (t->metric) {
    case MT_METRIC_FAILURES: return (double)d.failures;
    case MT_METRIC_FAILURE_RATE:
        return d.total ? 100.0 * (double)d.failures / (double)d.total : NAN;
    case MT_METRIC_RPS: return r->duration_s > 0 ? (double)d.total / r->duration_s : 0;
    default: return latency_ms(d.hist, t->metric);
    }
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

static const char *unit_of(mt_metric m)
{
    switch (m) {
    case MT_METRIC_FAILURE_RATE: return "%";
    case MT_METRIC_FAILURES: return "";
    case MT_METRIC_RPS: return "/s";
    default: return "ms";
    }
}

/* ---- JSON ---- */

static void add_latency(cJSON *o, const char *key, const mt_hist *h)
{
    cJSON *l = cJSON_AddObjectToObject(o, key);
    const struct {
        const char *name;
        double p;
    } ps[] = {{"p50", 50}, {"p90", 90}, {"p95", 95}, {"p99", 99}, {"p99.9", 99.9}};
    cJSON_AddNumberToObject(l, "min", (double)mt_hist_min(h) / 1e3);
    cJSON_AddNumberToObject(l, "mean", mt_hist_mean(h) / 1e3);
    for (size_t i = 0; i < sizeof(ps) / sizeof(*ps); i++)
        cJSON_AddNumberToObject(l, ps[i].name, (double)mt_hist_percentile(h, ps[i].p) / 1e3);
    cJSON_AddNumberToObject(l, "max", (double)mt_hist_max(h) / 1e3);
}

static double rate(const mt_report *r, uint64_t n)
{
    return r->duration_s > 0 ? (double)n / r->duration_s : 0;
}

static void add_header(cJSON *j, const mt_report *r)
{
    char when[40];
    time_t secs = (time_t)r->started_wall;
    struct tm tm;
    gmtime_r(&secs, &tm);
    size_t n = strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(when + n, sizeof(when) - n, ".%03dZ",
             (int)((r->started_wall - (double)secs) * 1000) % 1000);
    cJSON_AddStringToObject(j, "version", MOLOTOV_VERSION);
    cJSON_AddStringToObject(j, "started_at", when);
    cJSON_AddNumberToObject(j, "duration_s", r->duration_s);
    cJSON_AddNumberToObject(j, "processes", r->opt->processes);
    cJSON_AddNumberToObject(j, "workers", r->opt->workers);
}

static void add_totals(cJSON *j, const mt_report *r)
{
    const mt_stats *s = r->stats;
    cJSON *t = cJSON_AddObjectToObject(j, "totals");
    mt_stats_add_counters(t, s);
    cJSON_AddNumberToObject(t, "rps", rate(r, s->requests));
    add_latency(t, "latency_ms", s->latency);
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
        cJSON_AddNumberToObject(x, "rps", rate(r, sc->runs));
        add_latency(x, "latency_ms", sc->duration);
    }
}

static void add_requests(cJSON *j, const mt_report *r)
{
    const mt_stats *s = r->stats;
    cJSON *o = cJSON_AddObjectToObject(j, "requests");
    for (int i = 0; i < s->nreqs; i++) {
        const mt_req_stats *q = &s->reqs[i];
        cJSON *x = cJSON_AddObjectToObject(o, q->label);
        cJSON_AddNumberToObject(x, "count", (double)q->count);
        cJSON_AddNumberToObject(x, "errors", (double)q->errors);
        cJSON_AddNumberToObject(x, "rps", rate(r, q->count));
        mt_stats_add_codes(x, "status", "errors_by_kind", q);
        add_latency(x, "latency_ms", q->latency);
    }
}

static void add_errors(cJSON *j, const mt_report *r)
{
    cJSON *a = cJSON_AddArrayToObject(j, "errors");
    size_t n;
    const mt_msgcount **m = mt_stats_messages(r->stats, &n);
    for (size_t i = 0; i < n; i++) {
        cJSON *e = cJSON_CreateObject();
        cJSON_AddStringToObject(e, "message", m[i]->msg);
        cJSON_AddNumberToObject(e, "count", (double)m[i]->count);
        cJSON_AddItemToArray(a, e);
    }
    free(m);
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
        cJSON_AddStringToObject(x, "unit", unit_of(t->t.metric));
        cJSON_AddBoolToObject(x, "passed", t->passed);
        static const char *const scopes[] = {"total", "scenario", "request"};
        static const char *const ops[] = {"<", "<=", ">", ">="};
        cJSON_AddStringToObject(x, "scope", scopes[t->t.scope]);
        cJSON_AddStringToObject(x, "name", t->t.name);
        cJSON_AddStringToObject(x, "metric", mt_threshold_metric_name(t->t.metric));
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
    for (int i = 0; i < s->nticks; i++) {
        const mt_tick *k = &s->ticks[i];
        cJSON *x = cJSON_CreateObject();
        cJSON_AddNumberToObject(x, "t", (double)(k->t - t0));
        cJSON_AddNumberToObject(x, "unix", (double)k->t);
        cJSON_AddNumberToObject(x, "requests", (double)k->requests);
        cJSON_AddNumberToObject(x, "successes", (double)k->successes);
        cJSON_AddNumberToObject(x, "failures", (double)k->failures);
        uint64_t p50 = k->latency ? mt_hist_percentile(k->latency, 50) : k->p50_us;
        uint64_t p99 = k->latency ? mt_hist_percentile(k->latency, 99) : k->p99_us;
        cJSON_AddNumberToObject(x, "p50_ms", (double)p50 / 1e3);
        cJSON_AddNumberToObject(x, "p99_ms", (double)p99 / 1e3);
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

cJSON *mt_report_json(const mt_report *r)
{
    cJSON *j = cJSON_CreateObject();
    add_header(j, r);
    add_totals(j, r);
    add_scenarios(j, r);
    add_requests(j, r);
    add_errors(j, r);
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
    cJSON *h = mt_stats_to_json(r->stats);
    cJSON *names = cJSON_AddArrayToObject(h, "scenario_names");
    for (int i = 0; i < r->stats->nscenarios; i++)
        cJSON_AddItemToArray(names, cJSON_CreateString(r->scenario_names[i]));
    cJSON_AddItemToObject(j, "histograms", h);
    return j;
}

/* ---- JUnit ---- */

static void xml_text(FILE *out, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '&': fputs("&amp;", out); break;
        case '"': fputs("&quot;", out); break;
        default:
            if ((unsigned char)*s >= 0x20 || *s == '\n' || *s == '\t') fputc(*s, out);
        }
    }
}

static void junit_scenario(FILE *out, const mt_report *r, int i)
{
    const mt_scn_stats *sc = &r->stats->scenarios[i];
    fputs("    <testcase classname=\"molotov.scenario\" name=\"", out);
    xml_text(out, r->scenario_names[i]);
    fprintf(out, "\" time=\"%.3f\">", mt_hist_mean(sc->duration) / 1e6);
    if (sc->failures)
        fprintf(out, "<failure message=\"%llu of %llu runs failed\"/>",
                (unsigned long long)sc->failures, (unsigned long long)sc->runs);
    fputs("</testcase>\n", out);
}

static void junit_threshold(FILE *out, const mt_threshold_result *t)
{
    fputs("    <testcase classname=\"molotov.threshold\" name=\"", out);
    xml_text(out, t->t.expr);
    fputs("\" time=\"0\">", out);
    if (!t->passed) {
        char msg[128];
        if (isnan(t->value))
            snprintf(msg, sizeof(msg), "no data");
        else
            snprintf(msg, sizeof(msg), "%s = %.3f%s", mt_threshold_metric_name(t->t.metric),
                     t->value, unit_of(t->t.metric));
        fputs("<failure message=\"", out);
        xml_text(out, msg);
        fputs("\"/>", out);
    }
    fputs("</testcase>\n", out);
}

int mt_report_junit(const mt_report *r, FILE *out)
{
    int nscn = r->stats->nscenarios, failed_scn = 0, failed_thr = 0;
    for (int i = 0; i < nscn; i++) failed_scn += r->stats->scenarios[i].failures > 0;
    for (int i = 0; i < r->nthresholds; i++) failed_thr += !r->thresholds[i].passed;
    fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    fprintf(out, "<testsuites name=\"molotov\" tests=\"%d\" failures=\"%d\" time=\"%.3f\">\n",
            nscn + r->nthresholds, failed_scn + failed_thr, r->duration_s);
    fprintf(out, "  <testsuite name=\"scenarios\" tests=\"%d\" failures=\"%d\" time=\"%.3f\">\n",
            nscn, failed_scn, r->duration_s);
    for (int i = 0; i < nscn; i++) junit_scenario(out, r, i);
    fprintf(out, "  </testsuite>\n");
    fprintf(out, "  <testsuite name=\"thresholds\" tests=\"%d\" failures=\"%d\" time=\"0\">\n",
            r->nthresholds, failed_thr);
    for (int i = 0; i < r->nthresholds; i++) junit_threshold(out, &r->thresholds[i]);
    fprintf(out, "  </testsuite>\n</testsuites>\n");
    return ferror(out) ? MT_EIO : MT_OK;
}

/* ---- files ---- */

typedef int (*writer)(const mt_report *r, const cJSON *j, FILE *out);

static int write_json(const mt_report *r, const cJSON *j, FILE *out)
{
    (void)r;
    char *txt = cJSON_Print(j);
    int rc = txt && fputs(txt, out) >= 0 && fputc('\n', out) != EOF ? MT_OK : MT_EIO;
    cJSON_free(txt);
    return rc;
}

static int write_html(const mt_report *r, const cJSON *j, FILE *out)
{
    (void)r;
    return mt_report_html(j, out);
}

static int write_junit(const mt_report *r, const cJSON *j, FILE *out)
{
    (void)j;
    return mt_report_junit(r, out);
}

static int write_file(const char *opt, const char *path, writer fn, const mt_report *r,
                      const cJSON *j)
{
    if (!path) return MT_OK;
    FILE *out = fopen(path, "w");
    int rc = out ? fn(r, j, out) : MT_EIO;
    if (out && fclose(out)) rc = MT_EIO;
    if (rc) fprintf(stderr, "molotov: %s %s: cannot write (%s)\n", opt, path, strerror(errno));
    return rc;
}

int mt_report_write_all(const mt_report *r)
{
    const mt_options *o = r->opt;
    if (!o->json_path && !o->html_path && !o->junit_path) return MT_OK;
    cJSON *j = mt_report_json(r);
    int rc = write_file("--json", o->json_path, write_json, r, j);
    rc |= write_file("--html", o->html_path, write_html, r, j);
    rc |= write_file("--junit", o->junit_path, write_junit, r, j);
    cJSON_Delete(j);
    return rc ? MT_EIO : MT_OK;
}

/* merge.c: `molotov merge`: reads JSON reports, refuses what cannot be
 * merged (the same run twice, different scripts), adds their "histograms"
 * (the exact statistics of each run) into one mt_stats, and writes the parts
 * table, the summary, the thresholds' verdicts (the parts' own unless others
 * are given) and the reports of the whole. */
#include "molotov/merge.h"
#include "molotov/common.h"
#include "molotov/config.h"
#include "molotov/console.h"
#include "molotov/fmt.h"
#include "molotov/options.h"
#include "molotov/report.h"
#include "molotov/report_files.h"
#include "molotov/runinfo.h"

#include <getopt.h>
#include <math.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void mt_merged_free(mt_merged *m)
{
    mt_stats_free(&m->stats);
    for (int i = 0; i < m->nnames; i++) free(m->names[i]);
    free(m->names);
    for (int i = 0; i < m->nthresholds; i++) free(m->thresholds[i]);
    free(m->thresholds);
    free(m->script);
    free(m->sha256);
    cJSON_Delete(m->merge);
    memset(m, 0, sizeof(*m));
}

static int name_index(mt_merged *m, const char *name)
{
    for (int i = 0; i < m->nnames; i++)
        if (strcmp(m->names[i], name) == 0) return i;
    m->names = mt_realloc(m->names, sizeof(char *) * (size_t)(m->nnames + 1));
    m->names[m->nnames] = mt_strdup(name);
    return m->nnames++;
}

/* The report's histograms, checked; NULL when it is not a molotov report. */
static const cJSON *histograms_of(const cJSON *r)
{
    const cJSON *h = cJSON_GetObjectItemCaseSensitive(r, "histograms");
    if (!cJSON_IsObject(h) || !cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(h, "scenario_names")))
        return NULL;
    return h;
}

/* Every report's scenario names into m->names, before the stats exist. */
static int collect_names(mt_merged *m, cJSON *const *reports, const char *const *paths, int n,
                         char *err, size_t errlen)
{
    for (int i = 0; i < n; i++) {
        const cJSON *h = histograms_of(reports[i]), *x;
        if (!h) {
            snprintf(err, errlen, "%s: not a molotov JSON report (no \"histograms\")", paths[i]);
            return MT_EINVAL;
        }
        cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(h, "scenario_names"))
        {
            if (cJSON_IsString(x)) name_index(m, x->valuestring);
        }
    }
    return MT_OK;
}

static double number(const cJSON *r, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(r, key);
    return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

static const char *string(const cJSON *r, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(r, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* string(), or "-" where a printed table needs text (a part may lack it). */
static const char *shown(const cJSON *r, const char *key)
{
    const char *s = string(r, key);
    return s ? s : "-";
}

/* A process or worker count: 0 unless a number in [0, 1e7] (a report is a
 * file a user names: nothing in it may reach an undefined cast). */
static int small_count(const cJSON *r, const char *key)
{
    double v = number(r, key);
    return v >= 0 && v <= 1e7 ? (int)v : 0;
}

/* The run's start and end in Unix seconds; false when they are missing. */
static bool span_of(const cJSON *r, double *start, double *end)
{
    const char *at = string(r, "started_at");
    if (!at || mt_options_parse_time(at, start)) return false;
    double d = number(r, "duration_s");
    *end = *start + (d > 0 && d < 1e9 ? d : 0); /* a report is a file a user names */
    return true;
}

/* All workers of a report: newer reports count them over their processes. */
static int workers_of(const cJSON *r)
{
    int w = small_count(r, "workers"), p = small_count(r, "processes");
    if (cJSON_GetObjectItemCaseSensitive(r, "workers_per_process")) return w;
    return w * (p > 0 ? p : 1);
}

/* ---- what the parts are: ids, scripts, spans ---- */

/* The run ids a report stands for: its own and, when it is a merge, its parts'. */
static void run_ids_of(const cJSON *r, const char **ids, int *n, int max)
{
    const char *own = string(r, "run_id");
    if (own && *n < max) ids[(*n)++] = own;
    const cJSON *merge = cJSON_GetObjectItemCaseSensitive(r, "merge"), *p;
    const cJSON *parts = cJSON_GetObjectItemCaseSensitive(merge, "parts");
    if (!cJSON_IsArray(parts)) parts = NULL;
    cJSON_ArrayForEach(p, parts)
    {
        const char *id = string(p, "run_id");
        if (id && *n < max) ids[(*n)++] = id;
    }
}

#define MAX_IDS 100000

typedef struct {
    const char *id;
    int owner;
} run_id;

static int by_id(const void *a, const void *b)
{
    const run_id *x = a, *y = b;
    int c = strcmp(x->id, y->id);
    return c ? c : (x->owner > y->owner) - (x->owner < y->owner);
}

/* A run found twice among the reports: refused, it would count twice. */
static int check_run_ids(cJSON *const *reports, const char *const *paths, int n, char *err,
                         size_t errlen)
{
    const char **ids = mt_calloc(MAX_IDS, sizeof(*ids));
    run_id *all = mt_calloc(MAX_IDS, sizeof(*all));
    int k = 0, rc = MT_OK;
    for (int i = 0; i < n; i++) {
        int from = k;
        run_ids_of(reports[i], ids, &k, MAX_IDS);
        for (int a = from; a < k; a++) all[a] = (run_id){ids[a], i};
    }
    qsort(all, (size_t)k, sizeof(*all), by_id); /* the same id twice: next to each other */
    for (int a = 1; a < k && !rc; a++) {
        if (strcmp(all[a - 1].id, all[a].id) != 0) continue;
        snprintf(err, errlen,
                 "%s and %s hold the same run (run id %s): merging would count it twice",
                 paths[all[a - 1].owner], paths[all[a].owner], all[a].id);
        rc = MT_EINVAL;
    }
    free(ids);
    free(all);
    return rc;
}

static const char *sha_of(const cJSON *r)
{
    return string(cJSON_GetObjectItemCaseSensitive(r, "script"), "sha256");
}

/* Reports of different scripts are refused unless --force; m keeps the
 * script when they all agree. */
static int check_scripts(mt_merged *m, cJSON *const *reports, const char *const *paths, int n,
                         bool force, char *err, size_t errlen)
{
    int first = -1;
    bool same = true;
    for (int i = 0; i < n; i++) {
        const char *sha = sha_of(reports[i]);
        if (!sha) continue;
        if (first < 0) {
            first = i;
        } else if (strcmp(sha, sha_of(reports[first])) != 0) {
            same = false;
            if (force) continue;
            snprintf(err, errlen,
                     "%s and %s are runs of different scripts (sha256 %.12s... and %.12s...); "
                     "--force merges them anyway",
                     paths[first], paths[i], sha_of(reports[first]), sha);
            return MT_EINVAL;
        }
    }
    if (first >= 0 && same) {
        m->sha256 = mt_strdup(sha_of(reports[first]));
        const char *path =
            string(cJSON_GetObjectItemCaseSensitive(reports[first], "script"), "path");
        m->script = path ? mt_strdup(path) : NULL;
    }
    return MT_OK;
}

static void add_threshold(mt_merged *m, const char *expr)
{
    for (int i = 0; i < m->nthresholds; i++)
        if (strcmp(m->thresholds[i], expr) == 0) return;
    m->thresholds = mt_realloc(m->thresholds, sizeof(char *) * (size_t)(m->nthresholds + 1));
    m->thresholds[m->nthresholds++] = mt_strdup(expr);
}

/* One row of the parts table, from the report's own figures. */
static cJSON *part_json(const cJSON *r, const char *path, double start, double end)
{
    const cJSON *totals = cJSON_GetObjectItemCaseSensitive(r, "totals");
    const cJSON *lat = cJSON_GetObjectItemCaseSensitive(totals, "latency_ms");
    const cJSON *p99 = cJSON_GetObjectItemCaseSensitive(lat, "p99");
    cJSON *p = cJSON_CreateObject();
    char when[40];
    cJSON_AddStringToObject(p, "path", path);
    const char *host = string(r, "hostname"), *id = string(r, "run_id");
    cJSON_AddStringToObject(p, "hostname", host ? host : "");
    cJSON_AddStringToObject(p, "run_id", id ? id : "");
    mt_runinfo_iso_time(start, when, sizeof when);
    cJSON_AddStringToObject(p, "started_at", when);
    mt_runinfo_iso_time(end, when, sizeof when);
    cJSON_AddStringToObject(p, "ended_at", when);
    cJSON_AddNumberToObject(p, "duration_s", end - start);
    cJSON_AddNumberToObject(p, "requests", number(totals, "requests"));
    cJSON_AddNumberToObject(p, "errors", number(totals, "failed_requests"));
    if (cJSON_IsNumber(p99))
        cJSON_AddNumberToObject(p, "p99_ms", p99->valuedouble);
    else
        cJSON_AddNullToObject(p, "p99_ms");
    cJSON_AddNumberToObject(p, "workers", workers_of(r));
    cJSON_AddNumberToObject(p, "processes", small_count(r, "processes"));
    const char *why = string(r, "stop_reason");
    cJSON_AddStringToObject(p, "stop_reason", why ? why : "completed");
    return p;
}

static int by_start(const void *a, const void *b)
{
    const double *x = a, *y = b;
    return x[0] < y[0] ? -1 : x[0] > y[0];
}

/* Whether one of arr's objects (with a number `count` > 0, or any when
 * count is NULL) has key. */
static bool some_have(const cJSON *arr, const char *count, const char *key, bool *counted)
{
    const cJSON *x;
    bool has = false;
    *counted = false;
    cJSON_ArrayForEach(x, arr)
    {
        if (count && !(number(x, count) > 0)) continue;
        *counted = true;
        has = has || cJSON_GetObjectItemCaseSensitive(x, key);
    }
    return has;
}

/* What a part (an older report, or a merge of one) lacks, in one warning:
 * the merged figures it would undercount are left out (m->stats.unknown). */
static void check_part(mt_merged *m, const cJSON *h, const char *path)
{
    const cJSON *labels = cJSON_GetObjectItemCaseSensitive(h, "labels");
    const cJSON *ticks = cJSON_GetObjectItemCaseSensitive(h, "timeline");
    bool any, scn_any, lacks[5];
    lacks[0] = number(h, "requests") > 0 &&
               !cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(h, "bytes_sent"));
    lacks[1] = !some_have(labels, "count", "phases", &any) && any;
    lacks[2] = !some_have(ticks, NULL, "workers", &any) && any;
    lacks[3] = !some_have(ticks, "failed_requests", "transport_errors", &any) && any;
    lacks[4] = (!some_have(labels, "count", "timeline", &any) && any) ||
               (!some_have(cJSON_GetObjectItemCaseSensitive(h, "scenarios"), "runs", "timeline",
                           &scn_any) &&
                scn_any);
    static const char *const what[] = {
        "byte counts (the merged bytes are left out)",
        "request timings (the merged timings are left out)",
        "workers per second (the merged ones are left out)",
        "failure classes per second (its failed requests count as other)",
        "label or scenario series (those count the other parts only)"};
    static const unsigned unknown[] = {MT_UNKNOWN_BYTES, MT_UNKNOWN_TIMINGS, MT_UNKNOWN_WORKERS, 0,
                                       0};
    mt_buf w;
    mt_buf_init(&w);
    mt_buf_printf(&w, "%s has no ", path);
    int n = 0;
    for (int i = 0; i < 5; i++) {
        if (!lacks[i]) continue;
        mt_buf_printf(&w, "%s%s", n++ ? ", no " : "", what[i]);
        m->stats.unknown |= unknown[i];
    }
    if (n)
        cJSON_AddItemToArray(cJSON_GetObjectItemCaseSensitive(m->merge, "warnings"),
                             cJSON_CreateString(w.data));
    mt_buf_free(&w);
}

/* A warning when the parts' spans leave a gap: runs at different times. */
static void check_overlap(mt_merged *m, double (*spans)[2], int n)
{
    qsort(spans, (size_t)n, sizeof(*spans), by_start);
    double end = spans[0][1];
    for (int i = 1; i < n; i++) {
        if (spans[i][0] > end) {
            char w[256];
            snprintf(w, sizeof w,
                     "the parts do not overlap in time: %.1f s pass between one part's end and "
                     "the next one's start, so the merged rates and timeline span both",
                     spans[i][0] - end);
            cJSON_AddItemToArray(cJSON_GetObjectItemCaseSensitive(m->merge, "warnings"),
                                 cJSON_CreateString(w));
            return;
        }
        if (spans[i][1] > end) end = spans[i][1];
    }
}

static int merge_one(mt_merged *m, const cJSON *r, const char *path, double span[2], char *err,
                     size_t errlen)
{
    const cJSON *h = histograms_of(r), *x;
    int map[4096], nmap = 0;
    cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(h, "scenario_names"))
    {
        if (nmap < 4096) map[nmap++] = cJSON_IsString(x) ? name_index(m, x->valuestring) : -1;
    }
    if (!span_of(r, &span[0], &span[1])) {
        snprintf(err, errlen, "%s: no \"started_at\" time", path);
        return MT_EINVAL;
    }
    if (m->nreports == 0 || span[0] < m->started_wall) m->started_wall = span[0];
    if (mt_stats_merge_json_mapped(&m->stats, h, map, nmap)) {
        snprintf(err, errlen, "%s: \"histograms\" is malformed", path);
        return MT_EINVAL;
    }
    mt_stats_seal(&m->stats, INT64_MAX); /* seconds stay encoded: memory for long runs */
    check_part(m, h, path);
    int p = small_count(r, "processes");
    m->workers += workers_of(r);
    m->processes += p > 0 ? p : 1;
    m->nreports++;
    cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(r, "thresholds"))
    {
        const char *expr = string(x, "expr");
        if (expr) add_threshold(m, expr);
    }
    const char *why = string(r, "stop_reason");
    if (why && strcmp(why, "completed") != 0 && strcmp(m->stop_reason, "completed") == 0)
        m->stop_reason = why;
    cJSON_AddItemToArray(cJSON_GetObjectItemCaseSensitive(m->merge, "parts"),
                         part_json(r, path, span[0], span[1]));
    return MT_OK;
}

int mt_merge_reports(cJSON *const *reports, const char *const *paths, int n, bool force,
                     mt_merged *m, char *err, size_t errlen)
{
    memset(m, 0, sizeof(*m));
    m->stop_reason = "completed";
    m->merge = cJSON_CreateObject();
    cJSON_AddArrayToObject(m->merge, "parts");
    cJSON_AddArrayToObject(m->merge, "warnings");
    int rc = collect_names(m, reports, paths, n, err, errlen);
    if (!rc) rc = check_run_ids(reports, paths, n, err, errlen);
    if (!rc) rc = check_scripts(m, reports, paths, n, force, err, errlen);
    mt_stats_init(&m->stats, m->nnames);
    double(*spans)[2] = mt_calloc((size_t)n + 1, sizeof(*spans));
    double end = 0;
    for (int i = 0; i < n && !rc; i++) {
        rc = merge_one(m, reports[i], paths[i], spans[i], err, errlen);
        if (spans[i][1] > end) end = spans[i][1];
    }
    if (!rc && n > 0) {
        m->duration_s = end - m->started_wall;
        check_overlap(m, spans, n);
        cJSON *span = cJSON_AddObjectToObject(m->merge, "span");
        char when[40];
        mt_runinfo_iso_time(m->started_wall, when, sizeof when);
        cJSON_AddStringToObject(span, "start", when);
        mt_runinfo_iso_time(end, when, sizeof when);
        cJSON_AddStringToObject(span, "end", when);
    }
    free(spans);
    return rc;
}

/* ---- the command ---- */

static const struct option merge_opts[] = {
    {"json", required_argument, NULL, 'j'},  {"html", required_argument, NULL, 'H'},
    {"junit", required_argument, NULL, 'J'}, {"threshold", required_argument, NULL, 't'},
    {"quiet", no_argument, NULL, 'q'},       {"force", no_argument, NULL, 'F'},
    {"help", no_argument, NULL, 'h'},        {NULL, 0, NULL, 0},
};

static const char USAGE[] =
    "usage: molotov merge REPORT.json... [--json FILE] [--html FILE] [--junit FILE]\n"
    "                     [--threshold EXPR]... [--force] [-q]\n"
    "\n"
    "Combines the JSON reports of runs on several machines into one: counts add,\n"
    "latency histograms merge (percentiles as if one run saw every sample), timelines\n"
    "align on wall-clock seconds, workers add. The parts' own thresholds are judged on\n"
    "the merged result unless --threshold names others. The same run twice (by its\n"
    "run id) is refused; so are runs of different scripts unless --force. Parts that\n"
    "do not overlap in time are merged with a warning.\n"
    "Exit codes: 0 ok, 2 bad usage or input, 99 a threshold failed.\n";

/* Options into o (its thresholds, report paths, quiet); the files stay in
 * argv from optind. Returns MT_OK, 1 for --help, or MT_EINVAL. */
static int parse_merge(mt_options *o, bool *force, int argc, char **argv)
{
    optind = 0;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":qh", merge_opts, NULL)) != -1) {
        char err[256];
        if (c == 'h') return 1;
        if (c == 'F') {
            *force = true;
            continue;
        }
        if (c == '?' || c == ':') {
            fprintf(stderr, "molotov merge: %s: %s\n", argv[optind - 1],
                    c == ':' ? "missing value" : "unknown option (see --help)");
            return MT_EINVAL;
        }
        const struct option *lo = merge_opts;
        while (lo->val != c) lo++; /* the same long name as molotov's own option */
        if (mt_options_set(o, lo->name, lo->has_arg ? optarg : NULL, err, sizeof(err))) {
            fprintf(stderr, "molotov merge: %s\n", err);
            return MT_EINVAL;
        }
    }
    if (optind >= argc) {
        fprintf(stderr, "molotov merge: name at least one JSON report (see --help)\n");
        return MT_EINVAL;
    }
    return MT_OK;
}

static int read_reports(int n, char **paths, cJSON **out)
{
    for (int i = 0; i < n; i++) {
        char err[1024];
        out[i] = mt_config_read_json(paths[i], err, sizeof(err));
        if (!out[i]) {
            fprintf(stderr, "molotov merge: %s\n", err);
            return MT_EINVAL;
        }
    }
    return MT_OK;
}

/* The parts, one line each, and the warnings. */
static void print_parts(const mt_merged *m)
{
    const cJSON *p;
    printf("%-34s %-19s %8s %9s %8s %9s\n", "Part (host: report)", "started (UTC)", "duration",
           "requests", "errors", "p99");
    cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(m->merge, "parts"))
    {
        char name[300], label[35], p99[24] = "-";
        snprintf(name, sizeof name, "%s: %s", shown(p, "hostname"), shown(p, "path"));
        mt_fmt_shorten(name, 34, label, sizeof label);
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(p, "p99_ms");
        if (cJSON_IsNumber(v) && v->valuedouble >= 0 && v->valuedouble < 3.6e6) /* a user's file */
            mt_fmt_us((uint64_t)(v->valuedouble * 1e3), p99, 24);
        printf("%-34s %-19.19s %7.1fs %9.0f %8.0f %9s\n", label, shown(p, "started_at"),
               number(p, "duration_s"), number(p, "requests"), number(p, "errors"), p99);
    }
}

/* The merged run's identity: a new id, this command line, the parts' script. */
static void merged_info(mt_runinfo *ri, const mt_merged *m, int argc, char **argv, int code,
                        int failed, int nth)
{
    mt_runinfo_init(ri, 0, NULL, NULL);
    ri->command_line = mt_runinfo_command_line(argc, argv);
    ri->script = m->script ? mt_strdup(m->script) : NULL;
    if (m->sha256) snprintf(ri->sha256, sizeof ri->sha256, "%s", m->sha256);
    ri->started_wall = m->started_wall;
    ri->ended_wall = m->started_wall + m->duration_s;
    ri->stop_reason = m->stop_reason;
    ri->exit_code = code;
    if (failed)
        snprintf(ri->outcome, sizeof ri->outcome, "%d of %d thresholds failed", failed, nth);
}

/* Summary, thresholds, reports; the exit code. */
static int finish_merge(mt_merged *m, mt_options *o, int argc, char **argv)
{
    char err[1024];
    mt_threshold_result *th = NULL;
    int nth = 0;
    for (int i = 0; !o->nthresholds && i < m->nthresholds && i < MT_MAX_THRESHOLDS; i++)
        o->thresholds[o->nthresholds++] = m->thresholds[i]; /* the parts' own */
    if (mt_report_parse_thresholds(o, (const char *const *)m->names, m->nnames, "the reports", &th,
                                   &nth, err, sizeof(err))) {
        fprintf(stderr, "molotov merge: %s\n", err);
        free(th);
        return MT_EXIT_USAGE;
    }
    mt_runinfo ri;
    mt_report rep = {.stats = &m->stats,
                     .opt = o,
                     .scenario_names = (const char *const *)m->names,
                     .started_wall = m->started_wall,
                     .duration_s = m->duration_s,
                     .thresholds = th,
                     .nthresholds = nth,
                     .info = &ri,
                     .processes = m->processes,
                     .workers = m->workers,
                     .merge = m->merge};
    int failed = mt_report_evaluate(&rep);
    const cJSON *w; /* on stderr, -q or not */
    cJSON_ArrayForEach(w, cJSON_GetObjectItemCaseSensitive(m->merge, "warnings"))
    {
        fprintf(stderr, "molotov merge: warning: %s\n", w->valuestring);
    }
    const mt_stats *st = &m->stats;
    bool none_ok = !st->successes && st->failures + st->cancelled > 0; /* as a run: exit 1 */
    int code = none_ok ? 1 : failed ? MT_EXIT_THRESHOLDS : 0;
    merged_info(&ri, m, argc, argv, code, failed, nth);
    if (none_ok) {
        snprintf(ri.outcome, sizeof ri.outcome,
                 "no scenario run succeeded (%" PRIu64 " failed, %" PRIu64 " cancelled, %" PRIu64
                 " of %" PRIu64 " requests failed)",
                 st->failures, st->cancelled, st->failed_requests, st->requests);
        fprintf(stderr, "molotov merge: %s\n", ri.outcome);
    }
    if (!o->quiet) {
        printf("Merged %d reports: %d workers in %d processes\n", m->nreports, m->workers,
               m->processes);
        print_parts(m);
        mt_console_summary(stdout, &m->stats, (const char *const *)m->names, m->duration_s);
        mt_console_verdict(stdout, &m->stats, th, nth);
    }
    int rc = mt_report_write_all(&rep);
    mt_runinfo_free(&ri);
    free(th);
    if (rc) return MT_EXIT_USAGE;
    return code;
}

int mt_merge_main(int argc, char **argv)
{
    mt_options o;
    mt_options_defaults(&o);
    bool force = false;
    int rc = parse_merge(&o, &force, argc, argv);
    if (rc == 1) fputs(USAGE, stdout);
    if (rc) return rc == 1 ? 0 : MT_EXIT_USAGE;
    char err[1024];
    if (mt_report_check_paths(&o, err, sizeof(err))) {
        fprintf(stderr, "molotov merge: %s\n", err);
        return MT_EXIT_USAGE;
    }
    int n = argc - optind;
    cJSON **reports = mt_calloc((size_t)n, sizeof(cJSON *));
    mt_merged m;
    int code = MT_EXIT_USAGE;
    if (!read_reports(n, argv + optind, reports)) {
        if (mt_merge_reports(reports, (const char *const *)argv + optind, n, force, &m, err,
                             sizeof(err)))
            fprintf(stderr, "molotov merge: %s\n", err);
        else
            code = finish_merge(&m, &o, argc, argv);
        mt_merged_free(&m);
    }
    for (int i = 0; i < n; i++) cJSON_Delete(reports[i]);
    free(reports);
    return code;
}

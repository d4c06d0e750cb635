/* merge.c: `molotov merge`: reads JSON reports, adds their "histograms"
 * (the exact statistics of each run) into one mt_stats, and writes the
 * summary, the thresholds' verdicts and the reports of the whole. */
#include "molotov/merge.h"
#include "molotov/common.h"
#include "molotov/config.h"
#include "molotov/console.h"
#include "molotov/options.h"
#include "molotov/report.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void mt_merged_free(mt_merged *m)
{
    mt_stats_free(&m->stats);
    for (int i = 0; i < m->nnames; i++) free(m->names[i]);
    free(m->names);
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
    const cJSON *at = cJSON_GetObjectItemCaseSensitive(r, "started_at");
    if (!cJSON_IsString(at) || mt_options_parse_time(at->valuestring, start)) return false;
    *end = *start + number(r, "duration_s");
    return true;
}

static int merge_one(mt_merged *m, const cJSON *r, const char *path, double *end, char *err,
                     size_t errlen)
{
    const cJSON *h = histograms_of(r), *x;
    int map[4096], nmap = 0;
    cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(h, "scenario_names"))
    {
        if (nmap < 4096) map[nmap++] = cJSON_IsString(x) ? name_index(m, x->valuestring) : -1;
    }
    double start, stop;
    if (!span_of(r, &start, &stop)) {
        snprintf(err, errlen, "%s: no \"started_at\" time", path);
        return MT_EINVAL;
    }
    if (m->nreports == 0 || start < m->started_wall) m->started_wall = start;
    if (stop > *end) *end = stop;
    if (mt_stats_merge_json_mapped(&m->stats, h, map, nmap)) {
        snprintf(err, errlen, "%s: \"histograms\" is malformed", path);
        return MT_EINVAL;
    }
    int p = small_count(r, "processes"), w = small_count(r, "workers");
    m->workers = m->nreports == 0 || m->workers == w ? w : -1; /* -1: they differ */
    m->processes += p > 0 ? p : 1;
    m->nreports++;
    return MT_OK;
}

int mt_merge_reports(cJSON *const *reports, const char *const *paths, int n, mt_merged *m,
                     char *err, size_t errlen)
{
    memset(m, 0, sizeof(*m));
    int rc = collect_names(m, reports, paths, n, err, errlen);
    mt_stats_init(&m->stats, m->nnames);
    double end = 0, total_workers = 0;
    for (int i = 0; i < n && !rc; i++) {
        rc = merge_one(m, reports[i], paths[i], &end, err, errlen);
        total_workers +=
            small_count(reports[i], "workers") * fmax(1, small_count(reports[i], "processes"));
    }
    if (rc) return rc;
    m->duration_s = end - m->started_wall;
    if (m->workers < 0) m->workers = (int)lround(total_workers / m->processes);
    return MT_OK;
}

/* ---- the command ---- */

static const struct option merge_opts[] = {
    {"json", required_argument, NULL, 'j'},
    {"html", required_argument, NULL, 'H'},
    {"junit", required_argument, NULL, 'J'},
    {"threshold", required_argument, NULL, 't'},
    {"quiet", no_argument, NULL, 'q'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static const char USAGE[] =
    "usage: molotov merge REPORT.json... [--json FILE] [--html FILE] [--junit FILE]\n"
    "                     [--threshold EXPR]... [-q]\n"
    "\n"
    "Combines the JSON reports of runs on several machines into one: counts add,\n"
    "latency histograms merge (percentiles as if one run saw every sample), timelines\n"
    "align on wall-clock seconds. Thresholds are judged on the merged result.\n"
    "Exit codes: 0 ok, 2 bad usage or input, 99 a threshold failed.\n";

/* Options into o (its thresholds, report paths, quiet); the files stay in
 * argv from optind. Returns MT_OK, 1 for --help, or MT_EINVAL. */
static int parse_merge(mt_options *o, int argc, char **argv)
{
    optind = 0;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":qh", merge_opts, NULL)) != -1) {
        char err[256];
        if (c == 'h') return 1;
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

/* Summary, thresholds, reports; the exit code. */
static int finish_merge(mt_merged *m, mt_options *o)
{
    char err[1024];
    mt_threshold_result *th = NULL;
    int nth = 0;
    if (mt_report_parse_thresholds(o, (const char *const *)m->names, m->nnames, "the reports", &th,
                                   &nth, err, sizeof(err))) {
        fprintf(stderr, "molotov merge: %s\n", err);
        free(th);
        return MT_EXIT_USAGE;
    }
    o->processes = m->processes;
    o->workers = m->workers;
    mt_report rep = {.stats = &m->stats,
                     .opt = o,
                     .scenario_names = (const char *const *)m->names,
                     .started_wall = m->started_wall,
                     .duration_s = m->duration_s,
                     .thresholds = th,
                     .nthresholds = nth};
    int failed = mt_report_evaluate(&rep);
    if (!o->quiet) {
        printf("Merged %d reports: %d processes of %d workers\n", m->nreports, m->processes,
               m->workers);
        mt_console_summary(stdout, &m->stats, (const char *const *)m->names, m->duration_s);
        mt_console_verdict(stdout, &m->stats, th, nth);
    }
    int rc = mt_report_write_all(&rep);
    free(th);
    if (rc) return MT_EXIT_USAGE;
    return failed ? MT_EXIT_THRESHOLDS : 0;
}

int mt_merge_main(int argc, char **argv)
{
    mt_options o;
    mt_options_defaults(&o);
    int rc = parse_merge(&o, argc, argv);
    if (rc == 1) fputs(USAGE, stdout);
    if (rc) return rc == 1 ? 0 : MT_EXIT_USAGE;
    int n = argc - optind;
    cJSON **reports = mt_calloc((size_t)n, sizeof(cJSON *));
    char err[1024];
    mt_merged m;
    int code = MT_EXIT_USAGE;
    if (!read_reports(n, argv + optind, reports)) {
        if (mt_merge_reports(reports, (const char *const *)argv + optind, n, &m, err, sizeof(err)))
            fprintf(stderr, "molotov merge: %s\n", err);
        else
            code = finish_merge(&m, &o);
        mt_merged_free(&m);
    }
    for (int i = 0; i < n; i++) cJSON_Delete(reports[i]);
    free(reports);
    return code;
}

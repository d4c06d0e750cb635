/* summary.c: the end-of-run summary (summary.h). The scenario and request
 * tables share one layout: each column as wide as its widest figure, the
 * label column what is left (24 at 80 columns, up to 40 on wide terminals),
 * p95 and max added when the width allows them. */
#include "molotov/summary.h"
#include "molotov/common.h"
#include "molotov/fmt.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define NAME_MIN 12
#define NAME_NARROW 24 /* the label column up to 80 columns */
#define NAME_WIDE 40
#define CELL 32
#define MSG_INDENT 10 /* "%8" PRIu64 "  " before a failure message */
#define CODE_INDENT 6

enum { C_COUNT, C_ERR, C_RATE, C_P50, C_P90, C_P95, C_P99, C_MAX, NCOLS };

static const double PCT[NCOLS] = {0, 0, 0, 50, 90, 95, 99, 0};
static const int MIN_W[NCOLS] = {8, 6, 7, 7, 7, 7, 7, 7}; /* the usual figures line up */
#define NAME_KEEP 21 /* a label column this wide is kept before a latency column */

/* The latency columns shown, most first: bit i for column i. */
#define COLS(...) (unsigned)(__VA_ARGS__)
static const unsigned SETS[] = {
    COLS(1u << C_P50 | 1u << C_P90 | 1u << C_P95 | 1u << C_P99 | 1u << C_MAX),
    COLS(1u << C_P50 | 1u << C_P90 | 1u << C_P99 | 1u << C_MAX),
    COLS(1u << C_P50 | 1u << C_P90 | 1u << C_P99),
    COLS(1u << C_P50 | 1u << C_P99),
    COLS(1u << C_P99),
};
#define BASE_COLS (1u << C_COUNT | 1u << C_ERR | 1u << C_RATE)

int mt_summary_width(FILE *out)
{
    struct winsize ws;
    int fd = fileno(out);
    if (fd >= 0 && isatty(fd) && ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 40)
        return ws.ws_col;
    return MT_SUMMARY_WIDTH;
}

typedef struct {
    const char *label;
    uint64_t a, b;
    double rate;
    const mt_hist *h;
    const mt_req_stats *codes; /* a request row: its statuses and kinds below it */
    uint64_t cancelled;        /* a scenario row: its cancelled runs below it */
    char cell[NCOLS][CELL];
    char shown[NAME_WIDE + 1];
} trow;

typedef struct {
    trow *rows;
    int n, cap;
    int width[NCOLS];
    unsigned cols;
    int name_w;
} layout;

static const char *const HEAD_SCN[NCOLS] = {"runs", "failed", "runs/s", "p50",
                                            "p90",  "p95",    "p99",    "max"};
static const char *const HEAD_REQ[NCOLS] = {"count", "errors", "req/s", "p50",
                                            "p90",   "p95",    "p99",   "max"};

static trow *add_row(layout *l, const char *label, uint64_t a, uint64_t b, double rate,
                     const mt_hist *h)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->rows = mt_realloc(l->rows, sizeof(trow) * (size_t)l->cap);
    }
    trow *r = &l->rows[l->n++];
    memset(r, 0, sizeof(*r));
    r->label = label;
    r->a = a;
    r->b = b;
    r->rate = rate;
    r->h = h;
    mt_fmt_count(a, r->cell[C_COUNT], CELL);
    mt_fmt_count(b, r->cell[C_ERR], CELL);
    if (isnan(rate)) /* a run under a second: too short for a rate */
        snprintf(r->cell[C_RATE], CELL, "-");
    else
        mt_fmt_num(rate, rate < 1000 ? 1 : 0, r->cell[C_RATE], CELL); /* "17,667": no decimal */
    bool empty = mt_hist_count(h) == 0;
    for (int c = C_P50; c < NCOLS; c++) {
        uint64_t us = c == C_MAX ? mt_hist_max(h) : mt_hist_percentile(h, PCT[c]);
        if (empty)
            snprintf(r->cell[c], CELL, "-");
        else
            mt_fmt_us(us, r->cell[c], CELL);
    }
    return r;
}

static int numeric_width(const layout *l, unsigned cols)
{
    int w = 0;
    for (int c = 0; c < NCOLS; c++)
        if (cols & (1u << c)) w += 1 + l->width[c];
    return w;
}

/* Column widths, the latency columns that fit and the label column. */
static void lay_out(layout *l, int width)
{
    int longest = (int)strlen("Scenarios (run time)") - 1;
    for (int c = 0; c < NCOLS; c++)
        l->width[c] = (int)(strlen(HEAD_SCN[c]) > strlen(HEAD_REQ[c]) ? strlen(HEAD_SCN[c])
                                                                      : strlen(HEAD_REQ[c]));
    for (int i = 0; i < l->n; i++) {
        int n = (int)strlen(l->rows[i].label);
        if (n > longest) longest = n;
        for (int c = 0; c < NCOLS; c++)
            if ((int)strlen(l->rows[i].cell[c]) > l->width[c])
                l->width[c] = (int)strlen(l->rows[i].cell[c]);
    }
    for (int c = 0; c < NCOLS; c++)
        if (l->width[c] < MIN_W[c]) l->width[c] = MIN_W[c];
    int cap = width > MT_SUMMARY_WIDTH ? NAME_WIDE : NAME_NARROW;
    int want = longest < cap ? longest : cap;
    int keep = width >= MT_SUMMARY_WIDTH ? NAME_KEEP : NAME_KEEP - 5;
    int enough = want < keep ? want : keep; /* a label this wide beats a column */
    int room = width - 1 - 2;               /* never the last column; two spaces of indent */
    size_t nsets = sizeof SETS / sizeof SETS[0];
    for (size_t k = 0; k < nsets; k++) {
        l->cols = BASE_COLS | SETS[k];
        l->name_w = room - numeric_width(l, l->cols);
        if (l->name_w >= enough) break;
    }
    if (l->name_w > want) l->name_w = want;
    if (l->name_w < NAME_MIN) l->name_w = NAME_MIN;
}

/* Row names shortened in the middle to the label column, never alike (a
 * clash ends in "#N"). */
static void shorten_names(layout *l, int from, int to)
{
    int w = l->name_w;
    for (int i = from; i < to; i++)
        mt_fmt_shorten(l->rows[i].label, (size_t)w, l->rows[i].shown, NAME_WIDE + 1);
    for (int i = from; i < to; i++) {
        int clash = 1;
        for (int j = i + 1; j < to; j++) {
            if (strcmp(l->rows[i].shown, l->rows[j].shown) != 0) continue;
            char mark[16];
            int m = snprintf(mark, sizeof mark, "#%d", ++clash);
            size_t k = (size_t)(w - m);
            char *out = l->rows[j].shown;
            mt_fmt_shorten(l->rows[j].label, k, out, k + 1);
            mt_strlcpyn(out + strlen(out), NAME_WIDE + 1 - strlen(out), mark, (size_t)m);
        }
    }
}

static void print_header(FILE *out, const layout *l, const char *title, const char *const *head)
{
    fprintf(out, "%-*s", l->name_w + 2, title);
    for (int c = 0; c < NCOLS; c++)
        if (l->cols & (1u << c)) fprintf(out, " %*s", l->width[c], head[c]);
    fputc('\n', out);
}

/* Writes items (already formatted) after `indent` spaces, separated by two
 * spaces, wrapping before `width`. */
static void print_wrapped_items(FILE *out, char items[][96], int n, int indent, int width)
{
    int col = 0;
    for (int i = 0; i < n; i++) {
        int len = (int)strlen(items[i]);
        if (col && col + 2 + len > width - 1) {
            fputc('\n', out);
            col = 0;
        }
        if (!col)
            col = fprintf(out, "%*s%s", indent, "", items[i]);
        else
            col += fprintf(out, "  %s", items[i]);
    }
    if (col) fputc('\n', out);
}

static void print_codes(FILE *out, const mt_req_stats *r, int width)
{
    char(*items)[96] = mt_calloc((size_t)(MT_STATS_MAX_STATUS + r->nkinds + 1), 96);
    int n = 0;
    for (int code = 0; code < MT_STATS_MAX_STATUS; code++) {
        if (!r->status[code]) continue;
        char v[32];
        mt_fmt_count(r->status[code], v, sizeof v);
        snprintf(items[n++], 96, "%d: %s", code, v);
    }
    for (int k = 0; k < r->nkinds; k++) {
        char v[32];
        mt_fmt_count(r->kinds[k].count, v, sizeof v);
        snprintf(items[n++], 96, "%.60s: %s", r->kinds[k].kind, v);
    }
    print_wrapped_items(out, items, n, CODE_INDENT, width);
    free(items);
    if (r->msgs_out || r->msgs_in) {
        char a[32], b[32], c[32], d[32];
        mt_fmt_count(r->msgs_out, a, sizeof a);
        mt_fmt_bytes(r->msgs_out ? r->bytes_out : 0, b, sizeof b);
        mt_fmt_count(r->msgs_in, c, sizeof c);
        mt_fmt_bytes(r->bytes_in, d, sizeof d);
        fprintf(out, "%*smessages: sent %s (%s), received %s (%s)\n", CODE_INDENT, "", a, b, c, d);
    }
}

static void print_rows(FILE *out, const layout *l, int from, int to, int width)
{
    for (int i = from; i < to; i++) {
        const trow *r = &l->rows[i];
        fprintf(out, "  %-*s", l->name_w, r->shown);
        for (int c = 0; c < NCOLS; c++)
            if (l->cols & (1u << c)) fprintf(out, " %*s", l->width[c], r->cell[c]);
        fputc('\n', out);
        if (r->codes) print_codes(out, r->codes, width);
        if (r->cancelled) {
            char v[32];
            mt_fmt_count(r->cancelled, v, sizeof v);
            fprintf(out, "%*scancelled: %s\n", CODE_INDENT, "", v);
        }
    }
}

/* n per second over d seconds; NAN (shown "-") for a run under a second,
 * too short for a rate: the HTML report's rule. */
static double per_s(uint64_t n, double d)
{
    return d >= 1 ? (double)n / d : NAN;
}

/* The scenario rows, then the request rows (with the totals); returns the
 * index of the first request row. */
static int collect(layout *l, const mt_stats *s, const char *const *names, double d,
                   char (*full)[512], const mt_req_stats **sorted)
{
    for (int i = 0; i < s->nscenarios; i++) {
        const mt_scn_stats *sc = &s->scenarios[i];
        if (!sc->runs) continue;
        const char *name = names && names[i] ? names[i] : "";
        trow *r = add_row(l, name, sc->runs, sc->failures, per_s(sc->runs, d), sc->duration);
        r->cancelled = sc->cancelled;
    }
    int first_req = l->n;
    for (int i = 0; i < s->nreqs; i++) {
        const char *label = mt_stats_display_label(s, sorted[i], full[i], 512);
        trow *r = add_row(l, label, sorted[i]->count, sorted[i]->failed, per_s(sorted[i]->count, d),
                          sorted[i]->latency);
        r->codes = sorted[i];
    }
    if (s->nreqs) {
        add_row(l, "All requests", s->requests, s->failed_requests, per_s(s->requests, d),
                s->latency);
        uint64_t ok = s->requests - s->failed_requests;
        add_row(l, "All requests, ok only", ok, 0, per_s(ok, d), s->latency_ok);
    }
    return first_req;
}

static void print_tables(FILE *out, const mt_stats *s, const char *const *names, double d,
                         int width)
{
    layout l = {0};
    const mt_req_stats **sorted = mt_stats_sorted(s);
    char(*full)[512] = mt_calloc((size_t)s->nreqs + 1, 512);
    int first_req = collect(&l, s, names, d, full, sorted);
    lay_out(&l, width);
    int last_req = s->nreqs ? l.n - 2 : l.n; /* the totals are not shortened */
    shorten_names(&l, 0, first_req);
    shorten_names(&l, first_req, last_req);
    for (int i = last_req; i < l.n; i++)
        mt_fmt_shorten(l.rows[i].label, (size_t)l.name_w, l.rows[i].shown, NAME_WIDE + 1);
    print_header(out, &l, "Scenarios (run time)", HEAD_SCN);
    print_rows(out, &l, 0, first_req, width);
    if (s->nreqs) {
        print_header(out, &l, "Requests (latency)", HEAD_REQ);
        print_rows(out, &l, first_req, l.n, width);
    }
    free(l.rows);
    free(full);
    free(sorted);
}

/* A message after its count, wrapped to the width under itself. */
static void print_message(FILE *out, uint64_t count, const char *msg, int width)
{
    char n[32];
    mt_fmt_count(count, n, sizeof n);
    int col = fprintf(out, "%8s  ", n);
    int room = width ? width - 1 - col : (int)strlen(msg) + 1; /* 0: whole */
    if (room < 20) room = 20;
    size_t len = strlen(msg), at = 0;
    while (at < len) {
        size_t take = len - at;
        if (take > (size_t)room) { /* break at the last space that fits */
            take = (size_t)room;
            for (size_t k = take; k > (size_t)room / 2; k--)
                if (msg[at + k] == ' ') {
                    take = k;
                    break;
                }
        }
        if (at) fprintf(out, "%*s", col, "");
        fprintf(out, "%.*s\n", (int)take, msg + at);
        at += take;
        while (msg[at] == ' ') at++;
    }
    if (!len) fputc('\n', out);
}

static void print_failures(FILE *out, const mt_stats *s, int width, bool wrap)
{
    size_t n;
    const mt_msgcount **m = mt_stats_messages(s, &n);
    if (n) fprintf(out, "Failures:\n");
    for (size_t i = 0; i < n; i++) print_message(out, m[i]->count, m[i]->msg, wrap ? width : 0);
    free(m);
}

void mt_summary_threshold_value(const mt_threshold_result *t, char *buf, size_t len)
{
    if (isnan(t->value)) {
        snprintf(buf, len, "no data");
        return;
    }
    const char *unit = mt_threshold_unit(t->t.metric);
    if (t->t.metric == MT_METRIC_FAILURES) {
        mt_fmt_count((uint64_t)(t->value + 0.5), buf, len);
    } else if (strcmp(unit, "ms") == 0) {
        mt_fmt_us((uint64_t)(t->value * 1e3 + 0.5), buf, len);
    } else {
        char v[48];
        mt_fmt_num(t->value, 2, v, sizeof v);
        if (t->t.metric == MT_METRIC_RPS) mt_fmt_num(t->value, 1, v, sizeof v);
        snprintf(buf, len, "%s%s", v, unit);
    }
}

void mt_summary_thresholds(FILE *out, const mt_threshold_result *t, int n)
{
    if (n) fprintf(out, "Thresholds:\n");
    for (int i = 0; i < n; i++) {
        char value[64];
        mt_summary_threshold_value(&t[i], value, sizeof value);
        fprintf(out, "  %s  %s (%s%s %s)\n", t[i].passed ? "PASS" : "FAIL", t[i].t.expr,
                t[i].t.ok ? "ok:" : "", mt_threshold_metric_name(t[i].t.metric), value);
    }
}

/* "Failed requests: 12 (transport 2, 4xx 0, 5xx 10)". */
static void print_failed_split(FILE *out, const mt_stats *s)
{
    const mt_failcount *f = &s->fails;
    char a[32], b[32], c[32], d[32];
    mt_fmt_count(s->failed_requests, a, sizeof a);
    mt_fmt_count(f->transport, b, sizeof b);
    mt_fmt_count(f->status_4xx, c, sizeof c);
    mt_fmt_count(f->status_5xx, d, sizeof d);
    fprintf(out, "Failed requests: %s (transport %s, 4xx %s, 5xx %s", a, b, c, d);
    if (f->other) {
        mt_fmt_count(f->other, a, sizeof a);
        fprintf(out, ", unexpected status %s", a);
    }
    fprintf(out, ")\n");
}

void mt_summary_print(FILE *out, const mt_stats *s, const char *const *names, double secs,
                      int width, bool wrap)
{
    double d = secs > 0 ? secs : 0;
    char req[32], rate[48] = "too short for a rate", dur[32], n[32];
    mt_fmt_count(s->requests, req, sizeof req);
    if (d >= 1) mt_fmt_num((double)s->requests / d, 1, rate, sizeof rate - 2);
    if (d >= 1) strcat(rate, "/s");
    snprintf(dur, sizeof dur, "%.2fs", d);
    fprintf(out, "Duration: %s | Requests: %s (%s)\n", dur, req, rate);
    print_failed_split(out, s);
    if (s->cancelled) {
        mt_fmt_count(s->cancelled, n, sizeof n);
        fprintf(out, "Cancelled runs (neither ok nor failed): %s\n", n);
    }
    if (s->truncated) {
        mt_fmt_count(s->truncated, n, sizeof n);
        fprintf(out, "Bodies cut at --max-body (rest discarded): %s\n", n);
    }
    print_tables(out, s, names, d, width);
    print_failures(out, s, width, wrap);
}

/* console.c: header, live line and summary. Nothing is printed with -q. */
#include "molotov/console.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "molotov/common.h"
#include "molotov/fmt.h"

#define PLAIN_EVERY_S 5.0 /* live line period when stdout is not a terminal */

void mt_console_init(mt_console *c, mt_runner *r, FILE *out, bool tty)
{
    memset(c, 0, sizeof(*c));
    c->runner = r;
    c->out = out;
    c->tty = tty;
    uv_timer_init(r->loop, &c->timer);
    c->timer.data = c;
    const mt_options *o = r->opt;
    if (o->quiet) return;
    fprintf(out, "**** Molotov v%s. Happy breaking! ****\n", MOLOTOV_VERSION);
    if (o->processes > 1)
        fprintf(out, "Forking %d processes (%d workers each)\n", o->processes, o->workers);
    else
        fprintf(out, "Preparing %d worker%s...\n", o->workers, o->workers > 1 ? "s" : "");
    fflush(out);
}

void mt_console_format_live(const mt_console *c, char *buf, size_t len)
{
    const mt_stats *s = &c->runner->stats;
    char p99[16];
    mt_fmt_us(mt_stats_recent_p99(s, mt_wall_s()), p99, sizeof(p99));
    snprintf(buf, len,
             "SUCCESSES: %" PRIu64 " | FAILURES: %" PRIu64 " | WORKERS: %d | %.0f req/s | p99 %s",
             s->successes, s->failures, mt_runner_active_workers(c->runner), c->rps, p99);
}

static void sample_rate(mt_console *c)
{
    double now = mt_now_s();
    uint64_t req = c->runner->stats.requests;
    double dt = now - c->last_t;
    if (dt >= 0.5 || c->last_t == 0) {
        if (c->last_t > 0) c->rps = (double)(req - c->last_requests) / dt;
        c->last_t = now;
        c->last_requests = req;
    }
}

static void on_tick(uv_timer_t *t)
{
    mt_console *c = t->data;
    char line[256];
    sample_rate(c);
    mt_console_format_live(c, line, sizeof(line));
    if (c->tty) {
        fprintf(c->out, "\r\033[K%s", line);
        c->drawn = true;
    } else {
        double now = mt_now_s();
        if (now + 0.25 < c->plain_next) return; /* tolerate timer jitter */
        c->plain_next += PLAIN_EVERY_S;
        fprintf(c->out, "%s\n", line);
    }
    fflush(c->out);
}

void mt_console_start(mt_console *c)
{
    if (c->runner->opt->quiet) return;
    fprintf(c->out, "OK\n");
    fflush(c->out);
    c->last_t = mt_now_s();
    c->plain_next = c->last_t + PLAIN_EVERY_S;
    uint64_t ms = (uint64_t)(c->runner->opt->console_update * 1000 + 0.5);
    if (!c->tty && ms < 1000) ms = 1000;
    uv_timer_start(&c->timer, on_tick, ms ? ms : 1, ms ? ms : 1);
}

#define LABEL_W 24 /* the tables' first column */

/* Row names for a table: shortened in the middle to LABEL_W, and two rows
 * never print the same (a clash ends in "#N"). A new array of count
 * strings of LABEL_W + 1 bytes. */
static char (*row_names(const char *const *labels, int count))[LABEL_W + 1]
{
    char(*out)[LABEL_W + 1] = mt_calloc((size_t)count + 1, LABEL_W + 1);
    for (int i = 0; i < count; i++)
        mt_fmt_shorten(labels[i] ? labels[i] : "", LABEL_W, out[i], LABEL_W + 1);
    for (int i = 0; i < count; i++) {
        int clash = 1;
        for (int j = i + 1; j < count; j++) {
            if (strcmp(out[i], out[j]) != 0) continue;
            char mark[16];
            int m = snprintf(mark, sizeof mark, "#%d", ++clash);
            size_t k = LABEL_W - (size_t)m;
            mt_fmt_shorten(labels[j] ? labels[j] : "", k, out[j], k + 1);
            mt_strlcpyn(out[j] + strlen(out[j]), LABEL_W + 1 - strlen(out[j]), mark, (size_t)m);
        }
    }
    return out;
}

/* One table row: name, two counts, a rate and p50/p90/p99/max of h. */
static void print_row(FILE *out, const char *name, uint64_t a, uint64_t b, double rate,
                      const mt_hist *h)
{
    char q[4][16];
    const double ps[3] = {50, 90, 99};
    bool empty = mt_hist_count(h) == 0;
    for (int i = 0; i < 3; i++) mt_fmt_us(mt_hist_percentile(h, ps[i]), q[i], 16);
    mt_fmt_us(mt_hist_max(h), q[3], 16);
    if (empty)
        for (int i = 0; i < 4; i++) snprintf(q[i], 16, "-");
    fprintf(out, "  %-*s %8" PRIu64 " %8" PRIu64 " %7.1f %7s %7s %7s %7s\n", LABEL_W, name, a, b,
            rate, q[0], q[1], q[2], q[3]);
}

static void print_codes(FILE *out, const mt_req_stats *r)
{
    char line[512] = "";
    size_t n = 0;
    for (int code = 0; code < MT_STATS_MAX_STATUS && n < sizeof(line) - 40; code++)
        if (r->status[code])
            n += (size_t)snprintf(line + n, sizeof(line) - n, "%s%d: %" PRIu64, n ? ", " : "", code,
                                  r->status[code]);
    for (int k = 0; k < r->nkinds && n < sizeof(line) - 80; k++)
        n += (size_t)snprintf(line + n, sizeof(line) - n, "%s%s: %" PRIu64, n ? ", " : "",
                              r->kinds[k].kind, r->kinds[k].count);
    if (n) fprintf(out, "      %s\n", line);
    if (r->msgs_out || r->msgs_in)
        fprintf(out,
                "      messages: sent %" PRIu64 " (%" PRIu64 " bytes), received %" PRIu64
                " (%" PRIu64 " bytes)\n",
                r->msgs_out, r->msgs_out ? r->bytes_out : 0, r->msgs_in, r->bytes_in);
}

static void print_scenarios(FILE *out, const mt_stats *s, const char *const *names, double d)
{
    fprintf(out, "%-26s %8s %8s %7s %7s %7s %7s %7s\n", "Scenarios (run time)", "runs", "failed",
            "/s", "p50", "p90", "p99", "max");
    char(*shown)[LABEL_W + 1] = row_names(names, s->nscenarios);
    for (int i = 0; i < s->nscenarios; i++) {
        const mt_scn_stats *sc = &s->scenarios[i];
        if (!sc->runs) continue;
        print_row(out, shown[i], sc->runs, sc->failures, (double)sc->runs / d, sc->duration);
        if (sc->cancelled) fprintf(out, "      cancelled: %" PRIu64 "\n", sc->cancelled);
    }
    free(shown);
}

/* The request table of s (sorted, labels shortened and never alike). */
static void print_requests(FILE *out, const char *title, const mt_stats *s, double d, bool totals)
{
    if (!s->nreqs) return;
    fprintf(out, "%-26s %8s %8s %7s %7s %7s %7s %7s\n", title, "count", "errors", "/s", "p50",
            "p90", "p99", "max");
    const mt_req_stats **rows = mt_stats_sorted(s);
    const char **labels = mt_calloc((size_t)s->nreqs + 1, sizeof(char *));
    char(*full)[512] = mt_calloc((size_t)s->nreqs + 1, 512);
    for (int i = 0; i < s->nreqs; i++) labels[i] = mt_stats_display_label(s, rows[i], full[i], 512);
    char(*shown)[LABEL_W + 1] = row_names(labels, s->nreqs);
    for (int i = 0; i < s->nreqs; i++) {
        print_row(out, shown[i], rows[i]->count, rows[i]->failed, (double)rows[i]->count / d,
                  rows[i]->latency);
        print_codes(out, rows[i]);
    }
    if (totals) {
        print_row(out, "All requests", s->requests, s->failed_requests, (double)s->requests / d,
                  s->latency);
        uint64_t ok = s->requests - s->failed_requests;
        print_row(out, "All requests, ok only", ok, 0, (double)ok / d, s->latency_ok);
    }
    free(shown);
    free(full);
    free(labels);
    free(rows);
}

static void print_failures(FILE *out, const mt_stats *s)
{
    size_t n;
    const mt_msgcount **m = mt_stats_messages(s, &n);
    if (n) fprintf(out, "Failures:\n");
    for (size_t i = 0; i < n; i++) fprintf(out, "%8" PRIu64 "  %s\n", m[i]->count, m[i]->msg);
    free(m);
}

static void print_thresholds(FILE *out, const mt_threshold_result *t, int n)
{
    if (n) fprintf(out, "Thresholds:\n");
    for (int i = 0; i < n; i++) {
        char value[48] = "no data";
        const char *unit = mt_threshold_unit(t[i].t.metric);
        int digits = t[i].t.metric == MT_METRIC_FAILURES ? 0 : 3;
        if (!isnan(t[i].value))
            snprintf(value, sizeof(value), "%.*f%s%s", digits, t[i].value, *unit == 'm' ? " " : "",
                     unit);
        fprintf(out, "  %s  %s (%s%s = %s)\n", t[i].passed ? "PASS" : "FAIL", t[i].t.expr,
                t[i].t.ok ? "ok:" : "", mt_threshold_metric_name(t[i].t.metric), value);
    }
}

/* "Failed: 12 (transport 2, 4xx 0, 5xx 10)" for the summary's first lines. */
static void print_failed_split(FILE *out, const mt_stats *s)
{
    const mt_failcount *f = &s->fails;
    fprintf(out,
            "Failed requests: %" PRIu64 " (transport %" PRIu64 ", 4xx %" PRIu64 ", 5xx %" PRIu64,
            s->failed_requests, f->transport, f->status_4xx, f->status_5xx);
    if (f->other) fprintf(out, ", unexpected status %" PRIu64, f->other);
    fprintf(out, ")\n");
}

void mt_console_summary(FILE *out, const mt_stats *s, const char *const *names, double secs)
{
    double d = secs > 0 ? secs : 1;
    fprintf(out, "Duration: %.2f s | Requests: %" PRIu64 " (%.1f/s)\n", secs, s->requests,
            secs > 0 ? (double)s->requests / secs : 0.0);
    print_failed_split(out, s);
    if (s->cancelled)
        fprintf(out, "Cancelled scenario runs (cut short, neither ok nor failed): %" PRIu64 "\n",
                s->cancelled);
    if (s->truncated)
        fprintf(out, "Bodies cut at --max-body (the rest read and discarded): %" PRIu64 "\n",
                s->truncated);
    print_scenarios(out, s, names, d);
    print_requests(out, "Requests (latency)", s, d, true);
    print_failures(out, s);
}

void mt_console_fixtures(FILE *out, const mt_stats *f)
{
    if (!f || !f->requests) return;
    fprintf(out,
            "global_setup/global_teardown made %" PRIu64 " requests (%" PRIu64
            " failed), not counted above\n",
            f->requests, f->failed_requests);
}

void mt_console_verdict(FILE *out, const mt_stats *s, const mt_threshold_result *thresholds,
                        int nthresholds)
{
    if (s->dropped) fprintf(out, "Dropped starts (no free worker): %" PRIu64 "\n", s->dropped);
    print_thresholds(out, thresholds, nthresholds);
    fprintf(out, "SUCCESSES: %" PRIu64 " | FAILURES: %" PRIu64 "\n", s->successes, s->failures);
    fprintf(out, "*** Bye ***\n");
    fflush(out);
}

void mt_console_finish(mt_console *c, const mt_threshold_result *thresholds, int nthresholds,
                       const mt_sizing *sizing)
{
    uv_timer_stop(&c->timer);
    mt_runner *r = c->runner;
    if (r->opt->quiet) return;
    if (c->drawn) fprintf(c->out, "\r\033[K");
    double secs = (r->ended_at ? r->ended_at : mt_now_s()) - r->started_at;
    if (r->started_at == 0) secs = 0;
    const char **names = r->script ? mt_script_names(r->script)
                                   : mt_calloc((size_t)r->stats.nscenarios + 1, sizeof(char *));
    mt_console_summary(c->out, &r->stats, names, secs);
    mt_console_fixtures(c->out, &r->fixture_stats);
    free(names);
    if (r->fatal && r->fatal_msg[0]) fprintf(c->out, "Stopped: %s\n", r->fatal_msg);
    if (r->interrupted) fprintf(c->out, "Interrupted.\n");
    if (sizing) mt_sizing_print(sizing, c->out);
    mt_console_verdict(c->out, &r->stats, thresholds, nthresholds);
}

void mt_console_close(mt_console *c)
{
    uv_close((uv_handle_t *)&c->timer, NULL);
}

/* console.c: header, live line and summary. Nothing is printed with -q. */
#include "molotov/console.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

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

void mt_console_format_us(uint64_t us, char *buf, size_t len)
{
    if (us < 1000)
        snprintf(buf, len, "%" PRIu64 "us", us);
    else if (us < 1000000)
        snprintf(buf, len, "%.1fms", (double)us / 1e3);
    else
        snprintf(buf, len, "%.2fs", (double)us / 1e6);
}

void mt_console_format_live(const mt_console *c, char *buf, size_t len)
{
    const mt_stats *s = &c->runner->stats;
    char p99[16];
    mt_console_format_us(mt_stats_recent_p99(s, mt_wall_s()), p99, sizeof(p99));
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

/* One table row: name, two counts, a rate and p50/p90/p99/max of h. */
static void print_row(FILE *out, const char *name, uint64_t a, uint64_t b, double rate,
                      const mt_hist *h)
{
    char q[4][16];
    const double ps[3] = {50, 90, 99};
    for (int i = 0; i < 3; i++) mt_console_format_us(mt_hist_percentile(h, ps[i]), q[i], 16);
    mt_console_format_us(mt_hist_max(h), q[3], 16);
    int w = (int)strlen(name) > 24 ? 21 : 24;
    fprintf(out, "  %-*.*s%s %8" PRIu64 " %8" PRIu64 " %7.1f %7s %7s %7s %7s\n", w, w, name,
            w == 21 ? "..." : "", a, b, rate, q[0], q[1], q[2], q[3]);
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
}

static void print_tables(FILE *out, const mt_stats *s, const char *const *names, double secs)
{
    double d = secs > 0 ? secs : 1;
    fprintf(out, "%-26s %8s %8s %7s %7s %7s %7s %7s\n", "Scenarios (run time)", "runs", "failed",
            "/s", "p50", "p90", "p99", "max");
    for (int i = 0; i < s->nscenarios; i++) {
        const mt_scn_stats *sc = &s->scenarios[i];
        if (sc->runs)
            print_row(out, names[i], sc->runs, sc->failures, (double)sc->runs / d, sc->duration);
    }
    if (!s->nreqs) return;
    fprintf(out, "%-26s %8s %8s %7s %7s %7s %7s %7s\n", "Requests (latency)", "count", "errors",
            "/s", "p50", "p90", "p99", "max");
    for (int i = 0; i < s->nreqs; i++) {
        const mt_req_stats *r = &s->reqs[i];
        print_row(out, r->label, r->count, r->errors, (double)r->count / d, r->latency);
        print_codes(out, r);
    }
    print_row(out, "All requests", s->requests, s->transport_errors, (double)s->requests / d,
              s->latency);
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
        if (!isnan(t[i].value)) snprintf(value, sizeof(value), "%.3f", t[i].value);
        fprintf(out, "  %s  %s (%s %s)\n", t[i].passed ? "PASS" : "FAIL", t[i].t.expr,
                mt_threshold_metric_name(t[i].t.metric), value);
    }
}

void mt_console_summary(FILE *out, const mt_stats *s, const char *const *names, double secs)
{
    fprintf(out,
            "Duration: %.2f s | Requests: %" PRIu64 " (%.1f/s) | Transport errors: %" PRIu64 "\n",
            secs, s->requests, secs > 0 ? (double)s->requests / secs : 0.0, s->transport_errors);
    if (s->cancelled) fprintf(out, "Cancelled at the deadline: %" PRIu64 "\n", s->cancelled);
    if (s->truncated)
        fprintf(out, "Bodies cut at --max-body (the rest read and discarded): %" PRIu64 "\n",
                s->truncated);
    print_tables(out, s, names, secs);
    print_failures(out, s);
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

/* console.c: header, live line and summary. Nothing is printed with -q. */
#include "molotov/console.h"

#include <inttypes.h>
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

void mt_console_format_live(const mt_console *c, char *buf, size_t len)
{
    const mt_stats *s = &c->runner->stats;
    snprintf(buf, len, "SUCCESSES: %" PRIu64 " | FAILURES: %" PRIu64 " | WORKERS: %d | %.0f req/s",
             s->successes, s->failures, mt_runner_active_workers(c->runner), c->rps);
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

static void print_failures(mt_console *c)
{
    size_t n;
    const mt_msgcount **m = mt_stats_messages(&c->runner->stats, &n);
    if (n) fprintf(c->out, "Failures:\n");
    for (size_t i = 0; i < n; i++) fprintf(c->out, "%8" PRIu64 "  %s\n", m[i]->count, m[i]->msg);
    free(m);
}

void mt_console_finish(mt_console *c)
{
    uv_timer_stop(&c->timer);
    mt_runner *r = c->runner;
    if (r->opt->quiet) return;
    if (c->drawn) fprintf(c->out, "\r\033[K");
    double secs = (r->ended_at ? r->ended_at : mt_now_s()) - r->started_at;
    if (r->started_at == 0) secs = 0;
    const mt_stats *s = &r->stats;
    fprintf(c->out,
            "Duration: %.2f s | Requests: %" PRIu64 " (%.1f/s) | Transport errors: %" PRIu64 "\n",
            secs, s->requests, secs > 0 ? (double)s->requests / secs : 0.0, s->transport_errors);
    if (s->cancelled) fprintf(c->out, "Cancelled at the deadline: %" PRIu64 "\n", s->cancelled);
    print_failures(c);
    if (r->fatal && r->fatal_msg[0]) fprintf(c->out, "Stopped: %s\n", r->fatal_msg);
    if (r->interrupted) fprintf(c->out, "Interrupted.\n");
    fprintf(c->out, "SUCCESSES: %" PRIu64 " | FAILURES: %" PRIu64 "\n", s->successes, s->failures);
    fprintf(c->out, "*** Bye ***\n");
    fflush(c->out);
}

void mt_console_close(mt_console *c)
{
    uv_close((uv_handle_t *)&c->timer, NULL);
}

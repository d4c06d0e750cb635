/* console.c: the header, the live view and its notices, and the summary's
 * frame (console.h). On a terminal the frame (live.c's text) is redrawn in
 * place: the cursor goes back to its first line, each line is erased and
 * written, and what a longer frame left below is erased; nothing is ever
 * written in the last column, so no line wraps. Nothing is printed with -q. */
#include "molotov/console.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "molotov/common.h"
#include "molotov/fmt.h"
#include "molotov/summary.h"
#include "molotov/worker.h"

#define PLAIN_EVERY_S 5.0 /* live line period when stdout is not a terminal */
#define MIN_WIDTH 20

static int term_width(FILE *out)
{
    struct winsize ws;
    if (ioctl(fileno(out), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        return ws.ws_col < MIN_WIDTH ? MIN_WIDTH : ws.ws_col;
    const char *cols = getenv("COLUMNS");
    int n = cols ? atoi(cols) : 0;
    return n >= MIN_WIDTH ? n : MT_SUMMARY_WIDTH;
}

/* Moves to the frame's first line and erases it and everything below. */
static void erase_frame(mt_console *c)
{
    if (!c->tty || !c->lines) return;
    if (c->lines > 1)
        fprintf(c->out, "\r\033[%dA\033[J", c->lines - 1);
    else
        fputs("\r\033[J", c->out);
    c->lines = 0;
}

static const char *colour_of(const mt_console *c, mt_live_kind k)
{
    if (!c->colour || k == MT_LIVE_TEXT) return NULL;
    return k == MT_LIVE_NOTICE ? "\033[33m" : "\033[31m";
}

/* Writes the frame over the one on screen, in one write. */
static void draw(mt_console *c, const mt_live_frame *f)
{
    mt_buf b;
    mt_buf_init(&b);
    char up[32];
    int n = c->lines > 1 ? snprintf(up, sizeof up, "\r\033[%dA", c->lines - 1)
                         : snprintf(up, sizeof up, "\r");
    mt_buf_append(&b, up, (size_t)n);
    for (int i = 0; i < f->n; i++) {
        const char *col = colour_of(c, f->kind[i]);
        if (i) mt_buf_append(&b, "\n", 1);
        mt_buf_append(&b, "\033[2K", 4);
        if (col) mt_buf_append(&b, col, strlen(col));
        mt_buf_append(&b, f->text[i], strlen(f->text[i]));
        if (col) mt_buf_append(&b, "\033[0m", 4);
    }
    mt_buf_append(&b, "\033[J\r", 4); /* at the last line's start, a ^C echo cannot wrap */
    fwrite(b.data, 1, b.len, c->out);
    fflush(c->out);
    mt_buf_free(&b);
    c->lines = f->n;
}

static void on_winch(uv_signal_t *s, int signum)
{
    (void)signum;
    mt_console *c = s->data;
    c->width = term_width(c->out);
    if (!c->started) return;
    erase_frame(c); /* the terminal may have moved the old lines: start clean */
    mt_console_refresh(c);
}

void mt_console_init(mt_console *c, mt_runner *r, FILE *out, bool tty)
{
    memset(c, 0, sizeof(*c));
    c->runner = r;
    c->out = out;
    const char *term = getenv("TERM");
    const char *no_colour = getenv("NO_COLOR");
    c->tty = tty && !(term && strcmp(term, "dumb") == 0);
    c->colour = c->tty && !(no_colour && *no_colour);
    c->width = c->tty ? term_width(out) : MT_SUMMARY_WIDTH;
    uv_timer_init(r->loop, &c->timer);
    c->timer.data = c;
    uv_signal_init(r->loop, &c->winch);
    c->winch.data = c;
    const mt_options *o = r->opt;
    if (o->quiet) return;
    if (c->tty) uv_signal_start(&c->winch, on_winch, SIGWINCH);
    fprintf(out, "**** Molotov v%s. Happy breaking! ****\n", MOLOTOV_VERSION);
    if (o->processes > 1)
        fprintf(out, "Forking %d processes (%d workers each)\n", o->processes, o->workers);
    else
        fprintf(out, "Preparing %d worker%s...\n", o->workers, o->workers > 1 ? "s" : "");
    fflush(out);
}

/* What is left to finish once the run stops: requests in flight (one
 * process) or the workers still busy (a pool's processes report no more). */
static void in_flight(const mt_runner *r, mt_live *v)
{
    int http = 0;
    for (int i = 0; i < r->nworkers; i++) http += r->workers[i]->ctx.wait == MT_WAIT_HTTP;
    v->in_flight_reqs = http > 0;
    v->in_flight = http > 0 ? http : mt_runner_active_workers(r);
}

static void controller(const mt_console *c, const mt_live *v, char *buf, size_t len)
{
    const mt_options *o = c->runner->opt;
    char dropped[32];
    mt_fmt_count(c->runner->stats.dropped, dropped, sizeof dropped);
    buf[0] = '\0';
    if (o->sizing && c->sizing && c->sizing->runner) {
        mt_sizing_status(c->sizing, buf, len);
    } else if (o->rate > 0 && o->ramp_up > 0 && v->elapsed < o->ramp_up) {
        snprintf(buf, len, "ramping the rate: %.0f/%.0f per s, dropped %s",
                 o->rate * v->elapsed / o->ramp_up, o->rate, dropped);
    } else if (o->rate > 0) {
        snprintf(buf, len, "rate %.0f/s, dropped %s", o->rate, dropped);
    } else if (o->ramp_up > 0 && v->workers < v->workers_plan && v->stop == MT_LIVE_RUNNING &&
               v->elapsed < o->ramp_up + 1) {
        char ramp[24];
        mt_fmt_secs(o->ramp_up, ramp, sizeof ramp);
        snprintf(buf, len, "ramping %d/%d workers (over %s)", v->workers, v->workers_plan, ramp);
    }
}

/* The planned span; 0 without one (-d left at its default of a day). */
static double planned_span(const mt_runner *r)
{
    static mt_options defaults;
    static bool have;
    if (!have) mt_options_defaults(&defaults);
    have = true;
    const mt_options *o = r->opt;
    if (!o->sizing && o->duration == defaults.duration) return 0;
    return r->deadline_at - r->started_at;
}

void mt_console_gather(mt_console *c, mt_live *v)
{
    mt_runner *r = c->runner;
    const mt_options *o = r->opt;
    const mt_stats *s = &r->stats;
    memset(v, 0, sizeof(*v));
    double now = r->ended_at ? r->ended_at : mt_now_s();
    v->elapsed = r->started_at ? now - r->started_at : 0;
    int planned_workers = o->workers * o->processes;
    uint64_t per_worker = o->single_run ? (uint64_t)s->nscenarios : (uint64_t)o->max_runs;
    v->runs_plan = per_worker * (uint64_t)planned_workers;
    v->runs = s->successes + s->failures + s->cancelled;
    if (!v->runs_plan) v->planned = planned_span(r);
    v->workers = mt_runner_active_workers(r);
    v->workers_plan = planned_workers;
    v->busy = o->rate > 0;
    v->successes = s->successes;
    v->failures = s->failures;
    mt_live_window_update(&c->window, s, mt_now_s(), v);
    v->stop = r->interrupted ? MT_LIVE_INTERRUPTED
              : r->stopping  ? MT_LIVE_STOPPING
                             : MT_LIVE_RUNNING;
    if (v->stop != MT_LIVE_RUNNING) in_flight(r, v);
    controller(c, v, v->controller, sizeof v->controller);
}

static void tick(mt_console *c)
{
    mt_live v;
    mt_console_gather(c, &v);
    if (c->tty) {
        mt_live_frame f;
        mt_live_frame_make(&v, c->width, &f);
        draw(c, &f);
        return;
    }
    double now = mt_now_s();
    if (v.stop != MT_LIVE_RUNNING && !c->stop_seen) c->stop_seen = now;
    /* told once: a Ctrl-C at once; the deadline only once the wait lasts a second */
    bool tell =
        v.stop == MT_LIVE_INTERRUPTED || (v.stop != MT_LIVE_RUNNING && now - c->stop_seen >= 1);
    if (tell && v.stop != c->told) {
        char notice[256];
        mt_live_notice(&v, 1000, notice, sizeof notice);
        fprintf(c->out, "%s\n", notice);
        c->told = v.stop;
    }
    if (now + 0.25 >= c->plain_next) { /* tolerate timer jitter */
        char line[1024];
        c->plain_next += PLAIN_EVERY_S;
        mt_live_plain(&v, line, sizeof line);
        fprintf(c->out, "%s\n", line);
    }
    fflush(c->out);
}

static void on_tick(uv_timer_t *t)
{
    tick(t->data);
}

void mt_console_refresh(mt_console *c)
{
    if (c->started && !c->runner->opt->quiet) tick(c);
}

void mt_console_note(mt_console *c, const char *text)
{
    if (c->runner->opt->quiet) return;
    erase_frame(c);
    fputs(text, c->out);
    fflush(c->out);
    if (c->started && c->tty) tick(c);
}

void mt_console_countdown(mt_console *c, double left_s)
{
    if (c->runner->opt->quiet || (!c->tty && c->counted_down)) return;
    char left[24];
    mt_fmt_secs(left_s, left, sizeof left);
    mt_live_frame f = {.n = 1};
    snprintf(f.text[0], sizeof f.text[0], "Waiting %s for --start-at...", left);
    if (c->tty)
        draw(c, &f);
    else
        fprintf(c->out, "%s\n", f.text[0]);
    fflush(c->out);
    c->counted_down = true;
}

void mt_console_start(mt_console *c)
{
    if (c->runner->opt->quiet) return;
    erase_frame(c); /* --start-at's countdown */
    fprintf(c->out, "OK\n");
    fflush(c->out);
    mt_live_window_init(&c->window, c->runner->started_at ? c->runner->started_at : mt_now_s());
    c->started = true;
    c->plain_next = mt_now_s() + PLAIN_EVERY_S;
    uint64_t ms = (uint64_t)(c->runner->opt->console_update * 1000 + 0.5);
    if (!c->tty) ms = 1000;
    uv_timer_start(&c->timer, on_tick, ms ? ms : 1, ms ? ms : 1);
    if (c->tty) tick(c);
}

void mt_console_summary(FILE *out, const mt_stats *s, const char *const *names, double secs)
{
    mt_summary_print(out, s, names, secs, mt_summary_width(out), isatty(fileno(out)));
}

void mt_console_fixtures(FILE *out, const mt_stats *f)
{
    if (!f || !f->requests) return;
    char a[32], b[32];
    mt_fmt_count(f->requests, a, sizeof a);
    mt_fmt_count(f->failed_requests, b, sizeof b);
    fprintf(out, "global_setup/global_teardown made %s requests (%s failed), not counted above\n",
            a, b);
}

void mt_console_verdict(FILE *out, const mt_stats *s, const mt_threshold_result *thresholds,
                        int nthresholds)
{
    if (s->dropped) {
        char n[32];
        mt_fmt_count(s->dropped, n, sizeof n);
        fprintf(out, "Dropped starts (no free worker): %s\n", n);
    }
    mt_summary_thresholds(out, thresholds, nthresholds);
    fprintf(out, "SUCCESSES: %" PRIu64 " | FAILURES: %" PRIu64 "\n", s->successes, s->failures);
    fprintf(out, "*** Bye ***\n");
    fflush(out);
}

void mt_console_finish(mt_console *c, const mt_threshold_result *thresholds, int nthresholds,
                       const mt_sizing *sizing)
{
    uv_timer_stop(&c->timer);
    uv_signal_stop(&c->winch);
    mt_runner *r = c->runner;
    if (r->opt->quiet) return;
    erase_frame(c);
    c->started = false;
    double secs = (r->ended_at ? r->ended_at : mt_now_s()) - r->started_at;
    if (r->started_at == 0) secs = 0;
    const char **names = r->script ? mt_script_names(r->script)
                                   : mt_calloc((size_t)r->stats.nscenarios + 1, sizeof(char *));
    int width = c->tty ? term_width(c->out) : mt_summary_width(c->out);
    mt_summary_print(c->out, &r->stats, names, secs, width, c->tty);
    mt_console_fixtures(c->out, &r->fixture_stats);
    free(names);
    if (r->fatal && r->fatal_msg[0]) fprintf(c->out, "Stopped: %s\n", r->fatal_msg);
    if (r->interrupted) fprintf(c->out, "Interrupted.\n");
    if (sizing) mt_sizing_print(sizing, c->out);
    mt_console_verdict(c->out, &r->stats, thresholds, nthresholds);
}

void mt_console_close(mt_console *c)
{
    mt_live_window_free(&c->window);
    uv_close((uv_handle_t *)&c->timer, NULL);
    uv_close((uv_handle_t *)&c->winch, NULL);
}

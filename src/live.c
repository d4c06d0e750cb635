/* live.c: the live view's text (live.h): a frame of lines that fit the
 * terminal, the plain line for logs, and the window of the last seconds
 * sampled from the run's counters. */
#include "molotov/live.h"
#include "molotov/common.h"
#include "molotov/fmt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BAR_MAX 40
#define SAMPLE_EVERY_S 0.1

/* ---- the window of the last seconds ---- */

void mt_live_window_init(mt_live_window *w, double t0)
{
    memset(w, 0, sizeof(*w));
    w->t0 = t0;
    w->samples[0] = (mt_live_sample){t0, 0, 0};
    w->nsamples = w->head = 1;
}

void mt_live_window_free(mt_live_window *w)
{
    for (int i = 0; i < MT_LIVE_WINDOW_S + 1; i++) free(w->snaps[i].msgs);
    memset(w, 0, sizeof(*w));
}

/* The oldest sample still in the window. */
static const mt_live_sample *base_sample(const mt_live_window *w, double now)
{
    const mt_live_sample *best = NULL;
    for (int i = 0; i < w->nsamples; i++) {
        const mt_live_sample *s = &w->samples[i];
        if (now - s->t <= MT_LIVE_WINDOW_S + 1e-6 && (!best || s->t < best->t)) best = s;
    }
    return best;
}

static void push_sample(mt_live_window *w, const mt_stats *s, double now)
{
    int last = (w->head + MT_LIVE_SAMPLES - 1) % MT_LIVE_SAMPLES;
    if (w->nsamples && now - w->samples[last].t < SAMPLE_EVERY_S) return;
    w->samples[w->head] = (mt_live_sample){now, s->requests, s->failed_requests};
    w->head = (w->head + 1) % MT_LIVE_SAMPLES;
    if (w->nsamples < MT_LIVE_SAMPLES) w->nsamples++;
}

static int by_pointer(const void *a, const void *b)
{
    const char *x = ((const mt_live_msg *)a)->msg, *y = ((const mt_live_msg *)b)->msg;
    return x < y ? -1 : x > y;
}

static uint64_t snap_count(const mt_live_snap *snap, const char *msg)
{
    if (!snap) return 0;
    mt_live_msg key = {msg, 0};
    const mt_live_msg *m = bsearch(&key, snap->msgs, snap->n, sizeof key, by_pointer);
    return m ? m->count : 0;
}

static void push_snap(mt_live_window *w, const mt_stats *s, double now)
{
    int last = (w->snap_head + MT_LIVE_WINDOW_S) % (MT_LIVE_WINDOW_S + 1);
    if (w->nsnaps && now - w->snaps[last].t < 1.0) return;
    mt_live_snap *snap = &w->snaps[w->snap_head];
    snap->msgs = mt_realloc(snap->msgs, sizeof(mt_live_msg) * (s->msgs.n + 1));
    snap->n = 0;
    for (size_t i = 0; i < s->msgs.cap; i++)
        if (s->msgs.slots[i].msg)
            snap->msgs[snap->n++] = (mt_live_msg){s->msgs.slots[i].msg, s->msgs.slots[i].count};
    qsort(snap->msgs, snap->n, sizeof(mt_live_msg), by_pointer);
    snap->t = now;
    w->snap_head = (w->snap_head + 1) % (MT_LIVE_WINDOW_S + 1);
    if (w->nsnaps < MT_LIVE_WINDOW_S + 1) w->nsnaps++;
}

/* The message counted most often since the oldest snapshot of the window. */
static void top_failure(const mt_live_window *w, const mt_stats *s, double now, mt_live *v)
{
    const mt_live_snap *base = NULL;
    for (int i = 0; i < w->nsnaps; i++) {
        const mt_live_snap *k = &w->snaps[i];
        if (now - k->t <= MT_LIVE_WINDOW_S + 0.5 && (!base || k->t < base->t)) base = k;
    }
    v->top_failure = NULL;
    v->top_count = 0;
    for (size_t i = 0; i < s->msgs.cap; i++) {
        const mt_msgcount *m = &s->msgs.slots[i];
        if (!m->msg) continue;
        uint64_t d = m->count - snap_count(base, m->msg);
        if (d > v->top_count || (d && d == v->top_count && strcmp(m->msg, v->top_failure) < 0)) {
            v->top_count = d;
            v->top_failure = m->msg;
        }
    }
}

void mt_live_window_update(mt_live_window *w, const mt_stats *s, double now, mt_live *v)
{
    const mt_live_sample *b = base_sample(w, now);
    mt_live_sample base = b ? *b : (mt_live_sample){w->t0, 0, 0};
    double span = now - base.t;
    uint64_t req = s->requests - base.requests, failed = s->failed_requests - base.failed;
    v->window_s = span;
    v->rps = -1;
    if (span >= 1.0 || (req && span >= 0.05)) v->rps = (double)req / span; /* a partial second */
    v->error_pct = req ? 100.0 * (double)failed / (double)req : -1;
    int64_t sec = mt_wall_s();
    v->p99_us = mt_stats_window_p99(s, sec - MT_LIVE_WINDOW_S + 1, sec + 1);
    top_failure(w, s, now, v);
    push_sample(w, s, now);
    push_snap(w, s, now);
}

/* ---- text ---- */

/* Appends src to dst (of `room` columns) when it fits; returns whether it did. */
static bool append_fit(char *dst, size_t room, const char *src)
{
    size_t n = strlen(dst), m = strlen(src);
    if (n + m > room) return false;
    memcpy(dst + n, src, m + 1);
    return true;
}

/* Control characters would move the cursor: a message shows them as spaces. */
static void sanitize(char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f) *s = ' ';
}

static void fmt_pct(double pct, char *buf, size_t len)
{
    if (pct < 0)
        snprintf(buf, len, "-");
    else if (pct > 0 && pct < 0.05)
        snprintf(buf, len, "<0.1%%");
    else
        snprintf(buf, len, pct < 9.95 ? "%.1f%%" : "%.0f%%", pct);
}

/* "12.3s / 1m00s", "4.0s  runs 12/30" or "4.0s elapsed, until Ctrl-C";
 * *progress is 0..1, or -1 without a planned end. */
static void time_head(const mt_live *v, char *buf, size_t len, double *progress)
{
    char el[24], a[32], b[32];
    mt_fmt_secs(v->elapsed, el, sizeof el);
    *progress = -1;
    if (v->runs_plan) {
        mt_fmt_count(v->runs, a, sizeof a);
        mt_fmt_count(v->runs_plan, b, sizeof b);
        snprintf(buf, len, "%s  runs %s/%s", el, a, b);
        *progress = (double)v->runs / (double)v->runs_plan;
    } else if (v->planned > 0) {
        mt_fmt_secs(v->planned, a, sizeof a);
        snprintf(buf, len, "%s / %s", el, a);
        *progress = v->elapsed / v->planned;
    } else {
        snprintf(buf, len, "%s elapsed, until Ctrl-C", el);
    }
    if (*progress > 1) *progress = 1;
}

static void line_progress(const mt_live *v, size_t room, char *out)
{
    char head[96], tail[48], pct[8];
    double p;
    time_head(v, head, sizeof head, &p);
    snprintf(tail, sizeof tail, "  %s %d/%d", v->busy ? "busy" : "workers", v->workers,
             v->workers_plan);
    out[0] = '\0';
    append_fit(out, room, head);
    if (p < 0) {
        append_fit(out, room, tail);
        return;
    }
    snprintf(pct, sizeof pct, " %3d%%", (int)(p * 100));
    long fixed = (long)(strlen(head) + 3 + strlen(pct)); /* " [" bar "]" pct */
    long bar = (long)room - fixed - (long)strlen(tail);
    bool with_tail = bar >= 10;
    if (!with_tail) bar = (long)room - fixed;
    if (bar > BAR_MAX) bar = BAR_MAX;
    if (bar >= 3) {
        char b[BAR_MAX + 4];
        long fill = (long)(p * (double)bar + 0.5);
        b[0] = '[';
        for (long i = 0; i < bar; i++) b[i + 1] = i < fill ? '#' : '.';
        b[bar + 1] = ']';
        b[bar + 2] = '\0';
        append_fit(out, room, " ");
        append_fit(out, room, b);
    }
    append_fit(out, room, pct);
    if (with_tail) append_fit(out, room, tail);
}

/* "2,027 req/s | errors 0.4% | p99 146us | runs 9,637 ok, 12 failed",
 * the last part shorter or left out when it does not fit. */
static void line_figures(const mt_live *v, size_t room, char *out)
{
    char rps[32] = "-", err[16], p99[16] = "-", ok[32], ko[32], runs[96];
    if (v->rps >= 0) mt_fmt_num(v->rps, v->rps < 10 ? 1 : 0, rps, sizeof rps);
    fmt_pct(v->error_pct, err, sizeof err);
    if (v->p99_us) mt_fmt_us(v->p99_us, p99, sizeof p99);
    mt_fmt_count(v->successes, ok, sizeof ok);
    mt_fmt_count(v->failures, ko, sizeof ko);
    char figs[128];
    snprintf(figs, sizeof figs, "%s req/s | errors %s | p99 %s", rps, err, p99);
    out[0] = '\0';
    if (!append_fit(out, room, figs)) {
        snprintf(out, room + 1, "%s", figs); /* cut: a very narrow terminal */
        return;
    }
    snprintf(runs, sizeof runs, " | runs %s ok, %s failed", ok, ko);
    if (append_fit(out, room, runs)) return;
    snprintf(runs, sizeof runs, "  %s ok/%s failed", ok, ko);
    append_fit(out, room, runs);
}

void mt_live_notice(const mt_live *v, int width, char *buf, size_t len)
{
    buf[0] = '\0';
    if (v->stop == MT_LIVE_RUNNING) return;
    size_t room = width > 1 ? (size_t)width - 1 : 1;
    const char *ctrl = v->stop == MT_LIVE_INTERRUPTED ? "Ctrl-C again to abort" : "Ctrl-C to abort";
    char what[64];
    if (v->in_flight <= 0)
        snprintf(what, sizeof what, "finishing");
    else if (v->in_flight_reqs)
        snprintf(what, sizeof what, "%d request%s in flight", v->in_flight,
                 v->in_flight == 1 ? "" : "s");
    else
        snprintf(what, sizeof what, "%d busy worker%s", v->in_flight, v->in_flight == 1 ? "" : "s");
    const char *wait = v->in_flight > 0 ? "waiting for " : "";
    snprintf(buf, len, "stopping: %s%s, %s", wait, what, ctrl);
    if (strlen(buf) > room) snprintf(buf, len, "stopping: %s, %s", what, ctrl);
    if (strlen(buf) > room && room < len) buf[room] = '\0';
}

static void line_failure(const mt_live *v, size_t room, char *out)
{
    char head[64], msg[MT_LIVE_LINE], n[32];
    mt_fmt_count(v->top_count, n, sizeof n);
    snprintf(head, sizeof head, "failing (%s in %.0fs): ", n, v->window_s < 1 ? 1 : v->window_s);
    size_t left = room > strlen(head) ? room - strlen(head) : 0;
    if (left < 8) left = 8;
    mt_fmt_shorten(v->top_failure, left, msg, sizeof msg);
    sanitize(msg);
    size_t h = strlen(head);
    memcpy(out, head, h + 1);
    mt_strlcpyn(out + h, MT_LIVE_LINE - h, msg, strlen(msg));
    if (strlen(out) > room) out[room] = '\0';
}

void mt_live_frame_make(const mt_live *v, int width, mt_live_frame *f)
{
    size_t room = width > 20 ? (size_t)width - 1 : 19;
    if (room >= MT_LIVE_LINE) room = MT_LIVE_LINE - 1;
    memset(f, 0, sizeof(*f));
    line_progress(v, room, f->text[f->n++]);
    line_figures(v, room, f->text[f->n++]);
    char *third = f->text[f->n];
    mt_live_notice(v, (int)room + 1, third, MT_LIVE_LINE);
    if (third[0]) {
        f->kind[f->n++] = MT_LIVE_NOTICE;
    } else if (v->controller[0]) {
        snprintf(third, room + 1, "%s", v->controller);
        f->n++;
    }
    if (v->top_failure && v->top_count) {
        f->kind[f->n] = MT_LIVE_FAILURE;
        line_failure(v, room, f->text[f->n++]);
    }
}

void mt_live_plain(const mt_live *v, char *buf, size_t len)
{
    char el[64], plan[24], ok[32], ko[32], rps[32] = "-", err[16], p99[16] = "-";
    mt_fmt_secs(v->elapsed, el, sizeof el);
    mt_fmt_count(v->successes, ok, sizeof ok);
    mt_fmt_count(v->failures, ko, sizeof ko);
    if (v->rps >= 0) mt_fmt_num(v->rps, v->rps < 10 ? 1 : 0, rps, sizeof rps);
    fmt_pct(v->error_pct, err, sizeof err);
    if (v->p99_us) mt_fmt_us(v->p99_us, p99, sizeof p99);
    if (v->planned > 0 && !v->runs_plan) {
        mt_fmt_secs(v->planned, plan, sizeof plan);
        size_t n = strlen(el);
        snprintf(el + n, sizeof el - n, "/%s", plan);
    }
    int n = snprintf(buf, len,
                     "%s | SUCCESSES: %s | FAILURES: %s | %s: %d/%d | %s req/s | errors %s | "
                     "p99 %s",
                     el, ok, ko, v->busy ? "BUSY" : "WORKERS", v->workers, v->workers_plan, rps,
                     err, p99);
    if (v->controller[0] && n > 0 && (size_t)n < len)
        n += snprintf(buf + n, len - (size_t)n, " | %s", v->controller);
    if (v->top_failure && v->top_count && n > 0 && (size_t)n < len) {
        char msg[96];
        mt_fmt_shorten(v->top_failure, 80, msg, sizeof msg);
        sanitize(msg);
        snprintf(buf + n, len - (size_t)n, " | failing (%llu): %s",
                 (unsigned long long)v->top_count, msg);
    }
}

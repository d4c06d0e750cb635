/* stats.c: run counters, distinct failure messages, per-scenario and
 * per-label statistics and the origins requested. Every figure is a count
 * or a histogram, so merging is adding. The per-second timeline is in
 * stats_timeline.c, the JSON form in stats_json.c. */
#include "molotov/stats.h"
#include "molotov/common.h"
#include "molotov/stats_timeline.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t hash(const char *s, uint64_t h)
{
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

#define HASH0 1469598103934665603ull

/* ---- failure messages ---- */

static void msgtab_init(mt_msgtab *t, size_t max)
{
    memset(t, 0, sizeof(*t));
    t->max = max;
}

static void msgtab_free(mt_msgtab *t)
{
    for (size_t i = 0; i < t->cap; i++) free(t->slots[i].msg);
    free(t->slots);
    t->slots = NULL;
    t->cap = t->n = 0;
}

static mt_msgcount *msg_slot(mt_msgcount *tab, size_t cap, const char *msg)
{
    size_t i = hash(msg, HASH0) & (cap - 1);
    while (tab[i].msg && strcmp(tab[i].msg, msg) != 0) i = (i + 1) & (cap - 1);
    return &tab[i];
}

static void msgtab_grow(mt_msgtab *t)
{
    size_t cap = t->cap ? t->cap * 2 : 16;
    mt_msgcount *tab = mt_calloc(cap, sizeof(*tab));
    for (size_t i = 0; i < t->cap; i++)
        if (t->slots[i].msg) *msg_slot(tab, cap, t->slots[i].msg) = t->slots[i];
    free(t->slots);
    t->slots = tab;
    t->cap = cap;
}

static void msgtab_add(mt_msgtab *t, const char *msg, uint64_t count)
{
    if ((t->n + 1) * 2 > t->cap) msgtab_grow(t);
    mt_msgcount *m = msg_slot(t->slots, t->cap, msg);
    if (!m->msg) {
        if (t->n >= t->max && strcmp(msg, MT_STATS_OTHER) != 0) {
            msgtab_add(t, MT_STATS_OTHER, count);
            return;
        }
        m->msg = mt_strdup(msg);
        t->n++;
    }
    m->count += count;
}

/* Adds msg with its secrets masked. */
static void msgtab_add_masked(mt_msgtab *t, const char *msg, uint64_t count)
{
    char *masked = mt_mask_secrets(msg);
    msgtab_add(t, masked ? masked : msg, count);
    free(masked);
}

void mt_stats_add_message(mt_stats *s, const char *msg, uint64_t count)
{
    msgtab_add_masked(&s->msgs, msg, count);
}

void mt_stats_add_scenario_message(mt_stats *s, int scenario, const char *msg, uint64_t count)
{
    if (scenario >= 0 && scenario < s->nscenarios)
        msgtab_add_masked(&s->scenarios[scenario].msgs, msg, count);
}

static int by_count_desc(const void *a, const void *b)
{
    const mt_msgcount *x = *(const mt_msgcount *const *)a, *y = *(const mt_msgcount *const *)b;
    if (x->count != y->count) return x->count < y->count ? 1 : -1;
    return strcmp(x->msg, y->msg);
}

const mt_msgcount **mt_msgtab_sorted(const mt_msgtab *t, size_t *n)
{
    const mt_msgcount **out = mt_calloc(t->n + 1, sizeof(*out));
    size_t k = 0;
    for (size_t i = 0; i < t->cap; i++)
        if (t->slots[i].msg) out[k++] = &t->slots[i];
    qsort(out, k, sizeof(*out), by_count_desc);
    *n = k;
    return out;
}

const mt_msgcount **mt_stats_messages(const mt_stats *s, size_t *n)
{
    return mt_msgtab_sorted(&s->msgs, n);
}

/* ---- life cycle ---- */

void mt_stats_init(mt_stats *s, int nscenarios)
{
    memset(s, 0, sizeof(*s));
    s->nscenarios = nscenarios;
    s->scenarios = mt_calloc((size_t)(nscenarios > 0 ? nscenarios : 1), sizeof(mt_scn_stats));
    for (int i = 0; i < nscenarios; i++) {
        s->scenarios[i].duration = mt_hist_new();
        s->scenarios[i].duration_ok = mt_hist_new();
        msgtab_init(&s->scenarios[i].msgs, MT_STATS_SCENARIO_MESSAGES);
    }
    s->latency = mt_hist_new();
    s->latency_ok = mt_hist_new();
    msgtab_init(&s->msgs, MT_STATS_MAX_MESSAGES);
}

void mt_stats_req_free(mt_req_stats *r)
{
    free(r->label);
    free(r->origin);
    for (int k = 0; k < r->nkinds; k++) free(r->kinds[k].kind);
    free(r->kinds);
    mt_hist_free(r->latency);
    mt_hist_free(r->latency_ok);
    mt_timings_free(r->phases);
    mt_timeline_free(&r->timeline);
}

static void free_reqs(mt_stats *s)
{
    for (int i = 0; i < s->nreqs; i++) mt_stats_req_free(&s->reqs[i]);
    free(s->reqs);
    free(s->req_index);
    s->reqs = NULL;
    s->req_index = NULL;
    s->nreqs = s->reqs_cap = 0;
    s->req_index_cap = 0;
    for (int i = 0; i < s->nhosts; i++) free(s->hosts[i].origin);
    free(s->hosts);
    s->hosts = NULL;
    s->nhosts = 0;
}

void mt_stats_free(mt_stats *s)
{
    msgtab_free(&s->msgs);
    free_reqs(s);
    mt_timeline_free(&s->timeline);
    for (int i = 0; i < s->nscenarios; i++) {
        mt_hist_free(s->scenarios[i].duration);
        mt_hist_free(s->scenarios[i].duration_ok);
        msgtab_free(&s->scenarios[i].msgs);
        mt_timeline_free(&s->scenarios[i].timeline);
    }
    free(s->scenarios);
    mt_hist_free(s->latency);
    mt_hist_free(s->latency_ok);
    memset(s, 0, sizeof(*s));
}

void mt_stats_reset(mt_stats *s)
{
    msgtab_free(&s->msgs);
    free_reqs(s);
    mt_timeline_free(&s->timeline);
    for (int i = 0; i < s->nscenarios; i++) {
        mt_scn_stats *sc = &s->scenarios[i];
        sc->runs = sc->successes = sc->failures = sc->cancelled = 0;
        mt_hist_reset(sc->duration);
        mt_hist_reset(sc->duration_ok);
        msgtab_free(&sc->msgs);
        mt_timeline_free(&sc->timeline);
    }
    mt_hist_reset(s->latency);
    mt_hist_reset(s->latency_ok);
    s->successes = s->failures = s->requests = s->failed_requests = s->cancelled = 0;
    memset(&s->fails, 0, sizeof(s->fails));
    s->dropped = s->truncated = 0;
    s->bytes_out = s->bytes_in = s->body_in = 0;
}

/* ---- request rows: one per (label, origin) ---- */

static uint64_t row_hash(const char *label, const char *origin)
{
    return hash(origin, hash(label, HASH0) ^ 0x1f);
}

static int *index_slot(const mt_stats *s, const char *label, const char *origin)
{
    size_t i = row_hash(label, origin) & (s->req_index_cap - 1);
    while (s->req_index[i] >= 0) {
        const mt_req_stats *r = &s->reqs[s->req_index[i]];
        if (strcmp(r->label, label) == 0 && strcmp(r->origin, origin) == 0) break;
        i = (i + 1) & (s->req_index_cap - 1);
    }
    return &s->req_index[i];
}

static void grow_index(mt_stats *s)
{
    s->req_index_cap = s->req_index_cap ? s->req_index_cap * 2 : 32;
    free(s->req_index);
    s->req_index = mt_malloc(sizeof(int) * s->req_index_cap);
    for (size_t i = 0; i < s->req_index_cap; i++) s->req_index[i] = -1;
    for (int i = 0; i < s->nreqs; i++) *index_slot(s, s->reqs[i].label, s->reqs[i].origin) = i;
}

const mt_req_stats *mt_stats_label_at(const mt_stats *s, const char *label, const char *origin)
{
    if (!s->req_index_cap) return NULL;
    int i = *index_slot(s, label, origin ? origin : "");
    return i >= 0 ? &s->reqs[i] : NULL;
}

static void req_init(mt_req_stats *r, const char *label, const char *origin)
{
    memset(r, 0, sizeof(*r));
    r->label = mt_strdup(label);
    r->origin = mt_strdup(origin);
    r->latency = mt_hist_new();
    r->latency_ok = mt_hist_new();
}

/* The row of (label, origin), made on first use. */
static mt_req_stats *row(mt_stats *s, const char *label, const char *origin)
{
    if ((size_t)(s->nreqs + 1) * 2 > s->req_index_cap) grow_index(s);
    int *slot = index_slot(s, label, origin);
    if (*slot >= 0) return &s->reqs[*slot];
    if (s->nreqs >= MT_STATS_MAX_LABELS && (strcmp(label, MT_STATS_OTHER_LABEL) != 0 || *origin))
        return row(s, MT_STATS_OTHER_LABEL, ""); /* the one row past the cap */
    if (s->nreqs == s->reqs_cap) {
        s->reqs_cap = s->reqs_cap ? s->reqs_cap * 2 : 8;
        s->reqs = mt_realloc(s->reqs, sizeof(mt_req_stats) * (size_t)s->reqs_cap);
    }
    req_init(&s->reqs[s->nreqs], label, origin);
    s->reqs[s->nreqs].series = s->nreqs < MT_STATS_SERIES_ROWS;
    *slot = s->nreqs++;
    return &s->reqs[*slot];
}

static void add_kind(mt_req_stats *r, const char *kind, uint64_t count)
{
    for (int i = 0; i < r->nkinds; i++) {
        if (strcmp(r->kinds[i].kind, kind) == 0) {
            r->kinds[i].count += count;
            return;
        }
    }
    r->kinds = mt_realloc(r->kinds, sizeof(mt_kindcount) * (size_t)(r->nkinds + 1));
    r->kinds[r->nkinds].kind = mt_strdup(kind);
    r->kinds[r->nkinds++].count = count;
}

static void add_host(mt_stats *s, const char *origin, uint64_t n)
{
    if (!origin || !*origin) return;
    for (int i = 0; i < s->nhosts; i++) {
        if (strcmp(s->hosts[i].origin, origin) == 0) {
            s->hosts[i].requests += n;
            return;
        }
    }
    if (s->nhosts >= MT_STATS_MAX_HOSTS) return;
    s->hosts = mt_realloc(s->hosts, sizeof(mt_hostcount) * (size_t)(s->nhosts + 1));
    s->hosts[s->nhosts].origin = mt_strdup(origin);
    s->hosts[s->nhosts++].requests = n;
}

bool mt_stats_many_origins(const mt_stats *s)
{
    const char *first = NULL;
    for (int i = 0; i < s->nreqs; i++) {
        const char *o = s->reqs[i].origin;
        if (!*o) continue;
        if (first && strcmp(first, o) != 0) return true;
        first = o;
    }
    return false;
}

static const char *display(const mt_req_stats *r, bool many, char *out, size_t outlen)
{
    const char *space = strchr(r->label, ' ');
    if (!many || !*r->origin || !space) return r->label;
    const char *origin = r->origin;
    if (strncmp(origin, "http://", 7) == 0) origin += 7; /* https:// stays: it says something */
    snprintf(out, outlen, "%.*s %s%s", (int)(space - r->label), r->label, origin, space + 1);
    return out;
}

const char *mt_stats_display_label(const mt_stats *s, const mt_req_stats *r, char *out,
                                   size_t outlen)
{
    return display(r, mt_stats_many_origins(s), out, outlen);
}

static bool sort_many; /* qsort has no context argument; sorting is not reentrant */

static int by_rows(const void *a, const void *b)
{
    const mt_req_stats *x = *(const mt_req_stats *const *)a, *y = *(const mt_req_stats *const *)b;
    if (x->count != y->count) return x->count < y->count ? 1 : -1;
    char bx[512], by[512];
    int c = strcmp(display(x, sort_many, bx, sizeof bx), display(y, sort_many, by, sizeof by));
    return c ? c : strcmp(x->origin, y->origin);
}

const mt_req_stats **mt_stats_sorted(const mt_stats *s)
{
    const mt_req_stats **out = mt_calloc((size_t)s->nreqs + 1, sizeof(*out));
    for (int i = 0; i < s->nreqs; i++) out[i] = &s->reqs[i];
    sort_many = mt_stats_many_origins(s);
    qsort(out, (size_t)s->nreqs, sizeof(*out), by_rows);
    return out;
}

static mt_timings *row_phases(mt_req_stats *r)
{
    if (!r->phases) r->phases = mt_timings_new();
    return r->phases;
}

static void merge_req(mt_req_stats *r, const mt_req_stats *src)
{
    r->count += src->count;
    r->failed += src->failed;
    r->fails.transport += src->fails.transport;
    r->fails.status_4xx += src->fails.status_4xx;
    r->fails.status_5xx += src->fails.status_5xx;
    r->fails.other += src->fails.other;
    for (int c = 0; c < MT_STATS_MAX_STATUS; c++) r->status[c] += src->status[c];
    for (int i = 0; i < src->nkinds; i++) add_kind(r, src->kinds[i].kind, src->kinds[i].count);
    mt_hist_merge(r->latency, src->latency);
    mt_hist_merge(r->latency_ok, src->latency_ok);
    r->msgs_out += src->msgs_out;
    r->msgs_in += src->msgs_in;
    r->bytes_out += src->bytes_out;
    r->bytes_in += src->bytes_in;
    r->body_in += src->body_in;
    if (src->phases) mt_timings_merge(row_phases(r), src->phases);
    if (r->series) mt_timeline_merge(&r->timeline, &src->timeline);
}

bool mt_stats_label_sum(const mt_stats *s, const char *label, mt_req_stats *out)
{
    bool many = mt_stats_many_origins(s), found = false;
    req_init(out, label, "");
    for (int i = 0; i < s->nreqs; i++) {
        char buf[512];
        const mt_req_stats *r = &s->reqs[i];
        if (strcmp(display(r, many, buf, sizeof buf), label) == 0 && strcmp(r->label, label)) {
            mt_stats_req_free(out); /* the one row shown with that origin: it alone */
            req_init(out, label, "");
            merge_req(out, r);
            return true;
        }
        if (strcmp(r->label, label) == 0) { /* every origin's, named or not */
            merge_req(out, r);
            found = true;
        }
    }
    return found;
}

/* ---- recording ---- */

bool mt_stats_status_failed(long status)
{
    return status >= 400;
}

static void add_bytes(mt_stats *s, mt_req_stats *r, const mt_request_rec *q)
{
    r->bytes_out += q->bytes_out;
    r->bytes_in += q->bytes_in;
    r->body_in += q->body_in;
    s->bytes_out += q->bytes_out;
    s->bytes_in += q->bytes_in;
    s->body_in += q->body_in;
    if (q->timing && q->timing->valid) mt_timings_record(row_phases(r), q->timing);
}

/* The row's own second, when it keeps a series. */
static void row_tick(mt_req_stats *r, const mt_request_rec *q, bool failed)
{
    if (!r->series) return;
    mt_tick *k = mt_timeline_tick(&r->timeline, q->t);
    k->requests++;
    k->failed_requests += failed;
    mt_hist_record(mt_tick_hist(k), q->latency_us);
}

static void count_failure(mt_failcount *f, const mt_request_rec *q)
{
    if (q->error_kind)
        f->transport++;
    else if (q->status >= 400 && q->status < 500)
        f->status_4xx++;
    else if (q->status >= 500)
        f->status_5xx++;
    else
        f->other++;
}

void mt_stats_request(mt_stats *s, const mt_request_rec *q)
{
    const char *origin = q->named || !q->origin ? "" : q->origin;
    mt_req_stats *r = row(s, q->label, origin);
    mt_tick *k = mt_timeline_tick(&s->timeline, q->t);
    bool failed = q->failed || q->error_kind;
    s->requests++;
    r->count++;
    k->requests++;
    add_host(s, q->origin, 1);
    if (failed) {
        s->failed_requests++;
        r->failed++;
        k->failed_requests++;
        count_failure(&s->fails, q);
        count_failure(&r->fails, q);
        count_failure(&k->fails, q);
    }
    add_bytes(s, r, q);
    row_tick(r, q, failed);
    if (q->error_kind)
        add_kind(r, q->error_kind, 1);
    else if (q->status >= 0 && q->status < MT_STATS_MAX_STATUS)
        r->status[q->status]++;
    mt_hist_record(r->latency, q->latency_us);
    mt_hist_record(s->latency, q->latency_us);
    mt_hist_record(mt_tick_hist(k), q->latency_us);
    if (!failed) {
        mt_hist_record(r->latency_ok, q->latency_us);
        mt_hist_record(s->latency_ok, q->latency_us);
    }
}

void mt_stats_ws_message(mt_stats *s, const char *label, const char *origin, bool out, size_t bytes)
{
    mt_req_stats *r = row(s, label, origin ? origin : "");
    if (out) {
        r->msgs_out++;
        r->bytes_out += bytes;
    } else {
        r->msgs_in++;
        r->bytes_in += bytes;
    }
}

void mt_stats_scenario_start(mt_stats *s, int scenario)
{
    s->scenarios[scenario].runs++;
}

void mt_stats_scenario_end(mt_stats *s, int scenario, bool ok, uint64_t duration_us, int64_t t)
{
    mt_scn_stats *sc = &s->scenarios[scenario];
    mt_tick *k = mt_timeline_tick(&s->timeline, t);
    mt_tick *ks = mt_timeline_tick(&sc->timeline, t);
    if (ok) {
        s->successes++;
        sc->successes++;
        k->successes++;
        ks->successes++;
        mt_hist_record(sc->duration_ok, duration_us);
    } else {
        s->failures++;
        sc->failures++;
        k->failures++;
        ks->failures++;
    }
    mt_hist_record(sc->duration, duration_us);
    mt_hist_record(mt_tick_hist(ks), duration_us);
}

void mt_stats_scenario_cancelled(mt_stats *s, int scenario)
{
    s->cancelled++;
    if (scenario >= 0 && scenario < s->nscenarios) s->scenarios[scenario].cancelled++;
}

/* ---- merging ---- */

static void merge_msgtab(mt_msgtab *dst, const mt_msgtab *src)
{
    for (size_t i = 0; i < src->cap; i++)
        if (src->slots[i].msg) msgtab_add(dst, src->slots[i].msg, src->slots[i].count);
}

static void merge_fails(mt_failcount *d, const mt_failcount *s)
{
    d->transport += s->transport;
    d->status_4xx += s->status_4xx;
    d->status_5xx += s->status_5xx;
    d->other += s->other;
}

void mt_stats_merge(mt_stats *dst, const mt_stats *src)
{
    dst->successes += src->successes;
    dst->failures += src->failures;
    dst->requests += src->requests;
    dst->failed_requests += src->failed_requests;
    merge_fails(&dst->fails, &src->fails);
    dst->cancelled += src->cancelled;
    dst->dropped += src->dropped;
    dst->truncated += src->truncated;
    dst->bytes_out += src->bytes_out;
    dst->bytes_in += src->bytes_in;
    dst->body_in += src->body_in;
    dst->unknown |= src->unknown;
    mt_hist_merge(dst->latency, src->latency);
    mt_hist_merge(dst->latency_ok, src->latency_ok);
    merge_msgtab(&dst->msgs, &src->msgs);
    int n = dst->nscenarios < src->nscenarios ? dst->nscenarios : src->nscenarios;
    for (int i = 0; i < n; i++) {
        mt_scn_stats *d = &dst->scenarios[i];
        const mt_scn_stats *s = &src->scenarios[i];
        d->runs += s->runs;
        d->successes += s->successes;
        d->failures += s->failures;
        d->cancelled += s->cancelled;
        mt_hist_merge(d->duration, s->duration);
        mt_hist_merge(d->duration_ok, s->duration_ok);
        merge_msgtab(&d->msgs, &s->msgs);
        mt_timeline_merge(&d->timeline, &s->timeline);
    }
    for (int i = 0; i < src->nreqs; i++)
        merge_req(row(dst, src->reqs[i].label, src->reqs[i].origin), &src->reqs[i]);
    for (int i = 0; i < src->nhosts; i++)
        add_host(dst, src->hosts[i].origin, src->hosts[i].requests);
    mt_timeline_merge(&dst->timeline, &src->timeline);
}

/* ---- the timeline's, for stats.h's users ---- */

void mt_stats_seal(mt_stats *s, int64_t before)
{
    mt_timeline_seal(&s->timeline, before);
    for (int i = 0; i < s->nscenarios; i++) mt_timeline_seal(&s->scenarios[i].timeline, before);
    for (int i = 0; i < s->nreqs; i++) mt_timeline_seal(&s->reqs[i].timeline, before);
}

void mt_stats_workers(mt_stats *s, int64_t t, int workers)
{
    mt_tick *k = mt_timeline_tick(&s->timeline, t);
    if (workers > 0 && (uint64_t)workers > k->workers) k->workers = (uint64_t)workers;
}

uint64_t mt_stats_recent_p99(const mt_stats *s, int64_t now)
{
    return mt_timeline_recent_p99(&s->timeline, now);
}

mt_window mt_stats_window(const mt_stats *s, int64_t from, int64_t to)
{
    return mt_timeline_window(&s->timeline, from, to);
}

uint64_t mt_stats_window_p99(const mt_stats *s, int64_t from, int64_t to)
{
    return mt_timeline_window_p99(&s->timeline, from, to);
}

/* ---- for stats_json.c ---- */

mt_req_stats *mt_stats_row_(mt_stats *s, const char *label, const char *origin)
{
    return row(s, label, origin);
}

void mt_stats_add_kind_(mt_req_stats *r, const char *kind, uint64_t count)
{
    add_kind(r, kind, count);
}

void mt_stats_add_host_(mt_stats *s, const char *origin, uint64_t n)
{
    add_host(s, origin, n);
}

/* stats_json.c: the statistics (stats.h) as JSON and back: the form the
 * pool's processes send each other and reports keep for `molotov merge`.
 * Histograms travel in their sparse text encoding; every count read back is
 * range-checked, since reports are files a user names. */
#include "molotov/common.h"
#include "molotov/stats.h"
#include "molotov/stats_timeline.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void add_fails(cJSON *o, const mt_failcount *f)
{
    cJSON_AddNumberToObject(o, "transport_errors", (double)f->transport);
    cJSON_AddNumberToObject(o, "failed_4xx", (double)f->status_4xx);
    cJSON_AddNumberToObject(o, "failed_5xx", (double)f->status_5xx);
    cJSON_AddNumberToObject(o, "failed_other", (double)f->other);
}

/* Bytes sent, received and of bodies received; null when not known. */
static void add_bytes(cJSON *o, bool known, uint64_t out, uint64_t in, uint64_t body)
{
    const char *keys[] = {"bytes_sent", "bytes_received", "body_bytes_received"};
    uint64_t v[] = {out, in, body};
    for (int i = 0; i < 3; i++)
        cJSON_AddItemToObject(o, keys[i],
                              known ? cJSON_CreateNumber((double)v[i]) : cJSON_CreateNull());
}

void mt_stats_add_counters(cJSON *o, const mt_stats *s)
{
    cJSON_AddNumberToObject(o, "successes", (double)s->successes);
    cJSON_AddNumberToObject(o, "failures", (double)s->failures);
    cJSON_AddNumberToObject(o, "cancelled", (double)s->cancelled);
    cJSON_AddNumberToObject(o, "requests", (double)s->requests);
    cJSON_AddNumberToObject(o, "failed_requests", (double)s->failed_requests);
    add_fails(o, &s->fails);
    cJSON_AddNumberToObject(o, "dropped", (double)s->dropped);
    cJSON_AddNumberToObject(o, "truncated_bodies", (double)s->truncated);
    add_bytes(o, !(s->unknown & MT_UNKNOWN_BYTES), s->bytes_out, s->bytes_in, s->body_in);
}

void mt_stats_add_codes(cJSON *o, const char *status_key, const char *kinds_key,
                        const mt_req_stats *r)
{
    cJSON *st = cJSON_AddObjectToObject(o, status_key);
    for (int c = 0; c < MT_STATS_MAX_STATUS; c++) {
        if (!r->status[c]) continue;
        char code[8];
        snprintf(code, sizeof(code), "%d", c);
        cJSON_AddNumberToObject(st, code, (double)r->status[c]);
    }
    cJSON *kinds = cJSON_AddObjectToObject(o, kinds_key);
    for (int i = 0; i < r->nkinds; i++)
        cJSON_AddNumberToObject(kinds, r->kinds[i].kind, (double)r->kinds[i].count);
}

void mt_stats_add_req_counts(cJSON *o, const mt_req_stats *r, bool bytes)
{
    cJSON_AddNumberToObject(o, "count", (double)r->count);
    cJSON_AddNumberToObject(o, "errors", (double)r->failed);
    add_fails(o, &r->fails);
    add_bytes(o, bytes, r->bytes_out, r->bytes_in, r->body_in);
    if (!r->msgs_out && !r->msgs_in) return;
    cJSON_AddNumberToObject(o, "messages_sent", (double)r->msgs_out);
    cJSON_AddNumberToObject(o, "messages_received", (double)r->msgs_in);
}

static void add_hist(cJSON *o, const char *key, const mt_hist *h)
{
    char *enc = mt_hist_encode(h);
    cJSON_AddStringToObject(o, key, enc);
    free(enc);
}

static cJSON *messages_json(const mt_msgtab *t)
{
    cJSON *msgs = cJSON_CreateArray();
    for (size_t i = 0; i < t->cap; i++) {
        if (!t->slots[i].msg) continue;
        cJSON *m = cJSON_CreateArray();
        cJSON_AddItemToArray(m, cJSON_CreateString(t->slots[i].msg));
        cJSON_AddItemToArray(m, cJSON_CreateNumber((double)t->slots[i].count));
        cJSON_AddItemToArray(msgs, m);
    }
    return msgs;
}

static cJSON *tick_json(const mt_tick *k, bool workers)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "t", (double)k->t);
    cJSON_AddNumberToObject(o, "requests", (double)k->requests);
    cJSON_AddNumberToObject(o, "failed_requests", (double)k->failed_requests);
    cJSON_AddNumberToObject(o, "successes", (double)k->successes);
    cJSON_AddNumberToObject(o, "failures", (double)k->failures);
    if (k->failed_requests) add_fails(o, &k->fails);
    if (k->workers && workers) cJSON_AddNumberToObject(o, "workers", (double)k->workers);
    if (k->latency || !k->encoded) { /* a second with runs but no request: empty */
        mt_hist *empty = k->latency ? NULL : mt_hist_new();
        add_hist(o, "latency", k->latency ? k->latency : empty);
        mt_hist_free(empty);
    } else {
        cJSON_AddStringToObject(o, "latency", k->encoded);
    }
    return o;
}

/* workers: whether the seconds' workers are known (omitted otherwise). */
static cJSON *timeline_json(const mt_timeline *tl, bool workers)
{
    cJSON *a = cJSON_CreateArray();
    for (int i = 0; i < tl->nticks; i++) cJSON_AddItemToArray(a, tick_json(&tl->ticks[i], workers));
    return a;
}

static cJSON *phases_json(const mt_timings *p)
{
    cJSON *o = cJSON_CreateObject();
    for (int i = 0; i < MT_NPHASES; i++) {
        char *enc = mt_timings_encode(p, i);
        cJSON_AddStringToObject(o, mt_timing_phase_name(i), enc);
        free(enc);
    }
    return o;
}

static cJSON *req_json(const mt_req_stats *r, unsigned unknown)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "label", r->label);
    cJSON_AddStringToObject(o, "origin", r->origin);
    mt_stats_add_req_counts(o, r, !(unknown & MT_UNKNOWN_BYTES));
    mt_stats_add_codes(o, "status", "kinds", r);
    add_hist(o, "latency", r->latency);
    add_hist(o, "latency_ok", r->latency_ok);
    if (r->phases && !(unknown & MT_UNKNOWN_TIMINGS))
        cJSON_AddItemToObject(o, "phases", phases_json(r->phases));
    if (r->timeline.nticks) cJSON_AddItemToObject(o, "timeline", timeline_json(&r->timeline, true));
    return o;
}

static cJSON *scenario_json(const mt_scn_stats *sc)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "runs", (double)sc->runs);
    cJSON_AddNumberToObject(o, "successes", (double)sc->successes);
    cJSON_AddNumberToObject(o, "failures", (double)sc->failures);
    cJSON_AddNumberToObject(o, "cancelled", (double)sc->cancelled);
    add_hist(o, "duration", sc->duration);
    add_hist(o, "duration_ok", sc->duration_ok);
    cJSON_AddItemToObject(o, "messages", messages_json(&sc->msgs));
    if (sc->timeline.nticks)
        cJSON_AddItemToObject(o, "timeline", timeline_json(&sc->timeline, true));
    return o;
}

cJSON *mt_stats_to_json(const mt_stats *s)
{
    cJSON *j = cJSON_CreateObject();
    mt_stats_add_counters(j, s);
    add_hist(j, "latency", s->latency);
    add_hist(j, "latency_ok", s->latency_ok);
    cJSON *scn = cJSON_AddArrayToObject(j, "scenarios");
    for (int i = 0; i < s->nscenarios; i++)
        cJSON_AddItemToArray(scn, scenario_json(&s->scenarios[i]));
    cJSON *reqs = cJSON_AddArrayToObject(j, "labels");
    for (int i = 0; i < s->nreqs; i++)
        cJSON_AddItemToArray(reqs, req_json(&s->reqs[i], s->unknown));
    cJSON *hosts = cJSON_AddObjectToObject(j, "hosts");
    for (int i = 0; i < s->nhosts; i++)
        cJSON_AddNumberToObject(hosts, s->hosts[i].origin, (double)s->hosts[i].requests);
    cJSON_AddItemToObject(j, "messages", messages_json(&s->msgs));
    cJSON_AddItemToObject(j, "timeline",
                          timeline_json(&s->timeline, !(s->unknown & MT_UNKNOWN_WORKERS)));
    return j;
}

/* ---- back from JSON ---- */

/* A count from JSON: 0 unless a number in [0, 2^63) (reports are read from
 * files a user names: nothing there may reach an undefined cast). */
static uint64_t count_of(const cJSON *v)
{
    return cJSON_IsNumber(v) && v->valuedouble > 0 && v->valuedouble < 9.2e18
               ? (uint64_t)v->valuedouble
               : 0;
}

static uint64_t num(const cJSON *j, const char *k)
{
    return count_of(cJSON_GetObjectItemCaseSensitive(j, k));
}

static const char *str(const cJSON *j, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, k);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static int merge_hist(mt_hist *h, const cJSON *j, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, k);
    if (!cJSON_IsString(v)) return MT_EINVAL;
    if (!*v->valuestring) return MT_OK; /* earlier reports wrote "" for an empty second */
    return mt_hist_decode(h, v->valuestring);
}

/* A histogram older reports do not have: absent is empty. */
static int merge_hist_opt(mt_hist *h, const cJSON *j, const char *k)
{
    return cJSON_GetObjectItemCaseSensitive(j, k) ? merge_hist(h, j, k) : MT_OK;
}

static void read_fails(mt_failcount *f, const cJSON *o)
{
    f->transport += num(o, "transport_errors");
    f->status_4xx += num(o, "failed_4xx");
    f->status_5xx += num(o, "failed_5xx");
    f->other += num(o, "failed_other");
}

static void read_messages(mt_stats *s, int scenario, const cJSON *arr)
{
    const cJSON *o;
    cJSON_ArrayForEach(o, arr)
    {
        const cJSON *msg = cJSON_GetArrayItem(o, 0);
        uint64_t n = count_of(cJSON_GetArrayItem(o, 1));
        if (!cJSON_IsString(msg) || !n) continue;
        if (scenario < 0)
            mt_stats_add_message(s, msg->valuestring, n);
        else
            mt_stats_add_scenario_message(s, scenario, msg->valuestring, n);
    }
}

static void read_codes(mt_req_stats *r, const cJSON *o)
{
    const cJSON *c;
    const cJSON *status = cJSON_GetObjectItemCaseSensitive(o, "status");
    const cJSON *kinds = cJSON_GetObjectItemCaseSensitive(o, "kinds");
    if (!cJSON_IsObject(status)) status = NULL;
    if (!cJSON_IsObject(kinds)) kinds = NULL;
    cJSON_ArrayForEach(c, status)
    {
        int code = atoi(c->string);
        if (code >= 0 && code < MT_STATS_MAX_STATUS) r->status[code] += count_of(c);
    }
    cJSON_ArrayForEach(c, kinds)
    {
        uint64_t n = count_of(c);
        if (n) mt_stats_add_kind_(r, c->string, n);
    }
}

/* A second's failed requests by class. A second of an older report has no
 * classes: its failed requests count as failed_other, so that the classes
 * add up to the failed requests. */
static void read_tick_fails(mt_failcount *f, const cJSON *o)
{
    if (!cJSON_GetObjectItemCaseSensitive(o, "transport_errors") &&
        !cJSON_GetObjectItemCaseSensitive(o, "failed_other"))
        f->other += num(o, "failed_requests");
    else
        read_fails(f, o);
}

static int merge_tick_json(mt_timeline *tl, const cJSON *o)
{
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(o, "t");
    if (!cJSON_IsNumber(t) || !(t->valuedouble >= 0 && t->valuedouble < 1e11)) return MT_EINVAL;
    mt_tick *k = mt_timeline_tick(tl, (int64_t)t->valuedouble);
    k->requests += num(o, "requests");
    k->failed_requests += num(o, "failed_requests");
    k->successes += num(o, "successes");
    k->failures += num(o, "failures");
    k->workers += num(o, "workers");
    read_tick_fails(&k->fails, o);
    return merge_hist(mt_tick_hist(k), o, "latency");
}

/* A timeline older reports do not have: absent is empty. */
static int merge_timeline_json(mt_timeline *tl, const cJSON *arr)
{
    int rc = MT_OK;
    const cJSON *o;
    cJSON_ArrayForEach(o, arr)
    {
        rc = rc ? rc : merge_tick_json(tl, o);
    }
    return rc;
}

static int merge_phases_json(mt_req_stats *r, const cJSON *o)
{
    const cJSON *p = cJSON_GetObjectItemCaseSensitive(o, "phases");
    if (!p) return MT_OK;
    if (!cJSON_IsObject(p)) return MT_EINVAL;
    mt_timings tmp = {0};
    for (int i = 0; i < MT_NPHASES; i++) {
        const char *enc = str(p, mt_timing_phase_name(i));
        if (!enc || mt_timings_decode(&tmp, i, enc)) return MT_EINVAL;
    }
    if (!r->phases) r->phases = mt_timings_new();
    mt_timings_merge(r->phases, &tmp);
    return MT_OK;
}

static int merge_req_json(mt_stats *s, const cJSON *o)
{
    const char *label = str(o, "label"), *origin = str(o, "origin");
    if (!label) return MT_EINVAL;
    mt_req_stats *r = mt_stats_row_(s, label, origin ? origin : "");
    r->count += num(o, "count");
    r->failed += num(o, "errors");
    r->msgs_out += num(o, "messages_sent");
    r->msgs_in += num(o, "messages_received");
    r->bytes_out += num(o, "bytes_sent");
    r->bytes_in += num(o, "bytes_received");
    r->body_in += num(o, "body_bytes_received");
    read_fails(&r->fails, o);
    read_codes(r, o);
    int rc = merge_hist(r->latency, o, "latency");
    rc = rc ? rc : merge_hist_opt(r->latency_ok, o, "latency_ok");
    rc = rc ? rc : merge_phases_json(r, o);
    const cJSON *tl = cJSON_GetObjectItemCaseSensitive(o, "timeline");
    return rc || !r->series ? rc : merge_timeline_json(&r->timeline, tl);
}

static int merge_scenarios_json(mt_stats *s, const cJSON *arr, const int *map, int nmap)
{
    int i = 0, rc = MT_OK;
    const cJSON *o;
    cJSON_ArrayForEach(o, arr)
    {
        if (map && i >= nmap) return MT_EINVAL;
        int to = map ? map[i] : i;
        i++;
        if (to < 0 || to >= s->nscenarios) return MT_EINVAL;
        mt_scn_stats *sc = &s->scenarios[to];
        sc->runs += num(o, "runs");
        sc->successes += num(o, "successes");
        sc->failures += num(o, "failures");
        sc->cancelled += num(o, "cancelled");
        read_messages(s, to, cJSON_GetObjectItemCaseSensitive(o, "messages"));
        rc = rc ? rc : merge_hist(sc->duration, o, "duration");
        rc = rc ? rc : merge_hist_opt(sc->duration_ok, o, "duration_ok");
        const cJSON *tl = cJSON_GetObjectItemCaseSensitive(o, "timeline");
        rc = rc ? rc : merge_timeline_json(&sc->timeline, tl);
    }
    return rc;
}

int mt_stats_merge_json(mt_stats *s, const cJSON *j)
{
    return mt_stats_merge_json_mapped(s, j, NULL, 0);
}

static void read_counters(mt_stats *s, const cJSON *j)
{
    s->successes += num(j, "successes");
    s->failures += num(j, "failures");
    s->cancelled += num(j, "cancelled");
    s->requests += num(j, "requests");
    s->failed_requests += num(j, "failed_requests");
    read_fails(&s->fails, j);
    s->dropped += num(j, "dropped");
    s->truncated += num(j, "truncated_bodies");
    s->bytes_out += num(j, "bytes_sent");
    s->bytes_in += num(j, "bytes_received");
    s->body_in += num(j, "body_bytes_received");
}

/* Reads j into s (a fresh snapshot), stopping at the first error. */
static int read_json(mt_stats *s, const cJSON *j, const int *map, int nmap)
{
    read_counters(s, j);
    int rc = merge_hist(s->latency, j, "latency");
    rc = rc ? rc : merge_hist_opt(s->latency_ok, j, "latency_ok");
    rc = rc ? rc
            : merge_scenarios_json(s, cJSON_GetObjectItemCaseSensitive(j, "scenarios"), map, nmap);
    const cJSON *o;
    cJSON_ArrayForEach(o, cJSON_GetObjectItemCaseSensitive(j, "labels"))
    {
        rc = rc ? rc : merge_req_json(s, o);
    }
    const cJSON *hosts = cJSON_GetObjectItemCaseSensitive(j, "hosts");
    if (!cJSON_IsObject(hosts)) hosts = NULL;
    cJSON_ArrayForEach(o, hosts)
    {
        mt_stats_add_host_(s, o->string, count_of(o));
    }
    read_messages(s, -1, cJSON_GetObjectItemCaseSensitive(j, "messages"));
    return rc ? rc
              : merge_timeline_json(&s->timeline, cJSON_GetObjectItemCaseSensitive(j, "timeline"));
}

/* Read whole into a snapshot of its own first, so that a bad histogram
 * halfway (a child's, a report's) adds nothing: all of it or none. */
int mt_stats_merge_json_mapped(mt_stats *s, const cJSON *j, const int *map, int nmap)
{
    if (!cJSON_IsObject(j)) return MT_EINVAL;
    mt_stats snap;
    mt_stats_init(&snap, s->nscenarios);
    int rc = read_json(&snap, j, map, nmap);
    if (rc == MT_OK) mt_stats_merge(s, &snap);
    mt_stats_free(&snap);
    return rc;
}

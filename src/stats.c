/* stats.c: run counters, distinct failure messages, per-scenario and
 * per-label statistics, the per-second timeline, and their JSON form. Every
 * figure is a count or a histogram, so merging is adding. */
#include "molotov/stats.h"
#include "molotov/common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static uint64_t hash(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

/* ---- life cycle ---- */

void mt_stats_init(mt_stats *s, int nscenarios)
{
    memset(s, 0, sizeof(*s));
    s->nscenarios = nscenarios;
    s->scenarios = mt_calloc((size_t)(nscenarios > 0 ? nscenarios : 1), sizeof(mt_scn_stats));
    for (int i = 0; i < nscenarios; i++) s->scenarios[i].duration = mt_hist_new();
    s->latency = mt_hist_new();
}

static void free_reqs(mt_stats *s)
{
    for (int i = 0; i < s->nreqs; i++) {
        mt_req_stats *r = &s->reqs[i];
        free(r->label);
        for (int k = 0; k < r->nkinds; k++) free(r->kinds[k].kind);
        free(r->kinds);
        mt_hist_free(r->latency);
    }
    free(s->reqs);
    free(s->req_index);
    s->reqs = NULL;
    s->req_index = NULL;
    s->nreqs = s->reqs_cap = 0;
    s->req_index_cap = 0;
}

static void free_ticks(mt_stats *s)
{
    for (int i = 0; i < s->nticks; i++) {
        mt_hist_free(s->ticks[i].latency);
        free(s->ticks[i].encoded);
    }
    free(s->ticks);
    s->ticks = NULL;
    s->nticks = s->ticks_cap = 0;
}

static void free_messages(mt_stats *s)
{
    for (size_t i = 0; i < s->msg_cap; i++) free(s->msgs[i].msg);
    free(s->msgs);
    s->msgs = NULL;
    s->msg_cap = s->nmsgs = 0;
}

void mt_stats_free(mt_stats *s)
{
    free_messages(s);
    free_reqs(s);
    free_ticks(s);
    for (int i = 0; i < s->nscenarios; i++) mt_hist_free(s->scenarios[i].duration);
    free(s->scenarios);
    mt_hist_free(s->latency);
    memset(s, 0, sizeof(*s));
}

void mt_stats_reset(mt_stats *s)
{
    free_messages(s);
    free_reqs(s);
    free_ticks(s);
    for (int i = 0; i < s->nscenarios; i++) {
        mt_scn_stats *sc = &s->scenarios[i];
        sc->runs = sc->successes = sc->failures = 0;
        mt_hist_reset(sc->duration);
    }
    mt_hist_reset(s->latency);
    s->successes = s->failures = s->requests = s->transport_errors = s->cancelled = 0;
    s->dropped = s->truncated = 0;
}

/* ---- failure messages ---- */

static mt_msgcount *msg_slot(mt_msgcount *tab, size_t cap, const char *msg)
{
    size_t i = hash(msg) & (cap - 1);
    while (tab[i].msg && strcmp(tab[i].msg, msg) != 0) i = (i + 1) & (cap - 1);
    return &tab[i];
}

static void grow_messages(mt_stats *s)
{
    size_t cap = s->msg_cap ? s->msg_cap * 2 : 16;
    mt_msgcount *tab = mt_calloc(cap, sizeof(*tab));
    for (size_t i = 0; i < s->msg_cap; i++)
        if (s->msgs[i].msg) *msg_slot(tab, cap, s->msgs[i].msg) = s->msgs[i];
    free(s->msgs);
    s->msgs = tab;
    s->msg_cap = cap;
}

static void add_message(mt_stats *s, const char *msg, uint64_t count);

/* ---- secrets kept out of messages (and so out of every report) ---- */

static const char *const SECRET_NAMES[] = {"proxy-authorization", "authorization", "set-cookie",
                                           "cookie"};

/* The length of a secret header name at p followed by ':' or '=' (quotes,
 * brackets and spaces allowed between), with the value's start in *value
 * and its closing quote (or 0) in *quote; 0 when there is none. */
static size_t secret_at(const char *p, const char **value, char *quote)
{
    for (size_t i = 0; i < sizeof SECRET_NAMES / sizeof *SECRET_NAMES; i++) {
        size_t n = strlen(SECRET_NAMES[i]);
        if (strncasecmp(p, SECRET_NAMES[i], n) != 0) continue;
        const char *q = p + n + strspn(p + n, "\"'] ");
        if (*q != ':' && *q != '=') return 0;
        q += 1 + strspn(q + 1, " ");
        *quote = (*q == '"' || *q == '\'') ? *q++ : 0;
        *value = q;
        return n;
    }
    return 0;
}

bool mt_is_secret_header(const char *p, size_t n)
{
    for (size_t i = 0; i < sizeof SECRET_NAMES / sizeof *SECRET_NAMES; i++) {
        size_t l = strlen(SECRET_NAMES[i]);
        if (n > l && p[l] == ':' && strncasecmp(p, SECRET_NAMES[i], l) == 0) return true;
    }
    return false;
}

/* msg with the values of Authorization, Cookie and Set-Cookie headers and
 * of "Bearer" tokens replaced by ***; NULL when there is nothing to mask. */
char *mt_mask_secrets(const char *msg)
{
    if (!strcasestr(msg, "cookie") && !strcasestr(msg, "authorization") &&
        !strcasestr(msg, "bearer "))
        return NULL;
    mt_buf b;
    mt_buf_init(&b);
    for (const char *p = msg; *p;) {
        const char *value;
        char quote = 0;
        size_t n = secret_at(p, &value, &quote);
        const char *stop = quote ? "\r\n\"'" : "\r\n,";
        if (!n && strncasecmp(p, "bearer ", 7) == 0) {
            value = p + 7;
            stop = " \t\r\n\"',;";
            n = 1;
        }
        if (!n) {
            mt_buf_append(&b, p++, 1);
            continue;
        }
        mt_buf_append(&b, p, (size_t)(value - p));
        mt_buf_appends(&b, "***");
        p = value + strcspn(value, stop);
        if (quote && *p == quote) mt_buf_append(&b, p++, 1);
    }
    return b.data;
}

void mt_print_masked(FILE *out, const char *text, const char *end)
{
    char *masked = mt_mask_secrets(text);
    fprintf(out, "%s%s", masked ? masked : text, end);
    free(masked);
}

void mt_stats_add_message(mt_stats *s, const char *msg, uint64_t count)
{
    char *masked = mt_mask_secrets(msg);
    if (masked) {
        add_message(s, masked, count);
        free(masked);
    } else {
        add_message(s, msg, count);
    }
}

static void add_message(mt_stats *s, const char *msg, uint64_t count)
{
    if ((s->nmsgs + 1) * 2 > s->msg_cap) grow_messages(s);
    mt_msgcount *m = msg_slot(s->msgs, s->msg_cap, msg);
    if (!m->msg) {
        if (s->nmsgs >= MT_STATS_MAX_MESSAGES && strcmp(msg, MT_STATS_OTHER) != 0) {
            add_message(s, MT_STATS_OTHER, count);
            return;
        }
        m->msg = mt_strdup(msg);
        s->nmsgs++;
    }
    m->count += count;
}

static int by_count_desc(const void *a, const void *b)
{
    const mt_msgcount *x = *(const mt_msgcount *const *)a, *y = *(const mt_msgcount *const *)b;
    if (x->count != y->count) return x->count < y->count ? 1 : -1;
    return strcmp(x->msg, y->msg);
}

const mt_msgcount **mt_stats_messages(const mt_stats *s, size_t *n)
{
    const mt_msgcount **out = mt_calloc(s->nmsgs + 1, sizeof(*out));
    size_t k = 0;
    for (size_t i = 0; i < s->msg_cap; i++)
        if (s->msgs[i].msg) out[k++] = &s->msgs[i];
    qsort(out, k, sizeof(*out), by_count_desc);
    *n = k;
    return out;
}

/* ---- request labels ---- */

static int *index_slot(const mt_stats *s, const char *label)
{
    size_t i = hash(label) & (s->req_index_cap - 1);
    while (s->req_index[i] >= 0 && strcmp(s->reqs[s->req_index[i]].label, label) != 0)
        i = (i + 1) & (s->req_index_cap - 1);
    return &s->req_index[i];
}

static void grow_index(mt_stats *s)
{
    s->req_index_cap = s->req_index_cap ? s->req_index_cap * 2 : 32;
    free(s->req_index);
    s->req_index = mt_malloc(sizeof(int) * s->req_index_cap);
    for (size_t i = 0; i < s->req_index_cap; i++) s->req_index[i] = -1;
    for (int i = 0; i < s->nreqs; i++) *index_slot(s, s->reqs[i].label) = i;
}

const mt_req_stats *mt_stats_label(const mt_stats *s, const char *label)
{
    if (!s->req_index_cap) return NULL;
    int i = *index_slot(s, label);
    return i >= 0 ? &s->reqs[i] : NULL;
}

static mt_req_stats *label_stats(mt_stats *s, const char *label)
{
    if ((size_t)(s->nreqs + 1) * 2 > s->req_index_cap) grow_index(s);
    int *slot = index_slot(s, label);
    if (*slot >= 0) return &s->reqs[*slot];
    if (s->nreqs >= MT_STATS_MAX_LABELS && strcmp(label, MT_STATS_OTHER_LABEL) != 0)
        return label_stats(s, MT_STATS_OTHER_LABEL);
    if (s->nreqs == s->reqs_cap) {
        s->reqs_cap = s->reqs_cap ? s->reqs_cap * 2 : 8;
        s->reqs = mt_realloc(s->reqs, sizeof(mt_req_stats) * (size_t)s->reqs_cap);
    }
    mt_req_stats *r = &s->reqs[s->nreqs];
    memset(r, 0, sizeof(*r));
    r->label = mt_strdup(label);
    r->latency = mt_hist_new();
    *slot = s->nreqs++;
    return r;
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

/* ---- timeline ---- */

static mt_tick *tick_at(mt_stats *s, int64_t t)
{
    int i = s->nticks;
    while (i > 0 && s->ticks[i - 1].t > t) i--; /* appends are the common case */
    if (i > 0 && s->ticks[i - 1].t == t) return &s->ticks[i - 1];
    if (s->nticks == s->ticks_cap) {
        s->ticks_cap = s->ticks_cap ? s->ticks_cap * 2 : 64;
        s->ticks = mt_realloc(s->ticks, sizeof(mt_tick) * (size_t)s->ticks_cap);
    }
    memmove(&s->ticks[i + 1], &s->ticks[i], sizeof(mt_tick) * (size_t)(s->nticks - i));
    s->nticks++;
    mt_tick *k = &s->ticks[i];
    memset(k, 0, sizeof(*k));
    k->t = t;
    return k;
}

/* A sealed tick that receives more data opens again. */
static mt_hist *tick_hist(mt_tick *k)
{
    if (k->latency) return k->latency;
    k->latency = mt_hist_new();
    if (k->encoded) mt_hist_decode(k->latency, k->encoded);
    free(k->encoded);
    k->encoded = NULL;
    return k->latency;
}

void mt_stats_seal(mt_stats *s, int64_t before)
{
    for (int i = 0; i < s->nticks && s->ticks[i].t < before; i++) {
        mt_tick *k = &s->ticks[i];
        if (!k->latency) continue;
        k->p50_us = mt_hist_percentile(k->latency, 50);
        k->p99_us = mt_hist_percentile(k->latency, 99);
        k->encoded = mt_hist_encode(k->latency);
        mt_hist_free(k->latency);
        k->latency = NULL;
    }
}

uint64_t mt_stats_recent_p99(const mt_stats *s, int64_t now)
{
    for (int i = s->nticks - 1; i >= 0; i--) {
        const mt_tick *k = &s->ticks[i];
        if (k->t >= now) continue;
        return k->latency ? mt_hist_percentile(k->latency, 99) : k->p99_us;
    }
    return 0;
}

mt_window mt_stats_window(const mt_stats *s, int64_t from, int64_t to)
{
    mt_window w = {0, 0, 0};
    for (int i = 0; i < s->nticks; i++) {
        const mt_tick *k = &s->ticks[i];
        if (k->t < from || k->t >= to) continue;
        w.requests += k->requests;
        w.successes += k->successes;
        w.failures += k->failures;
    }
    return w;
}

uint64_t mt_stats_window_p99(const mt_stats *s, int64_t from, int64_t to)
{
    mt_hist *h = mt_hist_new();
    for (int i = 0; i < s->nticks; i++) {
        const mt_tick *k = &s->ticks[i];
        if (k->t < from || k->t >= to) continue;
        if (k->latency)
            mt_hist_merge(h, k->latency);
        else if (k->encoded)
            mt_hist_decode(h, k->encoded);
    }
    uint64_t p99 = mt_hist_percentile(h, 99);
    mt_hist_free(h);
    return p99;
}

/* ---- recording ---- */

void mt_stats_request(mt_stats *s, const char *label, long status, const char *error_kind,
                      uint64_t latency_us, int64_t t)
{
    mt_req_stats *r = label_stats(s, label);
    mt_tick *k = tick_at(s, t);
    s->requests++;
    r->count++;
    k->requests++;
    if (error_kind) {
        s->transport_errors++;
        r->errors++;
        add_kind(r, error_kind, 1);
        return;
    }
    if (status >= 0 && status < MT_STATS_MAX_STATUS) r->status[status]++;
    mt_hist_record(r->latency, latency_us);
    mt_hist_record(s->latency, latency_us);
    mt_hist_record(tick_hist(k), latency_us);
}

void mt_stats_scenario_start(mt_stats *s, int scenario)
{
    s->scenarios[scenario].runs++;
}

void mt_stats_scenario_end(mt_stats *s, int scenario, bool ok, uint64_t duration_us, int64_t t)
{
    mt_scn_stats *sc = &s->scenarios[scenario];
    mt_tick *k = tick_at(s, t);
    if (ok) {
        s->successes++;
        sc->successes++;
        k->successes++;
    } else {
        s->failures++;
        sc->failures++;
        k->failures++;
    }
    mt_hist_record(sc->duration, duration_us);
}

/* ---- merging ---- */

static void merge_req(mt_stats *dst, const mt_req_stats *src)
{
    mt_req_stats *r = label_stats(dst, src->label);
    r->count += src->count;
    r->errors += src->errors;
    for (int c = 0; c < MT_STATS_MAX_STATUS; c++) r->status[c] += src->status[c];
    for (int i = 0; i < src->nkinds; i++) add_kind(r, src->kinds[i].kind, src->kinds[i].count);
    mt_hist_merge(r->latency, src->latency);
}

static void merge_tick(mt_stats *dst, const mt_tick *src)
{
    mt_tick *k = tick_at(dst, src->t);
    k->requests += src->requests;
    k->successes += src->successes;
    k->failures += src->failures;
    if (src->latency)
        mt_hist_merge(tick_hist(k), src->latency);
    else if (src->encoded)
        mt_hist_decode(tick_hist(k), src->encoded);
}

void mt_stats_merge(mt_stats *dst, const mt_stats *src)
{
    dst->successes += src->successes;
    dst->failures += src->failures;
    dst->requests += src->requests;
    dst->transport_errors += src->transport_errors;
    dst->cancelled += src->cancelled;
    dst->dropped += src->dropped;
    dst->truncated += src->truncated;
    mt_hist_merge(dst->latency, src->latency);
    for (size_t i = 0; i < src->msg_cap; i++)
        if (src->msgs[i].msg) mt_stats_add_message(dst, src->msgs[i].msg, src->msgs[i].count);
    int n = dst->nscenarios < src->nscenarios ? dst->nscenarios : src->nscenarios;
    for (int i = 0; i < n; i++) {
        dst->scenarios[i].runs += src->scenarios[i].runs;
        dst->scenarios[i].successes += src->scenarios[i].successes;
        dst->scenarios[i].failures += src->scenarios[i].failures;
        mt_hist_merge(dst->scenarios[i].duration, src->scenarios[i].duration);
    }
    for (int i = 0; i < src->nreqs; i++) merge_req(dst, &src->reqs[i]);
    for (int i = 0; i < src->nticks; i++) merge_tick(dst, &src->ticks[i]);
}

/* ---- JSON ---- */

void mt_stats_add_counters(cJSON *o, const mt_stats *s)
{
    cJSON_AddNumberToObject(o, "successes", (double)s->successes);
    cJSON_AddNumberToObject(o, "failures", (double)s->failures);
    cJSON_AddNumberToObject(o, "requests", (double)s->requests);
    cJSON_AddNumberToObject(o, "transport_errors", (double)s->transport_errors);
    cJSON_AddNumberToObject(o, "cancelled", (double)s->cancelled);
    cJSON_AddNumberToObject(o, "dropped", (double)s->dropped);
    cJSON_AddNumberToObject(o, "truncated_bodies", (double)s->truncated);
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

static void add_hist(cJSON *o, const char *key, const mt_hist *h)
{
    char *enc = mt_hist_encode(h);
    cJSON_AddStringToObject(o, key, enc);
    free(enc);
}

static cJSON *req_json(const mt_req_stats *r)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "label", r->label);
    cJSON_AddNumberToObject(o, "count", (double)r->count);
    cJSON_AddNumberToObject(o, "errors", (double)r->errors);
    mt_stats_add_codes(o, "status", "kinds", r);
    add_hist(o, "latency", r->latency);
    return o;
}

static cJSON *tick_json(const mt_tick *k)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "t", (double)k->t);
    cJSON_AddNumberToObject(o, "requests", (double)k->requests);
    cJSON_AddNumberToObject(o, "successes", (double)k->successes);
    cJSON_AddNumberToObject(o, "failures", (double)k->failures);
    if (k->latency)
        add_hist(o, "latency", k->latency);
    else
        cJSON_AddStringToObject(o, "latency", k->encoded ? k->encoded : "");
    return o;
}

static cJSON *scenario_json(const mt_scn_stats *sc)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "runs", (double)sc->runs);
    cJSON_AddNumberToObject(o, "successes", (double)sc->successes);
    cJSON_AddNumberToObject(o, "failures", (double)sc->failures);
    add_hist(o, "duration", sc->duration);
    return o;
}

cJSON *mt_stats_to_json(const mt_stats *s)
{
    cJSON *j = cJSON_CreateObject();
    mt_stats_add_counters(j, s);
    add_hist(j, "latency", s->latency);
    cJSON *scn = cJSON_AddArrayToObject(j, "scenarios");
    for (int i = 0; i < s->nscenarios; i++)
        cJSON_AddItemToArray(scn, scenario_json(&s->scenarios[i]));
    cJSON *reqs = cJSON_AddArrayToObject(j, "labels");
    for (int i = 0; i < s->nreqs; i++) cJSON_AddItemToArray(reqs, req_json(&s->reqs[i]));
    cJSON *msgs = cJSON_AddArrayToObject(j, "messages");
    for (size_t i = 0; i < s->msg_cap; i++) {
        if (!s->msgs[i].msg) continue;
        cJSON *m = cJSON_CreateArray();
        cJSON_AddItemToArray(m, cJSON_CreateString(s->msgs[i].msg));
        cJSON_AddItemToArray(m, cJSON_CreateNumber((double)s->msgs[i].count));
        cJSON_AddItemToArray(msgs, m);
    }
    cJSON *ticks = cJSON_AddArrayToObject(j, "timeline");
    for (int i = 0; i < s->nticks; i++) cJSON_AddItemToArray(ticks, tick_json(&s->ticks[i]));
    return j;
}

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

static int merge_hist(mt_hist *h, const cJSON *j, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, k);
    if (!cJSON_IsString(v)) return MT_EINVAL;
    return mt_hist_decode(h, v->valuestring);
}

static int merge_req_json(mt_stats *s, const cJSON *o)
{
    const cJSON *label = cJSON_GetObjectItemCaseSensitive(o, "label");
    if (!cJSON_IsString(label)) return MT_EINVAL;
    mt_req_stats *r = label_stats(s, label->valuestring);
    uint64_t count = num(o, "count"), errors = num(o, "errors");
    r->count += count;
    r->errors += errors;
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
        if (n) add_kind(r, c->string, n);
    }
    return merge_hist(r->latency, o, "latency");
}

static int merge_tick_json(mt_stats *s, const cJSON *o)
{
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(o, "t");
    if (!cJSON_IsNumber(t) || !(t->valuedouble >= 0 && t->valuedouble < 1e11)) return MT_EINVAL;
    mt_tick *k = tick_at(s, (int64_t)t->valuedouble);
    k->requests += num(o, "requests");
    k->successes += num(o, "successes");
    k->failures += num(o, "failures");
    return merge_hist(tick_hist(k), o, "latency");
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
        rc = rc ? rc : merge_hist(sc->duration, o, "duration");
    }
    return rc;
}

int mt_stats_merge_json(mt_stats *s, const cJSON *j)
{
    return mt_stats_merge_json_mapped(s, j, NULL, 0);
}

int mt_stats_merge_json_mapped(mt_stats *s, const cJSON *j, const int *map, int nmap)
{
    if (!cJSON_IsObject(j)) return MT_EINVAL;
    s->successes += num(j, "successes");
    s->failures += num(j, "failures");
    s->requests += num(j, "requests");
    s->transport_errors += num(j, "transport_errors");
    s->cancelled += num(j, "cancelled");
    s->dropped += num(j, "dropped");
    s->truncated += num(j, "truncated_bodies");
    int rc = merge_hist(s->latency, j, "latency");
    rc = rc ? rc
            : merge_scenarios_json(s, cJSON_GetObjectItemCaseSensitive(j, "scenarios"), map, nmap);
    const cJSON *o;
    cJSON_ArrayForEach(o, cJSON_GetObjectItemCaseSensitive(j, "labels"))
    {
        rc = rc ? rc : merge_req_json(s, o);
    }
    cJSON_ArrayForEach(o, cJSON_GetObjectItemCaseSensitive(j, "messages"))
    {
        const cJSON *msg = cJSON_GetArrayItem(o, 0), *count = cJSON_GetArrayItem(o, 1);
        if (cJSON_IsString(msg) && cJSON_IsNumber(count))
            mt_stats_add_message(s, msg->valuestring, (uint64_t)count->valuedouble);
    }
    cJSON_ArrayForEach(o, cJSON_GetObjectItemCaseSensitive(j, "timeline"))
    {
        rc = rc ? rc : merge_tick_json(s, o);
    }
    return rc;
}

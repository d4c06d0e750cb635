/* stats.c: run counters and the table of distinct failure messages. */
#include "molotov/stats.h"
#include "molotov/common.h"

#include <stdlib.h>
#include <string.h>

void mt_stats_init(mt_stats *s, int nscenarios)
{
    memset(s, 0, sizeof(*s));
    s->nscenarios = nscenarios;
    s->scenarios = mt_calloc((size_t)(nscenarios > 0 ? nscenarios : 1), sizeof(mt_scn_stats));
}

void mt_stats_free(mt_stats *s)
{
    for (size_t i = 0; i < s->msg_cap; i++) free(s->msgs[i].msg);
    free(s->msgs);
    free(s->scenarios);
    memset(s, 0, sizeof(*s));
}

void mt_stats_reset(mt_stats *s)
{
    int n = s->nscenarios;
    mt_scn_stats *scn = s->scenarios;
    for (size_t i = 0; i < s->msg_cap; i++) free(s->msgs[i].msg);
    free(s->msgs);
    memset(scn, 0, sizeof(*scn) * (size_t)(n > 0 ? n : 1));
    memset(s, 0, sizeof(*s));
    s->nscenarios = n;
    s->scenarios = scn;
}

static uint64_t hash(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static mt_msgcount *slot(mt_msgcount *tab, size_t cap, const char *msg)
{
    size_t i = hash(msg) & (cap - 1);
    while (tab[i].msg && strcmp(tab[i].msg, msg) != 0) i = (i + 1) & (cap - 1);
    return &tab[i];
}

static void grow(mt_stats *s)
{
    size_t cap = s->msg_cap ? s->msg_cap * 2 : 16;
    mt_msgcount *tab = mt_calloc(cap, sizeof(*tab));
    for (size_t i = 0; i < s->msg_cap; i++)
        if (s->msgs[i].msg) *slot(tab, cap, s->msgs[i].msg) = s->msgs[i];
    free(s->msgs);
    s->msgs = tab;
    s->msg_cap = cap;
}

void mt_stats_add_message(mt_stats *s, const char *msg, uint64_t count)
{
    if ((s->nmsgs + 1) * 2 > s->msg_cap) grow(s);
    mt_msgcount *m = slot(s->msgs, s->msg_cap, msg);
    if (!m->msg) {
        if (s->nmsgs >= MT_STATS_MAX_MESSAGES && strcmp(msg, MT_STATS_OTHER) != 0) {
            mt_stats_add_message(s, MT_STATS_OTHER, count);
            return;
        }
        m->msg = mt_strdup(msg);
        s->nmsgs++;
    }
    m->count += count;
}

void mt_stats_merge(mt_stats *dst, const mt_stats *src)
{
    dst->successes += src->successes;
    dst->failures += src->failures;
    dst->requests += src->requests;
    dst->transport_errors += src->transport_errors;
    dst->cancelled += src->cancelled;
    for (size_t i = 0; i < src->msg_cap; i++)
        if (src->msgs[i].msg) mt_stats_add_message(dst, src->msgs[i].msg, src->msgs[i].count);
    int n = dst->nscenarios < src->nscenarios ? dst->nscenarios : src->nscenarios;
    for (int i = 0; i < n; i++) {
        dst->scenarios[i].runs += src->scenarios[i].runs;
        dst->scenarios[i].successes += src->scenarios[i].successes;
        dst->scenarios[i].failures += src->scenarios[i].failures;
    }
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

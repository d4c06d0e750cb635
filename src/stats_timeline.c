/* stats_timeline.c: the per-second timeline of the statistics (stats.h):
 * one tick per wall-clock second with its counts and latency histogram,
 * old seconds sealed into their encoding, and the sums and p99 over a
 * window of seconds that the live line and --sizing read. A tick's encoded
 * text is only ever mt_stats_seal's own, so decoding it cannot fail (what
 * comes from elsewhere is checked in stats_json.c). */
#include "molotov/common.h"
#include "molotov/stats.h"
#include "stats_int.h"

#include <stdlib.h>
#include <string.h>

void mt_stats_free_ticks_(mt_stats *s)
{
    for (int i = 0; i < s->nticks; i++) {
        mt_hist_free(s->ticks[i].latency);
        free(s->ticks[i].encoded);
    }
    free(s->ticks);
    s->ticks = NULL;
    s->nticks = s->ticks_cap = 0;
}

mt_tick *mt_stats_tick_(mt_stats *s, int64_t t)
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
mt_hist *mt_stats_tick_hist_(mt_tick *k)
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

void mt_stats_merge_tick_(mt_stats *dst, const mt_tick *src)
{
    mt_tick *k = mt_stats_tick_(dst, src->t);
    k->requests += src->requests;
    k->successes += src->successes;
    k->failures += src->failures;
    k->failed_requests += src->failed_requests;
    if (src->latency)
        mt_hist_merge(mt_stats_tick_hist_(k), src->latency);
    else if (src->encoded)
        mt_hist_decode(mt_stats_tick_hist_(k), src->encoded);
}

/* stats_timeline.c: the per-second timeline (stats_timeline.h): one tick
 * per wall-clock second with its counts and latency histogram, old seconds
 * sealed into their encoding, and the sums and p99 over a window of
 * seconds that the live line and --sizing read. A tick's encoded text is
 * only ever mt_timeline_seal's own, so decoding it cannot fail (what comes
 * from elsewhere is checked in stats_json.c). */
#include "molotov/stats_timeline.h"
#include "molotov/common.h"

#include <stdlib.h>
#include <string.h>

void mt_timeline_free(mt_timeline *tl)
{
    for (int i = 0; i < tl->nticks; i++) {
        mt_hist_free(tl->ticks[i].latency);
        free(tl->ticks[i].encoded);
    }
    free(tl->ticks);
    tl->ticks = NULL;
    tl->nticks = tl->cap = 0;
}

mt_tick *mt_timeline_tick(mt_timeline *tl, int64_t t)
{
    int i = tl->nticks;
    while (i > 0 && tl->ticks[i - 1].t > t) i--; /* appends are the common case */
    if (i > 0 && tl->ticks[i - 1].t == t) return &tl->ticks[i - 1];
    if (tl->nticks == tl->cap) {
        tl->cap = tl->cap ? tl->cap * 2 : 64;
        tl->ticks = mt_realloc(tl->ticks, sizeof(mt_tick) * (size_t)tl->cap);
    }
    memmove(&tl->ticks[i + 1], &tl->ticks[i], sizeof(mt_tick) * (size_t)(tl->nticks - i));
    tl->nticks++;
    mt_tick *k = &tl->ticks[i];
    memset(k, 0, sizeof(*k));
    k->t = t;
    return k;
}

/* A sealed tick that receives more data opens again. */
mt_hist *mt_tick_hist(mt_tick *k)
{
    if (k->latency) return k->latency;
    k->latency = mt_hist_new();
    if (k->encoded) mt_hist_decode(k->latency, k->encoded);
    free(k->encoded);
    k->encoded = NULL;
    return k->latency;
}

void mt_timeline_seal(mt_timeline *tl, int64_t before)
{
    for (int i = 0; i < tl->nticks && tl->ticks[i].t < before; i++) {
        mt_tick *k = &tl->ticks[i];
        if (!k->latency) continue;
        k->p50_us = mt_hist_percentile(k->latency, 50);
        k->p95_us = mt_hist_percentile(k->latency, 95);
        k->p99_us = mt_hist_percentile(k->latency, 99);
        k->encoded = mt_hist_encode(k->latency);
        mt_hist_free(k->latency);
        k->latency = NULL;
    }
}

uint64_t mt_tick_percentile(const mt_tick *k, double p)
{
    if (k->latency) return mt_hist_percentile(k->latency, p);
    if (p == 50) return k->p50_us;
    if (p == 95) return k->p95_us;
    if (p == 99) return k->p99_us;
    if (!k->encoded) return 0;
    mt_hist *h = mt_hist_new();
    mt_hist_decode(h, k->encoded);
    uint64_t v = mt_hist_percentile(h, p);
    mt_hist_free(h);
    return v;
}

uint64_t mt_timeline_recent_p99(const mt_timeline *tl, int64_t now)
{
    for (int i = tl->nticks - 1; i >= 0; i--) {
        const mt_tick *k = &tl->ticks[i];
        if (k->t >= now) continue;
        return k->latency ? mt_hist_percentile(k->latency, 99) : k->p99_us;
    }
    return 0;
}

mt_window mt_timeline_window(const mt_timeline *tl, int64_t from, int64_t to)
{
    mt_window w = {0, 0, 0};
    for (int i = 0; i < tl->nticks; i++) {
        const mt_tick *k = &tl->ticks[i];
        if (k->t < from || k->t >= to) continue;
        w.requests += k->requests;
        w.successes += k->successes;
        w.failures += k->failures;
    }
    return w;
}

uint64_t mt_timeline_window_p99(const mt_timeline *tl, int64_t from, int64_t to)
{
    mt_hist *h = mt_hist_new();
    for (int i = 0; i < tl->nticks; i++) {
        const mt_tick *k = &tl->ticks[i];
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

static void merge_tick(mt_timeline *dst, const mt_tick *src)
{
    mt_tick *k = mt_timeline_tick(dst, src->t);
    k->requests += src->requests;
    k->successes += src->successes;
    k->failures += src->failures;
    k->failed_requests += src->failed_requests;
    k->fails.transport += src->fails.transport;
    k->fails.status_4xx += src->fails.status_4xx;
    k->fails.status_5xx += src->fails.status_5xx;
    k->fails.other += src->fails.other;
    k->workers += src->workers;
    if (src->latency)
        mt_hist_merge(mt_tick_hist(k), src->latency);
    else if (src->encoded)
        mt_hist_decode(mt_tick_hist(k), src->encoded);
}

void mt_timeline_merge(mt_timeline *dst, const mt_timeline *src)
{
    for (int i = 0; i < src->nticks; i++) merge_tick(dst, &src->ticks[i]);
}

/* stats_int.h: what the files of the stats module (stats.c, stats_json.c,
 * stats_timeline.c; one module, stats.h) reach inside each other. This
 * header is not installed. */
#ifndef MOLOTOV_STATS_INT_H
#define MOLOTOV_STATS_INT_H

#include "molotov/stats.h"

/* stats.c */
mt_req_stats *mt_stats_row_(mt_stats *s, const char *label, const char *origin);
void mt_stats_add_kind_(mt_req_stats *r, const char *kind, uint64_t count);
void mt_stats_add_host_(mt_stats *s, const char *origin, uint64_t n);

/* stats_timeline.c: the tick of second t (made on first use), a tick's
 * histogram (a sealed tick opens again), adding src's tick to dst's, and
 * freeing every tick. */
mt_tick *mt_stats_tick_(mt_stats *s, int64_t t);
mt_hist *mt_stats_tick_hist_(mt_tick *k);
void mt_stats_merge_tick_(mt_stats *dst, const mt_tick *src);
void mt_stats_free_ticks_(mt_stats *s);

#endif

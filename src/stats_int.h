/* stats_int.h: what stats_json.c reaches inside stats.c (the two files are
 * one module, stats.h; this header is not installed). */
#ifndef MOLOTOV_STATS_INT_H
#define MOLOTOV_STATS_INT_H

#include "molotov/stats.h"

mt_req_stats *mt_stats_row_(mt_stats *s, const char *label, const char *origin);
mt_tick *mt_stats_tick_(mt_stats *s, int64_t t);
mt_hist *mt_stats_tick_hist_(mt_tick *k);
void mt_stats_add_kind_(mt_req_stats *r, const char *kind, uint64_t count);
void mt_stats_add_host_(mt_stats *s, const char *origin, uint64_t n);

#endif

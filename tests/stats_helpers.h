/* stats_helpers.h: what the statistics tests share: recording a request
 * to one origin the short way, and finding its row. */
#ifndef MOLOTOV_TESTS_STATS_HELPERS_H
#define MOLOTOV_TESTS_STATS_HELPERS_H

#include "molotov/stats.h"

#define TEST_ORIGIN "http://127.0.0.1:8080"

/* One request: an answer with status, or a transport error (kind). */
static inline void req(mt_stats *s, const char *label, long status, const char *kind, uint64_t us,
                       int64_t t)
{
    mt_request_rec q = {.label = label,
                        .origin = TEST_ORIGIN,
                        .status = status,
                        .error_kind = kind,
                        .failed = kind || status >= 400,
                        .latency_us = us,
                        .t = t};
    mt_stats_request(s, &q);
}

static inline const mt_req_stats *label_of(const mt_stats *s, const char *label)
{
    return mt_stats_label_at(s, label, TEST_ORIGIN);
}

#endif

/* stats_helpers.h: what the statistics and report tests share: recording a
 * request to one origin the short way, finding its row, and a small run. */
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

/* The reports' run: 10 requests to "GET /" on http://h (8 fast answers, one
 * 503 and one timeout at 300 ms), each its own run of scenario 0. */
static inline void record_ten(mt_stats *s)
{
    for (int i = 0; i < 10; i++) {
        mt_request_rec q = {
            .label = "GET /", .origin = "http://h", .status = 200, .latency_us = 1000, .t = 100};
        if (i == 8) q.status = 503, q.failed = true;
        if (i == 9) q.status = 0, q.error_kind = "timeout", q.failed = true, q.latency_us = 300000;
        mt_stats_request(s, &q);
        mt_stats_scenario_start(s, 0);
        mt_stats_scenario_end(s, 0, i < 8, q.latency_us, 100);
    }
    mt_stats_add_scenario_message(s, 0, "a.lua:2: status 503", 1);
    mt_stats_add_scenario_message(s, 0, "a.lua:2: timeout: http://h/", 1);
}

#endif

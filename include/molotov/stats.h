/* stats.h: what a run counts, kept so that the statistics of several
 * processes (or machines) merge exactly by adding them: counters, the
 * distinct failure messages, per-scenario and per-request-label figures with
 * latency histograms, and a timeline of wall-clock seconds. */
#ifndef MOLOTOV_STATS_H
#define MOLOTOV_STATS_H

#include "molotov/hist.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define MT_STATS_MAX_MESSAGES 1000 /* distinct failure messages kept */
#define MT_STATS_OTHER "(further distinct messages)"
#define MT_STATS_MAX_LABELS 1000 /* distinct request labels kept */
#define MT_STATS_OTHER_LABEL "(other labels)"
#define MT_STATS_MAX_STATUS 600

typedef struct {
    char *msg;
    uint64_t count;
} mt_msgcount;

typedef struct {
    uint64_t runs, successes, failures;
    mt_hist *duration; /* of whole scenario runs, us */
} mt_scn_stats;

typedef struct {
    char *kind;
    uint64_t count;
} mt_kindcount;

typedef struct {
    char *label;
    uint64_t count;  /* requests that ended */
    uint64_t errors; /* of them, without a response */
    uint64_t status[MT_STATS_MAX_STATUS];
    mt_kindcount *kinds; /* transport errors by kind */
    int nkinds;
    mt_hist *latency; /* answered requests, us */
} mt_req_stats;

typedef struct {
    int64_t t; /* wall-clock second (Unix time) */
    uint64_t requests, successes, failures;
    mt_hist *latency; /* NULL once sealed */
    char *encoded;    /* the latency histogram once sealed */
    uint64_t p50_us, p99_us;
} mt_tick;

typedef struct {
    uint64_t successes, failures; /* scenario runs */
    uint64_t requests;            /* HTTP requests that ended (answered or not) */
    uint64_t transport_errors;    /* requests without a response */
    uint64_t cancelled;           /* scenario runs cut short by --force-shutdown */
    uint64_t dropped;             /* --rate: starts that found no free worker */
    uint64_t truncated;           /* responses whose body went past --max-body */
    mt_hist *latency;             /* every answered request, us */
    mt_msgcount *msgs;            /* open-addressing table by message */
    size_t msg_cap, nmsgs;
    mt_scn_stats *scenarios;
    int nscenarios;
    mt_req_stats *reqs; /* in first-seen order */
    int nreqs, reqs_cap;
    int *req_index; /* open-addressing table of indexes into reqs */
    size_t req_index_cap;
    mt_tick *ticks; /* sorted by t */
    int nticks, ticks_cap;
} mt_stats;

/* Zeroes s for nscenarios scenarios. */
void mt_stats_init(mt_stats *s, int nscenarios);
void mt_stats_free(mt_stats *s);

/* Zeroes every counter and forgets messages, labels and ticks. */
void mt_stats_reset(mt_stats *s);

/* msg with the values of Authorization, Cookie and Set-Cookie headers and of
 * Bearer tokens replaced by *** (a new string to free), or NULL when there is
 * nothing to mask. */
char *mt_mask_secrets(const char *msg);

/* True when the header line p (n bytes) is one of those secret headers. */
bool mt_is_secret_header(const char *p, size_t n);

/* Writes text to out with its secrets masked (as mt_mask_secrets), then end. */
void mt_print_masked(FILE *out, const char *text, const char *end);

/* Counts one failure message (copied, secrets masked). */
void mt_stats_add_message(mt_stats *s, const char *msg, uint64_t count);

/* One HTTP request that ended at wall-clock second `t`: an answer with
 * `status` after `latency_us`, or (error_kind != NULL) a transport error. */
void mt_stats_request(mt_stats *s, const char *label, long status, const char *error_kind,
                      uint64_t latency_us, int64_t t);

/* A scenario run started / ended (ok or failed) after duration_us. */
void mt_stats_scenario_start(mt_stats *s, int scenario);
void mt_stats_scenario_end(mt_stats *s, int scenario, bool ok, uint64_t duration_us, int64_t t);

/* The statistics of one label, or NULL. */
const mt_req_stats *mt_stats_label(const mt_stats *s, const char *label);

/* Seals the ticks before second `before`: their histogram becomes its
 * encoding and its p50/p99 (memory stays small on long runs). */
void mt_stats_seal(mt_stats *s, int64_t before);

/* The p99 (us) of the requests of the last complete second, or 0. */
uint64_t mt_stats_recent_p99(const mt_stats *s, int64_t now);

/* Sums of the seconds t with from <= t < to. */
typedef struct {
    uint64_t requests, successes, failures;
} mt_window;
mt_window mt_stats_window(const mt_stats *s, int64_t from, int64_t to);

/* The p99 (us) of the requests of the seconds from <= t < to, or 0. */
uint64_t mt_stats_window_p99(const mt_stats *s, int64_t from, int64_t to);

/* Adds everything in src to dst (same scenario list). */
void mt_stats_merge(mt_stats *dst, const mt_stats *src);

/* Everything in s as JSON, histograms in their sparse encoding: the form
 * processes send each other and reports keep for `molotov merge`. */
cJSON *mt_stats_to_json(const mt_stats *s);

/* Adds the run counters (successes ... dropped) to the JSON object o. */
void mt_stats_add_counters(cJSON *o, const mt_stats *s);

/* Adds a label's status codes and transport-error kinds to o, as two
 * objects keyed by code and by kind. */
void mt_stats_add_codes(cJSON *o, const char *status_key, const char *kinds_key,
                        const mt_req_stats *r);

/* Adds a mt_stats_to_json object to s. Returns 0 or MT_EINVAL (s may then
 * hold part of it). */
int mt_stats_merge_json(mt_stats *s, const cJSON *j);

/* The same, with the object's scenario i added to s's scenario map[i]
 * (nmap entries), for reports whose scenario lists differ. */
int mt_stats_merge_json_mapped(mt_stats *s, const cJSON *j, const int *map, int nmap);

/* The distinct messages, most frequent first, in a new array of nmsgs
 * pointers into s (free() the array only). */
const mt_msgcount **mt_stats_messages(const mt_stats *s, size_t *n);

#endif

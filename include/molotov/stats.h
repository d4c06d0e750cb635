/* stats.h: what a run counts, kept so that the statistics of several
 * processes (or machines) merge exactly by adding them: counters, the
 * distinct failure messages, per-scenario and per-request-label figures with
 * latency histograms, and a timeline of wall-clock seconds. */
#ifndef MOLOTOV_STATS_H
#define MOLOTOV_STATS_H

#include "molotov/hist.h"
#include "molotov/mask.h"
#include "molotov/timings.h"
#include "molotov/stats_timeline.h"

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
#define MT_STATS_SERIES_ROWS 50 /* rows (first seen) that keep a per-second series */

typedef struct {
    char *msg;
    uint64_t count;
} mt_msgcount;

/* Distinct failure messages with their counts: an open-addressing table
 * keeping at most `max` of them (the rest go to MT_STATS_OTHER). */
typedef struct {
    mt_msgcount *slots;
    size_t cap, n, max;
} mt_msgtab;

#define MT_STATS_SCENARIO_MESSAGES 100 /* distinct messages kept per scenario */

typedef struct {
    uint64_t runs, successes, failures, cancelled;
    mt_hist *duration;    /* of every scenario run that ended, us */
    mt_hist *duration_ok; /* of the successful ones */
    mt_msgtab msgs;       /* its own failure messages */
    mt_timeline timeline; /* its runs per second, run durations as latency */
} mt_scn_stats;

typedef struct {
    char *kind;
    uint64_t count;
} mt_kindcount;

typedef struct {
    char *label;
    char *origin;    /* "scheme://host:port" of an unnamed request, else "" */
    uint64_t count;  /* requests that ended */
    uint64_t failed; /* of them, failed (fails says how) */
    mt_failcount fails;
    uint64_t status[MT_STATS_MAX_STATUS];
    mt_kindcount *kinds; /* transport errors by kind */
    int nkinds;
    mt_hist *latency;             /* every request, failures at the time they took, us */
    mt_hist *latency_ok;          /* the requests that did not fail */
    uint64_t msgs_out, msgs_in;   /* WebSocket messages after the handshake */
    uint64_t bytes_out, bytes_in; /* sent / received: HTTP headers and bodies, WebSocket payloads */
    uint64_t body_in;             /* of bytes_in, HTTP response bodies as received */
    mt_timings *phases;           /* where the requests' time went, or NULL before one was timed */
    bool series;                  /* one of the first MT_STATS_SERIES_ROWS rows: timeline kept */
    mt_timeline timeline;         /* its requests per second (when series) */
} mt_req_stats;

typedef struct {
    char *origin;
    uint64_t requests;
} mt_hostcount;

#define MT_STATS_MAX_HOSTS 64 /* distinct origins kept for the reports */

/* Figures some of the statistics lack (a merge of a report older than
 * them): written as null, never as the other parts' share passed off as
 * the whole. */
enum {
    MT_UNKNOWN_BYTES = 1,   /* bytes sent and received */
    MT_UNKNOWN_TIMINGS = 2, /* the phases of the requests (timings.h) */
    MT_UNKNOWN_WORKERS = 4, /* the workers of each second */
};

typedef struct {
    uint64_t successes, failures; /* scenario runs */
    uint64_t requests;            /* HTTP requests that ended (answered or not) */
    uint64_t failed_requests;     /* of them, failed (fails says how) */
    mt_failcount fails;
    uint64_t cancelled;                    /* scenario runs cut short (deadline, abort) */
    uint64_t dropped;                      /* --rate: starts that found no free worker */
    uint64_t truncated;                    /* responses whose body went past --max-body */
    uint64_t bytes_out, bytes_in, body_in; /* every row's added up */
    mt_hist *latency;                      /* every request, us */
    mt_hist *latency_ok;
    mt_msgtab msgs;
    mt_scn_stats *scenarios;
    int nscenarios;
    mt_req_stats *reqs; /* in first-seen order (mt_stats_sorted for reports) */
    int nreqs, reqs_cap;
    int *req_index; /* open-addressing table of indexes into reqs */
    size_t req_index_cap;
    mt_hostcount *hosts; /* every origin requested, first seen first */
    int nhosts;
    mt_timeline timeline; /* one tick per wall-clock second */
    unsigned unknown;     /* MT_UNKNOWN_*: set by `molotov merge`, kept by mt_stats_merge */
} mt_stats;

/* What one request that ended was, for mt_stats_request. */
typedef struct {
    const char *label;      /* "METHOD /path" or the request's name */
    const char *origin;     /* "scheme://host:port" */
    bool named;             /* label is the scenario's name: one row whatever the host */
    long status;            /* the answer's status (0 without one) */
    const char *error_kind; /* a transport error's kind, or NULL */
    bool failed;            /* transport error or an unexpected status */
    uint64_t latency_us;    /* the time it took, to its answer or its failure */
    int64_t t;              /* the wall-clock second it ended */
    uint64_t bytes_out, bytes_in, body_in; /* on the wire (mt_req_stats says which) */
    const mt_timing *timing;               /* its phases, or NULL */
} mt_request_rec;

/* Zeroes s for nscenarios scenarios. */
void mt_stats_init(mt_stats *s, int nscenarios);
void mt_stats_free(mt_stats *s);

/* Zeroes every counter and forgets messages, labels and ticks. */
void mt_stats_reset(mt_stats *s);

/* Counts one failure message (copied, secrets masked). */
void mt_stats_add_message(mt_stats *s, const char *msg, uint64_t count);

/* Counts one failure message of a scenario (its own table; the run's table
 * is mt_stats_add_message's). */
void mt_stats_add_scenario_message(mt_stats *s, int scenario, const char *msg, uint64_t count);

/* The default: a status >= 400 is a failed request. */
bool mt_stats_status_failed(long status);

/* One HTTP request that ended. */
void mt_stats_request(mt_stats *s, const mt_request_rec *q);

/* A WebSocket message of `bytes` sent (out) or received on the connection
 * whose handshake was the row (label, origin). */
void mt_stats_ws_message(mt_stats *s, const char *label, const char *origin, bool out,
                         size_t bytes);

/* A scenario run started / ended (ok or failed) after duration_us /
 * was cancelled before it could end. */
void mt_stats_scenario_start(mt_stats *s, int scenario);
void mt_stats_scenario_end(mt_stats *s, int scenario, bool ok, uint64_t duration_us, int64_t t);
void mt_stats_scenario_cancelled(mt_stats *s, int scenario);

/* The statistics of one row (label, origin), or NULL; origin NULL looks up
 * a named row (origin ""). */
const mt_req_stats *mt_stats_label_at(const mt_stats *s, const char *label, const char *origin);

/* True when the unnamed rows name more than one origin: their labels then
 * carry it (mt_stats_display_label). */
bool mt_stats_many_origins(const mt_stats *s);

/* A row's label as the reports show it: "GET /a", or with many origins
 * "GET host:port/a" ("GET https://host:port/a" for https), written into
 * out when it is not the label itself. */
const char *mt_stats_display_label(const mt_stats *s, const mt_req_stats *r, char *out,
                                   size_t outlen);

/* The rows sorted as every report shows them: by count (most first), then
 * by display label; a new array of s->nreqs pointers (free() it only). */
const mt_req_stats **mt_stats_sorted(const mt_stats *s);

/* The statistics of one label as thresholds name it: the row shown with
 * that origin-qualified label, else every row with that label (all their
 * origins, named or not) added up into out (initialised here; free it with
 * mt_stats_req_free). Returns false when no row matches. */
bool mt_stats_label_sum(const mt_stats *s, const char *label, mt_req_stats *out);
void mt_stats_req_free(mt_req_stats *r);

/* The timeline's (stats_timeline.h) of s: seals the ticks before second
 * `before`; the p99 (us) of the last complete second; sums and p99 of the
 * seconds from <= t < to. */
void mt_stats_seal(mt_stats *s, int64_t before);
uint64_t mt_stats_recent_p99(const mt_stats *s, int64_t now);
mt_window mt_stats_window(const mt_stats *s, int64_t from, int64_t to);
uint64_t mt_stats_window_p99(const mt_stats *s, int64_t from, int64_t to);

/* Workers running at second t (a sample; the largest of a second stays). */
void mt_stats_workers(mt_stats *s, int64_t t, int workers);

/* Adds everything in src to dst (same scenario list). */
void mt_stats_merge(mt_stats *dst, const mt_stats *src);

/* Everything in s as JSON, histograms in their sparse encoding: the form
 * processes send each other and reports keep for `molotov merge`. */
cJSON *mt_stats_to_json(const mt_stats *s);

/* Adds the run counters (successes ... dropped) to the JSON object o. */
void mt_stats_add_counters(cJSON *o, const mt_stats *s);

/* Adds a row's count, errors (failed requests) and their classes to o, and
 * its bytes (null unless `bytes`). */
void mt_stats_add_req_counts(cJSON *o, const mt_req_stats *r, bool bytes);

/* Adds a label's status codes and transport-error kinds to o, as two
 * objects keyed by code and by kind. */
void mt_stats_add_codes(cJSON *o, const char *status_key, const char *kinds_key,
                        const mt_req_stats *r);

/* Adds a mt_stats_to_json object to s, all of it or nothing. Returns 0, or
 * MT_EINVAL when any part is malformed (s is then unchanged). */
int mt_stats_merge_json(mt_stats *s, const cJSON *j);

/* The same, with the object's scenario i added to s's scenario map[i]
 * (nmap entries), for reports whose scenario lists differ. */
int mt_stats_merge_json_mapped(mt_stats *s, const cJSON *j, const int *map, int nmap);

/* The distinct messages of the run, most frequent first, in a new array of
 * pointers into s (free() the array only); *n says how many. */
const mt_msgcount **mt_stats_messages(const mt_stats *s, size_t *n);

/* The same for any message table (a scenario's). */
const mt_msgcount **mt_msgtab_sorted(const mt_msgtab *t, size_t *n);

/* For stats_json.c only (the module's JSON half, above stats.c), to build a
 * snapshot from JSON: the row (label, origin), made on first use; n of a
 * transport-error kind on a row; n requests to an origin. */
mt_req_stats *mt_stats_row_(mt_stats *s, const char *label, const char *origin);
void mt_stats_add_kind_(mt_req_stats *r, const char *kind, uint64_t count);
void mt_stats_add_host_(mt_stats *s, const char *origin, uint64_t n);

#endif

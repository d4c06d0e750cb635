/* stats.h: what a run counts, kept so that the statistics of several
 * processes (or machines) merge exactly by adding them. */
#ifndef MOLOTOV_STATS_H
#define MOLOTOV_STATS_H

#include <stddef.h>
#include <stdint.h>

#define MT_STATS_MAX_MESSAGES 1000 /* distinct failure messages kept */
#define MT_STATS_OTHER "(further distinct messages)"

typedef struct {
    char *msg;
    uint64_t count;
} mt_msgcount;

typedef struct {
    uint64_t runs, successes, failures;
} mt_scn_stats;

typedef struct {
    uint64_t successes, failures; /* scenario runs */
    uint64_t requests;            /* HTTP requests that ended (answered or not) */
    uint64_t transport_errors;    /* requests without a response */
    uint64_t cancelled;           /* scenario runs cut short by --force-shutdown */
    mt_msgcount *msgs;            /* open-addressing table by message */
    size_t msg_cap, nmsgs;
    mt_scn_stats *scenarios;
    int nscenarios;
} mt_stats;

/* Zeroes s for nscenarios scenarios. */
void mt_stats_init(mt_stats *s, int nscenarios);
void mt_stats_free(mt_stats *s);

/* Zeroes every counter and forgets the messages (keeps the scenarios). */
void mt_stats_reset(mt_stats *s);

/* Counts one failure message (copied). */
void mt_stats_add_message(mt_stats *s, const char *msg, uint64_t count);

/* Adds everything in src to dst (same scenario list). */
void mt_stats_merge(mt_stats *dst, const mt_stats *src);

/* The distinct messages, most frequent first, in a new array of nmsgs
 * pointers into s (free() the array only). */
const mt_msgcount **mt_stats_messages(const mt_stats *s, size_t *n);

#endif

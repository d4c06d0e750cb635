/* test_stats.c: run counters and failure messages (src/stats.c): counting,
 * ordering (most frequent first, ties by text), the MT_STATS_MAX_MESSAGES cap
 * folding into MT_STATS_OTHER, merging, and growth of the message table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "molotov/common.h"
#include "molotov/stats.h"

#include "stats_helpers.h"

/* The count recorded for msg, or 0 when it is not in the table. */
static uint64_t count_of(const mt_stats *s, const char *msg)
{
    size_t n;
    const mt_msgcount **m = mt_stats_messages(s, &n);
    uint64_t c = 0;
    for (size_t i = 0; i < n; i++)
        if (strcmp(m[i]->msg, msg) == 0) c = m[i]->count;
    free(m);
    return c;
}

/* Asserts a and b hold the same counters and the same messages in the same
 * order. */
static void assert_stats_equal(const mt_stats *a, const mt_stats *b)
{
    assert_int_equal(a->successes, b->successes);
    assert_int_equal(a->failures, b->failures);
    assert_int_equal(a->requests, b->requests);
    assert_int_equal(a->fails.transport, b->fails.transport);
    assert_int_equal(a->nscenarios, b->nscenarios);
    for (int i = 0; i < a->nscenarios; i++) {
        assert_int_equal(a->scenarios[i].runs, b->scenarios[i].runs);
        assert_int_equal(a->scenarios[i].successes, b->scenarios[i].successes);
        assert_int_equal(a->scenarios[i].failures, b->scenarios[i].failures);
    }
    size_t na, nb;
    const mt_msgcount **ma = mt_stats_messages(a, &na), **mb = mt_stats_messages(b, &nb);
    assert_int_equal(na, nb);
    assert_int_equal(a->msgs.n, b->msgs.n);
    for (size_t i = 0; i < na; i++) {
        assert_string_equal(ma[i]->msg, mb[i]->msg);
        assert_int_equal(ma[i]->count, mb[i]->count);
    }
    free(ma);
    free(mb);
}

static void test_init_and_free(void **state)
{
    (void)state;
    mt_stats s;
    memset(&s, 0x7f, sizeof(s));
    mt_stats_init(&s, 3);
    assert_int_equal(s.successes, 0);
    assert_int_equal(s.failures, 0);
    assert_int_equal(s.requests, 0);
    assert_int_equal(s.fails.transport, 0);
    assert_int_equal(s.msgs.n, 0);
    assert_int_equal(s.nscenarios, 3);
    assert_non_null(s.scenarios);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(s.scenarios[i].runs, 0);
        assert_int_equal(s.scenarios[i].successes, 0);
        assert_int_equal(s.scenarios[i].failures, 0);
    }
    size_t n = 99;
    const mt_msgcount **m = mt_stats_messages(&s, &n);
    assert_non_null(m);
    assert_int_equal(n, 0);
    free(m);
    s.scenarios[2].runs = 5; /* the array is really nscenarios long */
    mt_stats_free(&s);
    assert_null(s.msgs.slots);
    assert_null(s.scenarios);
    assert_int_equal(s.msgs.n, 0);

    /* no scenarios at all is allowed */
    mt_stats_init(&s, 0);
    assert_int_equal(s.nscenarios, 0);
    mt_stats_add_message(&s, "x", 1);
    mt_stats_free(&s);
}

static void test_messages_counted_and_ordered(void **state)
{
    (void)state;
    mt_stats s;
    mt_stats_init(&s, 1);
    char buf[32];
    strcpy(buf, "timeout");
    mt_stats_add_message(&s, buf, 1);
    strcpy(buf, "XXXXXXX"); /* the message was copied */
    mt_stats_add_message(&s, "500 on /b", 3);
    mt_stats_add_message(&s, "timeout", 1);
    mt_stats_add_message(&s, "500 on /a", 3);
    mt_stats_add_message(&s, "rare", 1);
    mt_stats_add_message(&s, "500 on /c", 2);
    mt_stats_add_message(&s, "500 on /c", 2);
    mt_stats_add_message(&s, "", 1);
    assert_int_equal(s.msgs.n, 6);

    size_t n;
    const mt_msgcount **m = mt_stats_messages(&s, &n);
    assert_int_equal(n, 6);
    static const struct {
        const char *msg;
        uint64_t count;
    } want[] = {
        {"500 on /c", 4}, {"500 on /a", 3}, {"500 on /b", 3}, {"timeout", 2}, {"", 1}, {"rare", 1},
    };
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(m[i]->msg, want[i].msg);
        assert_int_equal(m[i]->count, want[i].count);
    }
    /* the array points into s */
    assert_true(m[0] >= s.msgs.slots && m[0] < s.msgs.slots + s.msgs.cap);
    free(m);
    assert_int_equal(count_of(&s, "XXXXXXX"), 0);
    mt_stats_free(&s);
}

static void test_big_counts(void **state)
{
    (void)state;
    mt_stats s;
    mt_stats_init(&s, 1);
    mt_stats_add_message(&s, "big", UINT64_C(1) << 40);
    mt_stats_add_message(&s, "big", UINT64_C(1) << 40);
    mt_stats_add_message(&s, "small", 1);
    assert_int_equal(count_of(&s, "big"), UINT64_C(1) << 41);
    size_t n;
    const mt_msgcount **m = mt_stats_messages(&s, &n);
    assert_string_equal(m[0]->msg, "big");
    free(m);
    mt_stats_free(&s);
}

static void test_cap_folds_into_other(void **state)
{
    (void)state;
    mt_stats s;
    mt_stats_init(&s, 1);
    char msg[64];
    for (int i = 0; i < MT_STATS_MAX_MESSAGES; i++) {
        snprintf(msg, sizeof(msg), "distinct failure %04d", i);
        mt_stats_add_message(&s, msg, 1);
    }
    assert_int_equal(s.msgs.n, MT_STATS_MAX_MESSAGES);
    assert_int_equal(count_of(&s, MT_STATS_OTHER), 0);

    /* new messages beyond the cap go to MT_STATS_OTHER, with their counts */
    mt_stats_add_message(&s, "one too many", 5);
    mt_stats_add_message(&s, "two too many", 2);
    mt_stats_add_message(&s, "one too many", 1);
    assert_int_equal(s.msgs.n, MT_STATS_MAX_MESSAGES + 1);
    assert_int_equal(count_of(&s, "one too many"), 0);
    assert_int_equal(count_of(&s, "two too many"), 0);
    assert_int_equal(count_of(&s, MT_STATS_OTHER), 8);

    /* messages already known are still counted on their own */
    mt_stats_add_message(&s, "distinct failure 0007", 4);
    assert_int_equal(count_of(&s, "distinct failure 0007"), 5);
    assert_int_equal(s.msgs.n, MT_STATS_MAX_MESSAGES + 1);

    size_t n;
    const mt_msgcount **m = mt_stats_messages(&s, &n);
    assert_int_equal(n, MT_STATS_MAX_MESSAGES + 1);
    assert_string_equal(m[0]->msg, MT_STATS_OTHER);
    assert_int_equal(m[0]->count, 8);
    assert_string_equal(m[1]->msg, "distinct failure 0007");
    assert_string_equal(m[2]->msg, "distinct failure 0000");
    assert_string_equal(m[n - 1]->msg, "distinct failure 0999");
    uint64_t total = 0;
    for (size_t i = 0; i < n; i++) total += m[i]->count;
    assert_int_equal(total, MT_STATS_MAX_MESSAGES + 8 + 4);
    free(m);

    /* MT_STATS_OTHER itself merges into the same entry */
    mt_stats_add_message(&s, MT_STATS_OTHER, 10);
    assert_int_equal(count_of(&s, MT_STATS_OTHER), 18);
    assert_int_equal(s.msgs.n, MT_STATS_MAX_MESSAGES + 1);
    mt_stats_free(&s);
}

/* One failure of scenario k with message msg, counted the way the runner
 * does. */
static void record(mt_stats *s, int k, int ok, const char *msg)
{
    s->requests += 2;
    s->scenarios[k].runs++;
    if (ok) {
        s->successes++;
        s->scenarios[k].successes++;
    } else {
        s->failures++;
        s->scenarios[k].failures++;
        s->fails.transport += (uint64_t)(k == 0);
        mt_stats_add_message(s, msg, 1);
    }
}

static void test_merge_equals_counting_in_one(void **state)
{
    (void)state;
    enum { NSCN = 3 };
    mt_stats a, b, all, empty;
    mt_stats_init(&a, NSCN);
    mt_stats_init(&b, NSCN);
    mt_stats_init(&all, NSCN);
    mt_stats_init(&empty, NSCN);
    char msg[64];
    unsigned seed = 12345;
    for (int i = 0; i < 5000; i++) {
        seed = seed * 1103515245u + 12345u;
        int k = (int)((seed >> 8) % NSCN);
        int ok = ((seed >> 12) % 3) != 0;
        /* skewed: a few frequent messages and a long tail */
        unsigned r = (seed >> 16) % 100;
        snprintf(msg, sizeof(msg), "scenario %d: error %u", k, r < 50 ? r % 5 : r);
        record(i % 2 ? &a : &b, k, ok, msg);
        record(&all, k, ok, msg);
    }
    /* something only one side has */
    mt_stats_add_message(&a, "only in a", 3);
    mt_stats_add_message(&all, "only in a", 3);
    assert_true(a.msgs.n > 0 && b.msgs.n > 0);

    mt_stats_merge(&a, &b);
    assert_stats_equal(&a, &all);
    assert_true(all.failures > 0 && all.successes > 0);
    assert_int_equal(all.requests, 10000);

    /* merging into an empty stats copies; merging an empty one changes nothing */
    mt_stats_merge(&empty, &all);
    assert_stats_equal(&empty, &all);
    mt_stats c;
    mt_stats_init(&c, NSCN);
    mt_stats_merge(&all, &c);
    assert_stats_equal(&empty, &all);

    mt_stats_free(&a);
    mt_stats_free(&b);
    mt_stats_free(&all);
    mt_stats_free(&empty);
    mt_stats_free(&c);
}

static void test_merge_counters_and_scenarios(void **state)
{
    (void)state;
    mt_stats a, b;
    mt_stats_init(&a, 2);
    mt_stats_init(&b, 2);
    a.successes = 10, a.failures = 2, a.requests = 30, a.fails.transport = 1;
    b.successes = 5, b.failures = 7, b.requests = 11, b.fails.transport = 4;
    a.scenarios[0].runs = 6, a.scenarios[0].successes = 5, a.scenarios[0].failures = 1;
    a.scenarios[1].runs = 6, a.scenarios[1].successes = 5, a.scenarios[1].failures = 1;
    b.scenarios[0].runs = 12, b.scenarios[0].successes = 5, b.scenarios[0].failures = 7;
    mt_stats_add_message(&a, "x", 2);
    mt_stats_add_message(&b, "x", 3);
    mt_stats_add_message(&b, "y", 4);
    mt_stats_merge(&a, &b);
    assert_int_equal(a.successes, 15);
    assert_int_equal(a.failures, 9);
    assert_int_equal(a.requests, 41);
    assert_int_equal(a.fails.transport, 5);
    assert_int_equal(a.scenarios[0].runs, 18);
    assert_int_equal(a.scenarios[0].successes, 10);
    assert_int_equal(a.scenarios[0].failures, 8);
    assert_int_equal(a.scenarios[1].runs, 6);
    assert_int_equal(count_of(&a, "x"), 5);
    assert_int_equal(count_of(&a, "y"), 4);
    assert_int_equal(a.msgs.n, 2);
    /* the source is untouched */
    assert_int_equal(b.successes, 5);
    assert_int_equal(count_of(&b, "x"), 3);
    assert_int_equal(b.msgs.n, 2);
    mt_stats_free(&a);
    mt_stats_free(&b);
}

/* Labels, status codes, error kinds, latency and the timeline. */
static void record_some(mt_stats *s, int seed)
{
    for (int i = 0; i < 200; i++) {
        const char *label = (i + seed) % 3 ? "GET /a" : "POST /b";
        int64_t t = 1000 + i / 50;
        if (i % 17 == 0)
            req(s, label, 0, "timeout", 0, t);
        else
            req(s, label, i % 5 ? 200 : 503, NULL, (uint64_t)(100 + i * 37), t);
        mt_stats_scenario_start(s, i % 2);
        mt_stats_scenario_end(s, i % 2, i % 7 != 0, (uint64_t)(1000 + i), t);
    }
}

static void test_labels_status_and_timeline(void **state)
{
    (void)state;
    mt_stats s;
    mt_stats_init(&s, 2);
    record_some(&s, 0);
    const mt_req_stats *a = label_of(&s, "GET /a"), *b = label_of(&s, "POST /b");
    assert_non_null(a);
    assert_non_null(b);
    assert_null(label_of(&s, "GET /c"));
    assert_int_equal(a->count + b->count, 200);
    assert_int_equal(s.requests, 200);
    assert_int_equal(s.fails.transport, a->fails.transport + b->fails.transport);
    assert_int_equal(s.fails.transport, 12); /* i % 17 == 0 for i < 200 */
    assert_int_equal(a->status[200] + a->status[503] + a->fails.transport, a->count);
    assert_int_equal(mt_hist_count(s.latency), 200); /* failures have a latency too */
    assert_int_equal(mt_hist_count(s.latency_ok), 200 - s.failed_requests);
    assert_true(s.failed_requests > 12); /* the 503s fail too */
    assert_int_equal(s.failed_requests, s.fails.transport + s.fails.status_5xx);
    assert_int_equal(s.timeline.nticks, 4);
    assert_int_equal(s.timeline.ticks[0].t, 1000);
    assert_int_equal(s.timeline.ticks[3].requests, 50);
    assert_int_equal(s.successes + s.failures, 200);
    uint64_t p99_before = mt_hist_percentile(s.timeline.ticks[1].latency, 99);
    mt_stats_seal(&s, 1002);
    assert_null(s.timeline.ticks[0].latency);
    assert_non_null(s.timeline.ticks[0].encoded);
    assert_non_null(s.timeline.ticks[2].latency); /* not sealed yet */
    assert_int_equal(s.timeline.ticks[1].p99_us, p99_before);
    assert_int_equal(mt_stats_recent_p99(&s, 1002), p99_before);
    assert_int_equal(mt_stats_window(&s, 0, 2000).requests, 200); /* the timeline's, of s */
    assert_int_equal(mt_stats_window_p99(&s, 1001, 1002), p99_before);
    mt_stats_free(&s);
}

static void test_json_round_trip_merges_exactly(void **state)
{
    (void)state;
    mt_stats a, b, all;
    mt_stats_init(&a, 2);
    mt_stats_init(&b, 2);
    mt_stats_init(&all, 2);
    record_some(&a, 0);
    record_some(&b, 1);
    record_some(&all, 0);
    record_some(&all, 1);
    mt_stats_seal(&a, 1002); /* sealed and open ticks both travel */
    mt_stats merged;
    mt_stats_init(&merged, 2);
    cJSON *ja = mt_stats_to_json(&a), *jb = mt_stats_to_json(&b);
    assert_int_equal(mt_stats_merge_json(&merged, ja), MT_OK);
    assert_int_equal(mt_stats_merge_json(&merged, jb), MT_OK);
    cJSON *jm = mt_stats_to_json(&merged), *jall = mt_stats_to_json(&all);
    mt_stats_seal(&merged, 2000);
    mt_stats_seal(&all, 2000);
    cJSON_Delete(jm);
    cJSON_Delete(jall);
    jm = mt_stats_to_json(&merged);
    jall = mt_stats_to_json(&all);
    char *x = cJSON_PrintUnformatted(jm), *y = cJSON_PrintUnformatted(jall);
    assert_string_equal(x, y);
    free(x);
    free(y);
    assert_int_equal(mt_stats_merge_json(&merged, cJSON_GetObjectItem(ja, "latency")), MT_EINVAL);
    cJSON_Delete(ja);
    cJSON_Delete(jb);
    cJSON_Delete(jm);
    cJSON_Delete(jall);
    mt_stats_free(&a);
    mt_stats_free(&b);
    mt_stats_free(&all);
    mt_stats_free(&merged);
}

/* A snapshot with one bad histogram (a child's, a report's) is refused
 * whole: nothing of it is added, its counters and good rows neither. */
static void test_bad_histogram_refuses_the_whole_snapshot(void **state)
{
    (void)state;
    mt_stats s, src;
    mt_stats_init(&s, 2);
    mt_stats_init(&src, 2);
    record_some(&s, 0);
    record_some(&src, 1);
    mt_stats_add_message(&src, "a.lua:1: boom", 3);
    cJSON *before = mt_stats_to_json(&s);
    char *want = cJSON_PrintUnformatted(before);
    const char *where[] = {"labels", "timeline", "scenarios"};
    const char *key[] = {"latency", "latency", "duration_ok"};
    for (int i = 0; i < 3; i++) {
        cJSON *j = mt_stats_to_json(&src);
        cJSON *arr = cJSON_GetObjectItem(j, where[i]);
        cJSON *last = cJSON_GetArrayItem(arr, cJSON_GetArraySize(arr) - 1);
        cJSON_ReplaceItemInObject(last, key[i], cJSON_CreateString("h1:2,1,9,5:garbage"));
        assert_int_equal(mt_stats_merge_json(&s, j), MT_EINVAL);
        cJSON_Delete(j);
        cJSON *after = mt_stats_to_json(&s);
        char *got = cJSON_PrintUnformatted(after);
        assert_string_equal(got, want); /* unchanged */
        free(got);
        cJSON_Delete(after);
    }
    assert_int_equal(count_of(&s, "a.lua:1: boom"), 0);
    cJSON *j = mt_stats_to_json(&src); /* the same snapshot, whole, goes in */
    assert_int_equal(mt_stats_merge_json(&s, j), MT_OK);
    assert_int_equal(s.requests, 400);
    assert_int_equal(count_of(&s, "a.lua:1: boom"), 3);
    cJSON_Delete(j);
    free(want);
    cJSON_Delete(before);
    mt_stats_free(&s);
    mt_stats_free(&src);
}

static void test_grow_and_rehash(void **state)
{
    (void)state;
    enum { N = 900 }; /* under the cap, enough for several doublings */
    mt_stats s;
    mt_stats_init(&s, 1);
    char msg[64];
    size_t last_cap = 0;
    int grows = 0;
    for (int round = 0; round < 3; round++) {
        for (int i = 0; i < N; i++) {
            /* similar prefixes, counts that differ per message */
            snprintf(msg, sizeof(msg), "GET /items/%d failed", (i * 7919) % N);
            mt_stats_add_message(&s, msg, (uint64_t)((i * 7919) % N % 13 + 1));
            if (s.msgs.cap != last_cap) {
                grows++;
                last_cap = s.msgs.cap;
            }
            assert_true(s.msgs.n * 2 <= s.msgs.cap);
        }
        assert_int_equal(s.msgs.n, N);
    }
    assert_true(grows >= 5);
    assert_int_equal(s.msgs.cap & (s.msgs.cap - 1), 0); /* a power of two */

    size_t n;
    const mt_msgcount **m = mt_stats_messages(&s, &n);
    assert_int_equal(n, N);
    uint64_t seen[N];
    memset(seen, 0, sizeof(seen));
    for (size_t i = 0; i < n; i++) {
        int id;
        assert_int_equal(sscanf(m[i]->msg, "GET /items/%d failed", &id), 1);
        assert_true(id >= 0 && id < N);
        assert_int_equal(seen[id], 0);
        seen[id] = m[i]->count;
        assert_int_equal(m[i]->count, 3 * (uint64_t)(id % 13 + 1));
        if (i) {
            assert_true(m[i - 1]->count >= m[i]->count);
            if (m[i - 1]->count == m[i]->count) assert_true(strcmp(m[i - 1]->msg, m[i]->msg) < 0);
        }
    }
    free(m);
    mt_stats_free(&s);
}

static void test_messages_mask_secrets(void **state)
{
    (void)state;
    mt_stats s;
    mt_stats_init(&s, 1);
    const char *in[] = {
        "a.lua:3: got Authorization: Bearer abc123 and Cookie: sid=xyz; t=9\nnext line",
        "a.lua:4: {\"set-cookie\": \"sid=xyz; Path=/\", \"x\": 1}",
        "a.lua:5: token rejected: bearer abc123, retry",
        "a.lua:6: headers[\"cookie\"]='sid=xyz'",
        "a.lua:7: nothing secret here",
    };
    const char *want[] = {
        "a.lua:3: got Authorization: ***\nnext line", /* to the end of the line */
        "a.lua:4: {\"set-cookie\": \"***\", \"x\": 1}",
        "a.lua:5: token rejected: bearer ***, retry",
        "a.lua:6: headers[\"cookie\"]='***'",
        "a.lua:7: nothing secret here",
    };
    for (int i = 0; i < 5; i++) mt_stats_add_message(&s, in[i], 1);
    size_t n;
    const mt_msgcount **m = mt_stats_messages(&s, &n);
    assert_int_equal(n, 5);
    for (size_t i = 0; i < n; i++) {
        assert_null(strstr(m[i]->msg, "abc123"));
        assert_null(strstr(m[i]->msg, "xyz"));
        bool found = false;
        for (int k = 0; k < 5; k++) found = found || strcmp(m[i]->msg, want[k]) == 0;
        if (!found) fail_msg("unexpected '%s'", m[i]->msg);
    }
    free(m);
    mt_stats_free(&s);
}

static void rec(mt_stats *s, const char *label, const char *origin, long status, bool named)
{
    mt_request_rec q = {.label = label,
                        .origin = origin,
                        .named = named,
                        .status = status,
                        .failed = status >= 400,
                        .latency_us = 1000,
                        .t = 1000};
    mt_stats_request(s, &q);
}

static void test_origins_rows_and_display(void **state)
{
    (void)state;
    mt_stats s;
    mt_stats_init(&s, 0);
    rec(&s, "GET /", "http://a:1", 200, false);
    assert_false(mt_stats_many_origins(&s));
    char buf[256];
    assert_string_equal(mt_stats_display_label(&s, &s.reqs[0], buf, sizeof buf), "GET /");
    rec(&s, "GET /", "https://b:2", 503, false);
    rec(&s, "GET /", "https://b:2", 200, false);
    rec(&s, "login", "http://a:1", 200, true);
    rec(&s, "login", "https://b:2", 200, true); /* named: one row whatever the host */
    assert_true(mt_stats_many_origins(&s));
    assert_int_equal(s.nreqs, 3);
    assert_int_equal(s.nhosts, 2);
    assert_int_equal(s.hosts[1].requests, 3);
    const mt_req_stats **rows = mt_stats_sorted(&s);
    /* by count, then by the label shown: https://b (2), then "GET a:1/" before "login" */
    assert_string_equal(mt_stats_display_label(&s, rows[0], buf, sizeof buf), "GET https://b:2/");
    assert_string_equal(mt_stats_display_label(&s, rows[1], buf, sizeof buf), "login");
    assert_string_equal(mt_stats_display_label(&s, rows[2], buf, sizeof buf), "GET a:1/");
    free(rows);
    /* a threshold's label: the row shown, or every origin of the plain label */
    mt_req_stats q;
    assert_true(mt_stats_label_sum(&s, "GET /", &q));
    assert_int_equal(q.count, 3);
    assert_int_equal(q.failed, 1);
    assert_int_equal(mt_hist_count(q.latency_ok), 2);
    mt_stats_req_free(&q);
    assert_true(mt_stats_label_sum(&s, "GET a:1/", &q));
    assert_int_equal(q.count, 1);
    mt_stats_req_free(&q);
    assert_false(mt_stats_label_sum(&s, "GET /nope", &q));
    mt_stats_req_free(&q);
    mt_stats_free(&s);
}

static void test_row_cap_has_one_overflow_row(void **state)
{
    (void)state;
    mt_stats s;
    mt_stats_init(&s, 0);
    char label[32], origin[32];
    for (int i = 0; i < MT_STATS_MAX_LABELS + 50; i++) {
        snprintf(label, sizeof label, "GET /%d", i);
        rec(&s, label, "http://h", 200, false);
        snprintf(origin, sizeof origin, "http://o%d", i); /* a hostile report's trick */
        rec(&s, MT_STATS_OTHER_LABEL, origin, 200, false);
    }
    assert_int_equal(s.nreqs, MT_STATS_MAX_LABELS + 1);
    mt_stats_free(&s);
}

static void test_failure_classes_and_latency_of_failures(void **state)
{
    (void)state;
    mt_stats s;
    mt_stats_init(&s, 1);
    mt_request_rec q = {.label = "GET /", .origin = "http://a", .latency_us = 300000, .t = 5};
    q.error_kind = "timeout";
    mt_stats_request(&s, &q); /* a timeout: a failure with its latency */
    q.error_kind = NULL;
    q.status = 404, q.failed = false; /* expected by the script */
    mt_stats_request(&s, &q);
    q.status = 201, q.failed = true; /* not what it expected */
    mt_stats_request(&s, &q);
    q.status = 502;
    mt_stats_request(&s, &q);
    assert_int_equal(s.requests, 4);
    assert_int_equal(s.failed_requests, 3);
    assert_int_equal(s.fails.transport, 1);
    assert_int_equal(s.fails.status_4xx, 0);
    assert_int_equal(s.fails.status_5xx, 1);
    assert_int_equal(s.fails.other, 1);
    assert_int_equal(mt_hist_count(s.latency), 4);
    assert_int_equal(mt_hist_count(s.latency_ok), 1);
    assert_true(mt_hist_percentile(s.latency, 50) > 290000);
    assert_int_equal(s.timeline.ticks[0].failed_requests, 3);
    /* cancelled runs and per-scenario messages survive the JSON round trip */
    mt_stats_scenario_start(&s, 0);
    mt_stats_scenario_cancelled(&s, 0);
    mt_stats_add_scenario_message(&s, 0, "a.lua:1: Cookie: sid=1", 2);
    cJSON *j = mt_stats_to_json(&s);
    mt_stats t;
    mt_stats_init(&t, 1);
    assert_int_equal(mt_stats_merge_json(&t, j), MT_OK);
    assert_int_equal(t.cancelled, 1);
    assert_int_equal(t.scenarios[0].cancelled, 1);
    assert_int_equal(t.failed_requests, 3);
    assert_int_equal(t.fails.other, 1);
    assert_int_equal(t.timeline.ticks[0].failed_requests, 3);
    assert_int_equal(mt_hist_count(t.latency_ok), 1);
    assert_int_equal(t.nhosts, 1);
    size_t n;
    const mt_msgcount **m = mt_msgtab_sorted(&t.scenarios[0].msgs, &n);
    assert_int_equal(n, 1);
    assert_string_equal(m[0]->msg, "a.lua:1: Cookie: ***"); /* masked */
    assert_int_equal(m[0]->count, 2);
    free(m);
    cJSON_Delete(j);
    mt_stats_free(&t);
    mt_stats_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_messages_mask_secrets),
        cmocka_unit_test(test_init_and_free),
        cmocka_unit_test(test_messages_counted_and_ordered),
        cmocka_unit_test(test_big_counts),
        cmocka_unit_test(test_cap_folds_into_other),
        cmocka_unit_test(test_merge_equals_counting_in_one),
        cmocka_unit_test(test_merge_counters_and_scenarios),
        cmocka_unit_test(test_grow_and_rehash),
        cmocka_unit_test(test_labels_status_and_timeline),
        cmocka_unit_test(test_json_round_trip_merges_exactly),
        cmocka_unit_test(test_bad_histogram_refuses_the_whole_snapshot),
        cmocka_unit_test(test_origins_rows_and_display),
        cmocka_unit_test(test_row_cap_has_one_overflow_row),
        cmocka_unit_test(test_failure_classes_and_latency_of_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_stats_json.c: the statistics as JSON and back: the keys a row and
 * the counters carry, older reports' forms (an empty second as "", no
 * latency_ok), counts out of range read as 0, scenarios mapped by index,
 * and what is refused (no label, a second out of range, a scenario past
 * the map); the story's fields (bytes, phases, workers and failed requests
 * by class per second, a row's and a scenario's series) going through the
 * JSON and back, added twice when merged twice. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "molotov/common.h"
#include "stats_helpers.h"

static double num(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    if (!cJSON_IsNumber(v)) fail_msg("no number %s", k);
    return v->valuedouble;
}

static void test_the_keys_written(void **state)
{
    (void)state;
    mt_stats s;
    mt_stats_init(&s, 1);
    req(&s, "GET /a", 200, NULL, 1500, 100);
    req(&s, "GET /a", 503, NULL, 2500, 100);
    req(&s, "GET /a", 0, "timeout", 9000, 101);
    mt_stats_scenario_start(&s, 0);
    mt_stats_scenario_end(&s, 0, false, 4000, 101);
    mt_stats_add_scenario_message(&s, 0, "a.lua:1: boom", 2);
    cJSON *j = mt_stats_to_json(&s);
    assert_true(num(j, "requests") == 3);
    assert_true(num(j, "failed_requests") == 2);
    assert_true(num(j, "transport_errors") == 1);
    assert_true(num(j, "failed_5xx") == 1);
    assert_true(num(j, "failures") == 1);
    assert_true(strncmp(cJSON_GetObjectItem(j, "latency")->valuestring, "h1:3,", 5) == 0);
    cJSON *row = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "labels"), 0);
    assert_string_equal(cJSON_GetObjectItem(row, "label")->valuestring, "GET /a");
    assert_string_equal(cJSON_GetObjectItem(row, "origin")->valuestring, TEST_ORIGIN);
    assert_true(num(row, "count") == 3 && num(row, "errors") == 2);
    assert_true(num(cJSON_GetObjectItem(row, "status"), "200") == 1);
    assert_true(num(cJSON_GetObjectItem(row, "status"), "503") == 1);
    assert_true(num(cJSON_GetObjectItem(row, "kinds"), "timeout") == 1);
    assert_null(cJSON_GetObjectItem(row, "messages_sent")); /* no WebSocket: no keys */
    assert_true(num(cJSON_GetObjectItem(j, "hosts"), TEST_ORIGIN) == 3);
    cJSON *sc = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "scenarios"), 0);
    assert_true(num(sc, "runs") == 1 && num(sc, "failures") == 1);
    cJSON *m = cJSON_GetArrayItem(cJSON_GetObjectItem(sc, "messages"), 0);
    assert_string_equal(cJSON_GetArrayItem(m, 0)->valuestring, "a.lua:1: boom");
    assert_true(cJSON_GetArrayItem(m, 1)->valuedouble == 2);
    cJSON *tl = cJSON_GetObjectItem(j, "timeline");
    assert_int_equal(cJSON_GetArraySize(tl), 2);
    assert_true(num(cJSON_GetArrayItem(tl, 1), "t") == 101);
    assert_true(num(cJSON_GetArrayItem(tl, 1), "failures") == 1);
    cJSON_Delete(j);
    mt_stats_free(&s);
}

static int merge_text(mt_stats *s, const char *text, const int *map, int nmap)
{
    cJSON *j = cJSON_Parse(text);
    assert_non_null(j);
    int rc = mt_stats_merge_json_mapped(s, j, map, nmap);
    cJSON_Delete(j);
    return rc;
}

static void test_older_forms_and_counts_out_of_range(void **state)
{
    (void)state;
    mt_stats s;
    mt_stats_init(&s, 1);
    /* no latency_ok anywhere, an empty second written as "", counts that
     * are negative, huge or not numbers */
    const char *old = "{\"requests\":4,\"failures\":-3,\"successes\":1e30,\"dropped\":\"7\","
                      "\"latency\":\"h1:0,0,0,0:\","
                      "\"scenarios\":[{\"runs\":2,\"duration\":\"h1:0,0,0,0:\"}],"
                      "\"labels\":[{\"label\":\"GET /\",\"count\":4,\"latency\":\"h1:0,0,0,0:\","
                      "\"status\":{\"200\":4,\"999\":1,\"-1\":1}}],"
                      "\"timeline\":[{\"t\":100,\"requests\":4,\"latency\":\"\"}]}";
    assert_int_equal(merge_text(&s, old, NULL, 0), MT_OK);
    assert_int_equal(s.requests, 4);
    assert_int_equal(s.failures, 0);
    assert_int_equal(s.successes, 0);
    assert_int_equal(s.dropped, 0);
    assert_int_equal(s.scenarios[0].runs, 2);
    const mt_req_stats *r = mt_stats_label_at(&s, "GET /", NULL);
    assert_non_null(r);
    assert_int_equal(r->count, 4);
    assert_int_equal(r->status[200], 4);
    assert_int_equal(s.timeline.nticks, 1);
    assert_int_equal(s.timeline.ticks[0].requests, 4);
    mt_stats_free(&s);
}

static void test_scenarios_mapped_and_what_is_refused(void **state)
{
    (void)state;
    mt_stats s;
    mt_stats_init(&s, 3);
    const char *two = "{\"latency\":\"h1:0,0,0,0:\",\"scenarios\":["
                      "{\"runs\":1,\"duration\":\"h1:0,0,0,0:\"},"
                      "{\"runs\":5,\"duration\":\"h1:0,0,0,0:\"}]}";
    const int map[] = {2, 0}; /* the report's first is our third */
    assert_int_equal(merge_text(&s, two, map, 2), MT_OK);
    assert_int_equal(s.scenarios[2].runs, 1);
    assert_int_equal(s.scenarios[0].runs, 5);
    assert_int_equal(s.scenarios[1].runs, 0);
    assert_int_equal(merge_text(&s, two, map, 1), MT_EINVAL); /* past the map */
    const int out[] = {0, 3};
    assert_int_equal(merge_text(&s, two, out, 2), MT_EINVAL); /* past our scenarios */
    assert_int_equal(
        merge_text(&s, "{\"latency\":\"h1:0,0,0,0:\",\"labels\":[{\"count\":1}]}", NULL, 0),
        MT_EINVAL); /* a row without its label */
    assert_int_equal(
        merge_text(&s, "{\"latency\":\"h1:0,0,0,0:\",\"timeline\":[{\"t\":-1,\"latency\":\"\"}]}",
                   NULL, 0),
        MT_EINVAL); /* a second before 1970 */
    assert_int_equal(merge_text(&s, "{\"requests\":1}", NULL, 0), MT_EINVAL); /* no latency */
    assert_int_equal(merge_text(&s, "[]", NULL, 0), MT_EINVAL);
    assert_int_equal(s.scenarios[0].runs, 5); /* none of the refused added anything */
    assert_int_equal(s.scenarios[2].runs, 1);
    assert_int_equal(s.requests, 0);
    assert_int_equal(s.nreqs, 0);
    assert_int_equal(s.timeline.nticks, 0);
    mt_stats_free(&s);
}

static void test_bytes_phases_and_series_round_trip(void **state)
{
    (void)state;
    mt_stats s, back;
    mt_stats_init(&s, 1);
    mt_stats_init(&back, 1);
    mt_timing tm = mt_timing_from_marks(10, 30, 0, 40, 500, 800);
    mt_request_rec q = {.label = "GET /a",
                        .origin = "http://h:1",
                        .status = 503,
                        .failed = true,
                        .latency_us = 800,
                        .t = 100,
                        .bytes_out = 120,
                        .bytes_in = 300,
                        .body_in = 200,
                        .timing = &tm};
    mt_stats_request(&s, &q);
    mt_stats_scenario_end(&s, 0, true, 900, 100);
    mt_stats_workers(&s, 100, 7);
    mt_stats_workers(&s, 100, 5); /* the most of a second stays */
    mt_stats_seal(&s, 200);
    cJSON *j = mt_stats_to_json(&s);
    assert_int_equal(mt_stats_merge_json(&back, j), MT_OK);
    assert_int_equal(mt_stats_merge_json(&back, j), MT_OK); /* two parts */
    cJSON_Delete(j);
    assert_int_equal(back.bytes_out, 240);
    assert_int_equal(back.bytes_in, 600);
    assert_int_equal(back.body_in, 400);
    const mt_req_stats *r = mt_stats_label_at(&back, "GET /a", "http://h:1");
    assert_non_null(r);
    assert_int_equal(r->bytes_in, 600);
    assert_int_equal(r->body_in, 400);
    assert_non_null(r->phases);
    assert_int_equal(mt_timings_count(r->phases), 2);
    assert_true(mt_timings_mean_us(r->phases, MT_PHASE_WAIT) == 470.0);
    assert_int_equal(r->timeline.nticks, 1);
    assert_int_equal(r->timeline.ticks[0].requests, 2);
    assert_int_equal(r->timeline.ticks[0].failed_requests, 2);
    assert_int_equal(back.scenarios[0].timeline.ticks[0].successes, 2);
    const mt_tick *k = &back.timeline.ticks[0];
    assert_int_equal(k->workers, 14); /* parts (machines) add up */
    assert_int_equal(k->fails.status_5xx, 2);
    assert_int_equal(k->fails.status_4xx, 0);
    assert_int_equal(mt_tick_percentile(k, 95), mt_tick_percentile(&s.timeline.ticks[0], 95));
    mt_stats_free(&s);
    mt_stats_free(&back);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_the_keys_written),
        cmocka_unit_test(test_older_forms_and_counts_out_of_range),
        cmocka_unit_test(test_scenarios_mapped_and_what_is_refused),
        cmocka_unit_test(test_bytes_phases_and_series_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

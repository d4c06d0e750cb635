/* test_sizing.c: the --sizing controller: its three endings in words (over
 * on the error ratio, in Molotov's own text; over on p99; never over) with
 * the capacity table, the report's "sizing" object, and on a loop: a step
 * recorded at the end, and the run stopped once the last minute's error
 * ratio passes the tolerance. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "molotov/common.h"
#include "molotov/sizing.h"

typedef struct {
    mt_options opt;
    mt_runner runner;
    mt_sizing z;
    mt_sizing_step steps[2];
} fx;

/* A run of 90 ok and 10 failed scenario runs, with two capacity steps. */
static void setup(fx *f, mt_sizing_end end)
{
    memset(f, 0, sizeof(*f));
    mt_options_defaults(&f->opt);
    f->opt.sizing = true;
    f->opt.sizing_tolerance = 5;
    f->runner.opt = &f->opt;
    mt_stats_init(&f->runner.stats, 1);
    f->runner.stats.successes = 90;
    f->runner.stats.failures = 10;
    f->steps[0] = (mt_sizing_step){.t = 5, .workers = 3, .rps = 120.25, .p99_us = 850};
    f->steps[1] =
        (mt_sizing_step){.t = 10, .workers = 7, .rps = 98.5, .error_pct = 12.5, .p99_us = 1250000};
    f->z.runner = &f->runner;
    f->z.steps = f->steps;
    f->z.nsteps = 2;
    f->z.end = end;
    f->z.error_pct = 12.5;
    f->z.workers = 7;
    f->z.minute = (mt_window){.requests = 40, .successes = 35, .failures = 5};
}

static char *printed(const mt_sizing *z)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    mt_sizing_print(z, f);
    fclose(f);
    return text;
}

static const char *TABLE = "Capacity    workers   requests/s    errors       p99\n"
                           "       5s         3        120.2     0.00%     850us\n"
                           "      10s         7         98.5    12.50%     1.25s\n";

static void test_over_on_errors_in_molotovs_words(void **state)
{
    (void)state;
    fx f;
    setup(&f, MT_SIZING_ERRORS);
    char *text = printed(&f.z);
    char want[1024];
    snprintf(want, sizeof want,
             "\nSizing is over!\n\nError Ratio 12.50 %% obtained with 7 workers.\n\n"
             "OVERALL: SUCCESSES: 90 | FAILURES: 10\n"
             "LAST MINUTE: SUCCESSES: 35 | FAILURES: 5\n\n%s",
             TABLE);
    assert_string_equal(text, want);
    free(text);
    mt_stats_free(&f.runner.stats);
}

static void test_over_on_p99_and_never_over(void **state)
{
    (void)state;
    fx f;
    setup(&f, MT_SIZING_P99);
    f.opt.sizing_p99 = 200;
    char *text = printed(&f.z);
    char want[1024];
    snprintf(want, sizeof want,
             "Sizing is over! p99 above 200 ms with 7 workers (error ratio 12.50%%).\n%s", TABLE);
    assert_string_equal(text, want);
    free(text);
    f.z.end = MT_SIZING_RUNNING;
    f.z.error_pct = 1.25;
    text = printed(&f.z);
    snprintf(want, sizeof want,
             "Sizing never passed the 5.0%% tolerance: 7 workers reached (error ratio 1.25%%).\n%s",
             TABLE);
    assert_string_equal(text, want);
    free(text);
    mt_stats_free(&f.runner.stats);
}

static double num(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    assert_true(cJSON_IsNumber(v));
    return v->valuedouble;
}

static void test_report_object(void **state)
{
    (void)state;
    fx f;
    setup(&f, MT_SIZING_P99);
    f.opt.sizing_p99 = 200;
    cJSON *j = mt_sizing_json(&f.z);
    assert_true(num(j, "tolerance_pct") == 5);
    assert_true(num(j, "p99_objective_ms") == 200);
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(j, "over")));
    assert_string_equal(cJSON_GetObjectItem(j, "reason")->valuestring, "p99");
    assert_true(num(j, "error_pct") == 12.5);
    assert_true(num(j, "workers") == 7);
    cJSON *steps = cJSON_GetObjectItem(j, "steps");
    assert_int_equal(cJSON_GetArraySize(steps), 2);
    cJSON *s = cJSON_GetArrayItem(steps, 1);
    assert_true(num(s, "t") == 10);
    assert_true(num(s, "workers") == 7);
    assert_true(num(s, "rps") == 98.5);
    assert_true(num(s, "error_pct") == 12.5);
    assert_true(num(s, "p99_ms") == 1250);
    cJSON_Delete(j);
    f.z.end = MT_SIZING_RUNNING;
    f.opt.sizing_p99 = 0;
    j = mt_sizing_json(&f.z);
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(j, "p99_objective_ms")));
    assert_true(cJSON_IsFalse(cJSON_GetObjectItem(j, "over")));
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(j, "reason")));
    cJSON_Delete(j);
    f.z.end = MT_SIZING_ERRORS;
    j = mt_sizing_json(&f.z);
    assert_string_equal(cJSON_GetObjectItem(j, "reason")->valuestring, "error_ratio");
    cJSON_Delete(j);
    mt_stats_free(&f.runner.stats);
}

/* ---- on a loop ---- */

typedef struct {
    uv_loop_t loop;
    mt_options opt;
    mt_runner runner;
    mt_sizing z;
    uv_timer_t stop;
} live;

static void on_stop(uv_timer_t *t)
{
    uv_stop(t->loop);
}

static void live_start(live *l, int workers)
{
    memset(l, 0, sizeof(*l));
    assert_int_equal(uv_loop_init(&l->loop), 0);
    mt_options_defaults(&l->opt);
    l->opt.sizing = true;
    l->opt.sizing_tolerance = 5;
    l->runner.loop = &l->loop;
    l->runner.opt = &l->opt;
    l->runner.remote_workers = workers;
    l->runner.started_at = mt_now_s();
    mt_stats_init(&l->runner.stats, 1);
    mt_sizing_start(&l->z, &l->runner);
    uv_timer_init(&l->loop, &l->stop);
}

static void live_run(live *l, uint64_t ms)
{
    uv_timer_start(&l->stop, on_stop, ms, 0);
    uv_run(&l->loop, UV_RUN_DEFAULT);
}

static void live_end(live *l)
{
    mt_sizing_close(&l->z);
    uv_close((uv_handle_t *)&l->stop, NULL);
    uv_run(&l->loop, UV_RUN_DEFAULT);
    assert_int_equal(uv_loop_close(&l->loop), 0);
    mt_stats_free(&l->runner.stats);
}

static void test_a_step_recorded_at_the_end(void **state)
{
    (void)state;
    live l;
    live_start(&l, 4);
    l.runner.stats.requests = 60; /* over the step, as counted */
    l.runner.stats.successes = 30;
    l.runner.stats.failures = 10;
    live_run(&l, 300);
    assert_int_equal(l.z.nsteps, 0); /* a step lasts 5 s without --ramp-up */
    mt_sizing_finish(&l.z);
    assert_int_equal(l.z.nsteps, 1);
    const mt_sizing_step *s = &l.z.steps[0];
    assert_int_equal(s->workers, 4);
    assert_true(fabs(s->error_pct - 25.0) < 1e-9);
    assert_true(s->rps > 60 / 0.6 && s->rps < 60 / 0.25);
    assert_true(s->t >= 0.25 && s->t < 0.6);
    assert_int_equal(l.z.end, MT_SIZING_RUNNING);
    assert_int_equal(l.z.workers, 4); /* the most reached */
    live_end(&l);
}

static void test_stops_the_run_past_the_tolerance(void **state)
{
    (void)state;
    live l;
    live_start(&l, 6);
    int64_t now = mt_wall_s();
    for (int i = 0; i < MT_SIZING_MIN_RESULTS; i++) /* 10% fail, over the 5% tolerance */
        mt_stats_scenario_end(&l.runner.stats, 0, i % 10 != 0, 1000, now);
    live_run(&l, 200);
    assert_int_equal(l.z.end, MT_SIZING_ERRORS);
    assert_true(l.runner.stopping);
    assert_int_equal(l.runner.stop_reason, MT_STOP_SIZING);
    assert_true(fabs(l.z.error_pct - 10.0) < 1e-9);
    assert_int_equal(l.z.minute.failures, 10);
    assert_int_equal(l.z.workers, 6);
    live_end(&l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_over_on_errors_in_molotovs_words),
        cmocka_unit_test(test_over_on_p99_and_never_over),
        cmocka_unit_test(test_report_object),
        cmocka_unit_test(test_a_step_recorded_at_the_end),
        cmocka_unit_test(test_stops_the_run_past_the_tolerance),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

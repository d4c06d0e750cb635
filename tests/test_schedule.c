/* test_schedule.c: a run's timers on a runner built by hand over a real
 * loop: the deadline (with the ramp when each worker runs -d from its own
 * start), the tick, the ramp-up's start of each worker, --rate's starts
 * handed to idle workers (dropped and counted when none is free), a stop. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "molotov/phases.h"
#include "molotov/schedule.h"

typedef struct {
    uv_loop_t loop;
    mt_runner r;
    mt_options opt;
    mt_script script;
    mt_rworker w[2];
    mt_rworker *workers[2];
} fx;

static int stops;

static void on_stop(mt_runner *r)
{
    stops++;
    r->stopping = true;
}

static const mt_run_ops ops = {.stop = on_stop};

static void setup(fx *f)
{
    memset(f, 0, sizeof(*f));
    stops = 0;
    assert_int_equal(uv_loop_init(&f->loop), 0);
    mt_options_defaults(&f->opt);
    f->opt.workers = 2;
    f->r.ops = &ops;
    f->r.loop = &f->loop;
    f->r.opt = &f->opt;
    f->r.script = &f->script;
    mt_stats_init(&f->r.stats, 0);
    mt_phases_init(&f->r);
    mt_schedule_init(&f->r);
    for (int i = 0; i < 2; i++) {
        f->w[i].runner = &f->r;
        uv_timer_init(&f->loop, &f->w[i].timer);
        f->w[i].timer.data = &f->w[i];
        f->workers[i] = &f->w[i];
    }
    f->r.workers = f->workers;
    f->r.nworkers = 2;
}

static void teardown(fx *f)
{
    mt_schedule_close(&f->r);
    mt_phases_close(&f->r);
    for (int i = 0; i < 2; i++) uv_close((uv_handle_t *)&f->w[i].timer, NULL);
    uv_run(&f->loop, UV_RUN_DEFAULT);
    assert_int_equal(uv_loop_close(&f->loop), 0);
    mt_stats_free(&f->r.stats);
}

static bool active(void *h)
{
    return uv_is_active((uv_handle_t *)h);
}

static void test_ramp_up_starts_each_worker_at_its_offset(void **state)
{
    (void)state;
    fx f;
    setup(&f);
    f.opt.ramp_up = 2; /* 2 workers: one now, one after 1 s */
    mt_schedule_worker(&f.w[0], 0);
    mt_schedule_worker(&f.w[1], 1);
    assert_int_equal(f.w[0].phase, MT_PH_NEW);
    assert_true(f.w[0].queued);
    assert_true(active(&f.r.ready_idle));
    assert_false(active(&f.w[0].timer));
    assert_int_equal(f.w[1].phase, MT_PH_WAIT_START);
    assert_false(f.w[1].queued);
    assert_true(active(&f.w[1].timer));
    assert_int_equal(uv_timer_get_due_in(&f.w[1].timer), 1000);
    teardown(&f);
}

static void test_a_pool_s_child_interleaves_its_ramp(void **state)
{
    (void)state;
    fx f;
    setup(&f);
    f.opt.ramp_up = 2;
    f.r.ramp_offset = 0.25;
    mt_schedule_worker(&f.w[0], 0);
    assert_int_equal(f.w[0].phase, MT_PH_WAIT_START);
    assert_int_equal(uv_timer_get_due_in(&f.w[0].timer), 250);
    teardown(&f);
}

static void test_the_deadline_and_the_tick(void **state)
{
    (void)state;
    fx f;
    setup(&f);
    f.opt.duration = 10;
    f.r.started_at = 100;
    mt_schedule_begin(&f.r, 2);
    assert_float_equal(f.r.deadline_at, 110, 1e-9);
    assert_int_equal(uv_timer_get_due_in(&f.r.deadline), 10000);
    assert_true(active(&f.r.tick));
    assert_int_equal(uv_timer_get_repeat(&f.r.tick), 1000);
    assert_null(f.r.idle); /* no --rate */
    mt_schedule_end(&f.r);
    assert_false(active(&f.r.deadline));
    assert_false(active(&f.r.tick));
    teardown(&f);
}

static void test_each_worker_s_own_duration_extends_the_deadline(void **state)
{
    (void)state;
    fx f;
    setup(&f);
    f.opt.duration = 10;
    f.opt.ramp_up = 2;
    f.r.started_at = 100;
    f.r.is_child = true; /* the main process has the tick */
    mt_schedule_begin(&f.r, 2);
    assert_float_equal(f.r.deadline_at, 112, 1e-9);
    assert_int_equal(uv_timer_get_due_in(&f.r.deadline), 12000);
    assert_false(active(&f.r.tick));
    teardown(&f);
}

static void test_rate_is_shared_and_waits_for_the_workers(void **state)
{
    (void)state;
    fx f;
    setup(&f);
    f.opt.duration = 10;
    f.opt.ramp_up = 2; /* ramps the rate, not the workers */
    f.opt.rate = 30;
    f.opt.processes = 3;
    mt_schedule_begin(&f.r, 2);
    assert_float_equal(f.r.deadline_at, 10, 1e-9);
    assert_float_equal(f.r.rate, 10, 1e-12);
    assert_int_equal(f.r.unready, 2);
    assert_non_null(f.r.idle);
    assert_false(active(&f.r.rate_timer)); /* until every worker is ready */
    mt_schedule_begin_rate(&f.r);
    assert_true(active(&f.r.rate_timer));
    assert_true(f.r.rate_t0 > 0);
    teardown(&f);
}

static void go_idle(fx *f)
{
    f->r.idle = calloc(2, sizeof(mt_rworker *));
    for (int i = 0; i < 2; i++) {
        f->w[i].phase = MT_PH_IDLE;
        f->r.idle[f->r.nidle++] = &f->w[i];
    }
    f->r.rate_t0 = 1000000000;
}

static void test_rate_hands_out_the_starts_due(void **state)
{
    (void)state;
    fx f;
    setup(&f);
    f.r.rate = 10; /* a start every 100 ms */
    go_idle(&f);
    mt_schedule_issue(&f.r, 0); /* start 0 at once, to the last one idle */
    assert_int_equal(f.r.rate_issued, 1);
    assert_int_equal(f.r.nidle, 1);
    assert_true(f.w[1].start_token);
    assert_int_equal(f.w[1].phase, MT_PH_PAUSE);
    assert_true(f.w[1].queued);
    assert_int_equal(f.w[1].intended_ns, 1000000000);
    mt_schedule_issue(&f.r, 0.05); /* start 1 is not due yet */
    assert_int_equal(f.r.rate_issued, 1);
    mt_schedule_issue(&f.r, 0.21); /* starts 1 and 2: one worker left */
    assert_int_equal(f.r.rate_issued, 3);
    assert_int_equal(f.r.nidle, 0);
    assert_true(f.w[0].start_token);
    assert_int_equal(f.w[0].intended_ns, 1100000000);
    assert_int_equal(f.r.stats.dropped, 1);
    teardown(&f);
}

static void test_a_ramped_rate_starts_slowly(void **state)
{
    (void)state;
    fx f;
    setup(&f);
    f.r.rate = 10;
    f.opt.ramp_up = 2; /* starts_by(1 s) = 2.5 */
    go_idle(&f);
    mt_schedule_issue(&f.r, 1.0);
    assert_int_equal(f.r.rate_issued, 3);
    assert_int_equal(f.w[1].intended_ns, 1000000000);
    /* start 1 was due at sqrt(2 * 2 * 1 / 10) s */
    assert_int_equal(f.w[0].intended_ns, 1000000000 + (uint64_t)(0.6324555320336759 * 1e9));
    assert_int_equal(f.r.stats.dropped, 1);
    teardown(&f);
}

static void test_a_stop_hands_the_idle_workers_back(void **state)
{
    (void)state;
    fx f;
    setup(&f);
    f.r.rate = 10;
    go_idle(&f);
    mt_schedule_begin_rate(&f.r);
    f.r.stopping = true;
    mt_schedule_stop(&f.r);
    assert_false(active(&f.r.rate_timer));
    assert_int_equal(f.r.nidle, 0);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(f.w[i].phase, MT_PH_PAUSE);
        assert_true(f.w[i].queued);
        assert_false(f.w[i].start_token);
    }
    mt_schedule_issue(&f.r, 5); /* stopped: nothing more is issued */
    assert_int_equal(f.r.rate_issued, 0);
    assert_int_equal(f.r.stats.dropped, 0);
    teardown(&f);
}

static void test_the_deadline_stops_the_run(void **state)
{
    (void)state;
    fx f;
    setup(&f);
    f.opt.duration = 0.02;
    f.r.is_child = true;
    mt_schedule_begin(&f.r, 2);
    uint64_t t0 = uv_hrtime();
    uv_run(&f.loop, UV_RUN_DEFAULT); /* until the deadline, the only timer */
    assert_true(uv_hrtime() - t0 >= 19000000);
    assert_int_equal(stops, 1);
    teardown(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ramp_up_starts_each_worker_at_its_offset),
        cmocka_unit_test(test_a_pool_s_child_interleaves_its_ramp),
        cmocka_unit_test(test_the_deadline_and_the_tick),
        cmocka_unit_test(test_each_worker_s_own_duration_extends_the_deadline),
        cmocka_unit_test(test_rate_is_shared_and_waits_for_the_workers),
        cmocka_unit_test(test_rate_hands_out_the_starts_due),
        cmocka_unit_test(test_a_ramped_rate_starts_slowly),
        cmocka_unit_test(test_a_stop_hands_the_idle_workers_back),
        cmocka_unit_test(test_the_deadline_stops_the_run),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

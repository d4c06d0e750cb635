/* test_picker.c: the next scenario: --single-run's turn, -s, weights over
 * cumulative sums, and the script's scenario_picker. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "molotov/picker.h"
#include "tmpfile_helpers.h"

static void test_weighted_ranges(void **state)
{
    (void)state;
    const int cum[] = {1, 4, 4, 10}; /* weights 1, 3, 0 (not registered, but), 6 */
    assert_int_equal(mt_picker_weighted(cum, 4, 0), 0);
    assert_int_equal(mt_picker_weighted(cum, 4, 1), 1);
    assert_int_equal(mt_picker_weighted(cum, 4, 3), 1);
    assert_int_equal(mt_picker_weighted(cum, 4, 4), 3);
    assert_int_equal(mt_picker_weighted(cum, 4, 9), 3);
    assert_int_equal(mt_picker_weighted(cum, 4, 10), 0); /* modulo the total */
}

static void test_random_is_xorshift_and_spreads_by_weight(void **state)
{
    (void)state;
    mt_picker_seed(0); /* 0 is taken as 1 */
    assert_true(mt_picker_random() == 5180492295206395165ull);
    mt_picker_seed(42);
    const int cum[] = {1, 4}; /* 1:3 */
    int n[2] = {0, 0};
    for (int i = 0; i < 40000; i++) n[mt_picker_weighted(cum, 2, mt_picker_random())]++;
    assert_in_range(n[0], 9000, 11000);
    assert_in_range(n[1], 29000, 31000);
}

static const char *SCRIPT = "molotov.scenario('a', 1, function() end)\n"
                            "molotov.scenario('b', 1, function() end)\n"
                            "molotov.scenario_picker(function(wid, step)\n"
                            "  if step == 3 then error('no third') end\n"
                            "  if step == 4 then return 'zz' end\n"
                            "  return step % 2 == 1 and 'b' or 'a'\n"
                            "end)\n";

static void test_script_picker_and_options(void **state)
{
    (void)state;
    char path[] = "/tmp/mt-test-picker-XXXXXX.lua";
    write_tmpfile(path, SCRIPT);
    mt_options o;
    mt_options_defaults(&o);
    o.scenario = path;
    mt_script *s;
    char err[256];
    assert_int_equal(mt_script_load(&o, NULL, &s, err, sizeof err), 0);
    unlink(path);
    assert_int_equal(mt_picker_pick(s, &o, 0), -2); /* the script's picker decides */
    lua_State *co = lua_newthread(s->L);
    mt_busy b = {0};
    char msg[256];
    assert_int_equal(mt_picker_call(co, s, 7, 0, &b, msg, sizeof msg), 1); /* step 1: b */
    assert_int_equal(mt_picker_call(co, s, 7, 1, &b, msg, sizeof msg), 0);
    assert_int_equal(mt_picker_call(co, s, 7, 2, &b, msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "no third"));
    assert_int_equal(mt_picker_call(co, s, 7, 3, &b, msg, sizeof msg), -1);
    assert_string_equal(msg, "scenario_picker returned zz, which is no scenario");
    assert_int_equal(b.entered_ns, 0); /* the busy check is left */
    o.single_mode = "b";
    assert_int_equal(mt_picker_pick(s, &o, 5), 1);
    o.single_run = true;
    assert_int_equal(mt_picker_pick(s, &o, 1), 1); /* each in turn */
    mt_script_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_weighted_ranges),
        cmocka_unit_test(test_random_is_xorshift_and_spreads_by_weight),
        cmocka_unit_test(test_script_picker_and_options),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

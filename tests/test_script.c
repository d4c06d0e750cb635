/* test_script.c: loading scenario files: the three registration forms,
 * weights and names, fixtures, errors naming file and line, args. */
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

#include "molotov/common.h"
#include "molotov/script.h"
#include "tmpfile_helpers.h"

static char path[64];

static int load(const char *text, mt_options *o, mt_script **s, char *err, size_t errlen)
{
    strcpy(path, "/tmp/mt-test-script-XXXXXX.lua");
    write_tmpfile(path, text);
    o->scenario = path;
    int rc = mt_script_load(o, NULL, s, err, errlen);
    unlink(path);
    return rc;
}

static void test_three_forms_sorted_by_name(void **state)
{
    (void)state;
    mt_options o;
    mt_options_defaults(&o);
    mt_script *s = NULL;
    char err[512] = "";
    int rc =
        load("molotov.scenario('zeta', 3, function() end)\n"
             "molotov.scenario(2, function() end)\n"
             "molotov.scenario{ name = 'alpha', weight = 5, delay = 0.25, run = function() end }\n",
             &o, &s, err, sizeof(err));
    assert_int_equal(rc, MT_OK);
    assert_int_equal(s->nscenarios, 3);
    char line2[96];
    snprintf(line2, sizeof(line2), "%s:2", path);
    assert_string_equal(s->scenarios[0].name, line2); /* "/tmp..." sorts first */
    assert_string_equal(s->scenarios[1].name, "alpha");
    assert_string_equal(s->scenarios[2].name, "zeta");
    assert_int_equal(s->scenarios[1].weight, 5);
    assert_true(s->scenarios[1].delay == 0.25);
    assert_int_equal(s->cumweights[2], 10);
    assert_int_equal(mt_script_find(s, "zeta"), 2);
    assert_int_equal(mt_script_find(s, "nope"), -1);
    mt_script_free(s);
}

static void expect_error(const char *text, int want_rc, const char *want)
{
    mt_options o;
    mt_options_defaults(&o);
    mt_script *s = NULL;
    char err[512] = "";
    assert_int_equal(load(text, &o, &s, err, sizeof(err)), want_rc);
    if (!strstr(err, want)) fail_msg("error '%s' lacks '%s'", err, want);
    mt_script_free(s);
}

static void test_errors_name_file_and_line(void **state)
{
    (void)state;
    char want[128];
    expect_error("\n\nlocal = 1\n", MT_ESCRIPT, ":3:");
    expect_error("local x\n", MT_ESCRIPT, "no scenario registered");
    expect_error(
        "molotov.scenario('a', 1, function() end)\nmolotov.scenario('a', 1, function() end)\n",
        MT_ESCRIPT, ":2: scenario 'a' is registered twice");
    expect_error("molotov.scenario('a', 1.5, function() end)\n", MT_ESCRIPT, "integer");
    expect_error("molotov.scenario('a', -2, function() end)\n", MT_ESCRIPT, "negative weight");
    expect_error("molotov.scenario('a', 1, 42)\n", MT_ESCRIPT, ":1:");
    expect_error("molotov.teardown(print)\nmolotov.teardown(print)\n", MT_ESCRIPT,
                 ":2: teardown is already registered");
    expect_error("error({})\n", MT_ESCRIPT, ":1:");
    snprintf(want, sizeof(want), "cannot open scenario file");
    mt_options o;
    mt_options_defaults(&o);
    o.scenario = "/nonexistent/x.lua";
    mt_script *s = NULL;
    char err[256];
    assert_int_equal(mt_script_load(&o, NULL, &s, err, sizeof(err)), MT_ENOENT);
    assert_non_null(strstr(err, want));
    assert_null(s);
}

static void test_single_mode_must_exist(void **state)
{
    (void)state;
    mt_options o;
    mt_options_defaults(&o);
    o.single_mode = "missing";
    mt_script *s = NULL;
    char err[512];
    assert_int_equal(load("molotov.scenario('a', 1, function() end)\n", &o, &s, err, sizeof(err)),
                     MT_EINVAL);
    assert_non_null(strstr(err, "'missing'"));
    mt_script_free(s);
}

static void test_fixtures_picker_listeners_and_args(void **state)
{
    (void)state;
    mt_options o;
    mt_options_defaults(&o);
    o.workers = 7;
    mt_script *s = NULL;
    char err[512];
    int rc = load("molotov.setup(function() end)\nmolotov.global_teardown(function() end)\n"
                  "molotov.scenario_picker(function() return 'a' end)\n"
                  "molotov.events(print)\nmolotov.events(print)\n"
                  "molotov.scenario('a', 1, function() end)\n"
                  "assert(require('molotov') == molotov)\n",
                  &o, &s, err, sizeof(err));
    assert_int_equal(rc, MT_OK);
    assert_int_not_equal(s->fixtures[MT_FIX_SETUP], LUA_NOREF);
    assert_int_not_equal(s->fixtures[MT_FIX_GLOBAL_TEARDOWN], LUA_NOREF);
    assert_int_equal(s->fixtures[MT_FIX_TEARDOWN], LUA_NOREF);
    assert_int_not_equal(s->picker_ref, LUA_NOREF);
    assert_int_equal(s->nlisteners, 2);
    lua_State *L = s->L;
    lua_rawgeti(L, LUA_REGISTRYINDEX, s->args_ref);
    lua_getfield(L, -1, "workers");
    assert_int_equal(lua_tointeger(L, -1), 7);
    lua_getfield(L, -2, "duration");
    assert_int_equal(lua_tointeger(L, -1), 86400);
    lua_pop(L, 2);
    lua_setglobal(L, "args");
    assert_int_equal(luaL_dostring(L, "local ok, e = pcall(function() args.workers = 1 end)\n"
                                      "assert(not ok and e:find('read%-only'))\n"
                                      "assert(args.workers == 7)"),
                     LUA_OK);
    mt_script_free(s);
}

static void test_error_message_gets_a_position(void **state)
{
    (void)state;
    mt_options o;
    mt_options_defaults(&o);
    mt_script *s = NULL;
    char err[512];
    assert_int_equal(load("molotov.scenario('a', 1, function() end)\n", &o, &s, err, sizeof(err)),
                     MT_OK);
    lua_State *co = lua_newthread(s->L);
    assert_int_equal(luaL_loadstring(co, "local x = 1\nassert(false, 'plain message')"), LUA_OK);
    int nres;
    assert_int_equal(lua_resume(co, s->L, 0, &nres), LUA_ERRRUN);
    char msg[256];
    mt_script_error_message(co, msg, sizeof(msg));
    assert_string_equal(msg, "[string \"local x = 1...\"]:2: plain message");
    mt_script_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_three_forms_sorted_by_name),
        cmocka_unit_test(test_errors_name_file_and_line),
        cmocka_unit_test(test_single_mode_must_exist),
        cmocka_unit_test(test_fixtures_picker_listeners_and_args),
        cmocka_unit_test(test_error_message_gets_a_position),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

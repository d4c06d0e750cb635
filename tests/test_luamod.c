/* test_luamod.c: the molotov module, whole: script.c's pieces and the
 * ones luamod.c adds (sleep, request, statsd with --statsd only). */
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

#include "molotov/luamod.h"
#include "tmpfile_helpers.h"

static const char *SCRIPT =
    "local want = {'scenario', 'scenario_picker', 'events', 'set_var', 'get_var', 'json',\n"
    "  'version', 'global_setup', 'setup', 'setup_session', 'teardown_session', 'teardown',\n"
    "  'global_teardown', 'sleep', 'request'}\n"
    "for _, k in ipairs(want) do assert(molotov[k] ~= nil, k) end\n"
    "assert(require('molotov') == molotov)\n"
    "HAS_STATSD = molotov.statsd ~= nil\n"
    "molotov.scenario('a', 1, function() end)\n";

static void load(bool statsd, bool *has_statsd)
{
    char path[] = "/tmp/mt-test-luamod-XXXXXX.lua";
    write_tmpfile(path, SCRIPT);
    mt_options o;
    mt_options_defaults(&o);
    o.scenario = path;
    o.statsd = statsd;
    mt_script *s;
    char err[512];
    int rc = mt_luamod_load(&o, &s, err, sizeof err);
    unlink(path);
    if (rc) fail_msg("%s", err);
    lua_getglobal(s->L, "HAS_STATSD");
    *has_statsd = lua_toboolean(s->L, -1);
    mt_script_free(s);
}

static void test_every_piece_is_there(void **state)
{
    (void)state;
    bool has;
    load(false, &has);
    assert_false(has);
    load(true, &has);
    assert_true(has);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_every_piece_is_there)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_busy.c: the busy check: its limit, and a worker's Lua that runs
 * away stopped with the line it was on. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <lauxlib.h>
#include <lualib.h>
#include <string.h>

#include "molotov/busy.h"
#include "molotov/common.h"
#include "molotov/worker.h"

static void test_limit(void **state)
{
    (void)state;
    uint64_t s = 1000000000ull;
    assert_false(mt_busy_over(0, 100 * s)); /* not entered */
    assert_false(mt_busy_over(10 * s, 15 * s));
    assert_true(mt_busy_over(10 * s, 15 * s + 1));
}

static void test_entry_and_exit(void **state)
{
    (void)state;
    mt_busy b = {.expired = true};
    mt_busy_enter(&b);
    assert_true(b.entered_ns > 0);
    assert_false(b.expired);
    mt_busy_leave(&b);
    assert_int_equal(b.entered_ns, 0);
}

/* A worker's coroutine entered 6 s ago: the hook yields it with a message
 * naming the line; a coroutine of no worker is left alone. */
static void test_runaway_lua_is_stopped(void **state)
{
    (void)state;
    lua_State *L = luaL_newstate();
    luaL_openlibs(L);
    *(void **)lua_getextraspace(L) = NULL;
    mt_worker w = {.id = 0};
    lua_State *co = lua_newthread(L);
    mt_worker_bind(co, &w);
    mt_busy_watch(co);
    assert_int_equal(luaL_loadstring(co, "local n = 0\nwhile true do n = n + 1 end"), LUA_OK);
    mt_busy b;
    mt_busy_enter(&b);
    b.entered_ns = mt_now_ns() - 6000000000ull;
    int nres;
    assert_int_equal(lua_resume(co, L, 0, &nres), LUA_YIELD);
    mt_busy_leave(&b);
    assert_true(b.expired);
    assert_non_null(strstr(mt_busy_message(), ":2: ran for 5 s without yielding"));
    lua_close(L);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_limit),
        cmocka_unit_test(test_entry_and_exit),
        cmocka_unit_test(test_runaway_lua_is_stopped),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_worker.c: the worker context: threads bound to a worker, the hooks
 * called through its ops, molotov.sleep refused outside a worker. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <lauxlib.h>
#include <lualib.h>
#include <string.h>

#include "molotov/worker.h"

static double slept;
static int woken;

static int fake_sleep(lua_State *L, mt_worker *w, double s)
{
    (void)L;
    slept = s + w->id;
    return 0;
}

static void fake_wake(mt_worker *w)
{
    woken = w->id;
}

static void test_bound_threads_and_hooks(void **state)
{
    (void)state;
    lua_State *L = luaL_newstate();
    luaL_openlibs(L);
    *(void **)lua_getextraspace(L) = NULL;
    mt_worker_ops ops = {.wake = fake_wake, .sleep = fake_sleep};
    mt_worker w = {.id = 3, .ops = &ops};
    lua_State *co = lua_newthread(L);
    assert_null(mt_worker_of(co));
    mt_worker_bind(co, &w);
    assert_ptr_equal(mt_worker_of(co), &w);
    assert_null(mt_worker_of(lua_newthread(L))); /* new threads belong to no worker */
    mt_worker_wake(&w);
    assert_int_equal(woken, 3);
    lua_newtable(L);
    mt_worker_register(L);
    lua_setglobal(L, "molotov");
    assert_int_equal(luaL_loadstring(co, "molotov.sleep(0.5)"), LUA_OK);
    int nres;
    assert_int_equal(lua_resume(co, L, 0, &nres), LUA_OK);
    assert_float_equal(slept, 3.5, 1e-9);
    assert_true(luaL_dostring(L, "molotov.sleep(1)")); /* not a worker's thread */
    assert_non_null(strstr(lua_tostring(L, -1), "can only be called from a scenario"));
    lua_pop(L, 1);
    assert_true(luaL_dostring(L, "molotov.sleep(-1)"));
    assert_non_null(strstr(lua_tostring(L, -1), "seconds must be >= 0"));
    lua_close(L);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_bound_threads_and_hooks)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}

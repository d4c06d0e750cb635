/* test_request.c: Lua options into a request: URL params, merged headers
 * (the request's win, case-insensitively), bodies and their Content-Type,
 * timeouts, expect, labels and origins. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <lauxlib.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "molotov/request.h"

typedef struct {
    lua_State *L;
    mt_options opt;
    mt_scratch scratch;
    mt_reqstate st;
    char headers[512]; /* the header lines, '|' between them */
} fx;

static int build(lua_State *L)
{
    fx *f = lua_touserdata(L, 1);
    mt_reqctx c = {.o = lua_istable(L, 3) ? 3 : 0, .sh = lua_istable(L, 4) ? 4 : 0};
    c.scratch = &f->scratch;
    c.opt = &f->opt;
    mt_request_build(L, &c, "POST", lua_tostring(L, 2), &f->st);
    f->headers[0] = '\0';
    for (const char *line = mt_headers_each(f->st.req.headers, NULL); line;
         line = mt_headers_each(f->st.req.headers, line)) {
        if (f->headers[0]) strcat(f->headers, "|");
        strcat(f->headers, line);
    }
    mt_headers_free(f->st.req.headers);
    return 0;
}

/* Builds POST url with the options (and session headers) given as Lua
 * expressions; returns the error or NULL. */
static const char *run(fx *f, const char *url, const char *opts, const char *session_headers)
{
    lua_settop(f->L, 0);
    lua_pushcfunction(f->L, build);
    lua_pushlightuserdata(f->L, f);
    lua_pushstring(f->L, url);
    char chunk[512];
    snprintf(chunk, sizeof chunk, "return %s, %s", opts, session_headers);
    assert_int_equal(luaL_loadstring(f->L, chunk), LUA_OK);
    assert_int_equal(lua_pcall(f->L, 0, 2, 0), LUA_OK);
    return lua_pcall(f->L, 4, 0, 0) == LUA_OK ? NULL : lua_tostring(f->L, -1);
}

static int setup(void **state)
{
    fx *f = calloc(1, sizeof(*f));
    f->L = luaL_newstate();
    luaL_openlibs(f->L);
    mt_options_defaults(&f->opt);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    lua_close(f->L);
    mt_scratch_free(&f->scratch);
    free(f);
    return 0;
}

static void test_params_headers_and_json(void **state)
{
    fx *f = *state;
    assert_null(run(f, "http://Host:8080/p?a=1",
                    "{params = {q = 'x y'}, json = {1, 2}, headers = {accept = 'text/x'},"
                    " timeout = 2.5, expect = {200, 404}, name = 'n'}",
                    "{Accept = 'any', ['X-S'] = 's'}"));
    assert_string_equal(f->st.req.url, "http://Host:8080/p?a=1&q=x%20y");
    assert_string_equal(f->headers, "Content-Type: application/json|X-S: s|accept: text/x");
    assert_true(f->st.req.has_body);
    assert_memory_equal(f->st.req.body, "[1,2]", 5);
    assert_int_equal(f->st.req.timeout_ms, 2500);
    assert_int_equal(f->st.req.connect_timeout_ms, (long)(f->opt.connect_timeout * 1000));
    assert_int_equal(f->st.nexpect, 2);
    assert_false(mt_request_status_failed(&f->st, 404));
    assert_true(mt_request_status_failed(&f->st, 201));
    assert_string_equal(f->st.label, "n");
    assert_true(f->st.named);
    assert_string_equal(f->st.origin, "http://Host:8080");
    assert_true(f->st.follow);
    assert_int_equal(f->st.max_redirects, 10);
}

static void test_form_large_body_and_label(void **state)
{
    fx *f = *state;
    assert_null(
        run(f, "https://h/a/b?x=1#f", "{form = {k = 'v&w'}, follow_redirects = false}", "nil"));
    assert_memory_equal(f->st.req.body, "k=v%26w", 7);
    assert_string_equal(f->headers, "Content-Type: application/x-www-form-urlencoded");
    assert_string_equal(f->st.label, "POST /a/b");
    assert_false(f->st.named);
    assert_false(f->st.follow);
    assert_false(mt_request_status_failed(&f->st, 399)); /* no expect: >= 400 fails */
    assert_true(mt_request_status_failed(&f->st, 400));
    assert_null(
        run(f, "http://h/", "{body = string.rep('x', 1025), headers = {A = false}}", "nil"));
    assert_string_equal(f->headers, "Content-Type: text/plain; charset=utf-8|Expect:|A:");
}

static void test_errors(void **state)
{
    fx *f = *state;
    assert_string_equal(run(f, "http://h/", "{nope = 1}", "nil"), "unknown request option 'nope'");
    assert_string_equal(run(f, "http://h/", "{max_redirects = 1001}", "nil"),
                        "max_redirects must be a whole number from 0 to 1000");
    assert_string_equal(run(f, "http://h/", "{expect = {}}", "nil"),
                        "expect must list at least one status code");
    assert_string_equal(run(f, "http://h/", "{expect = 99}", "nil"),
                        "expect: status codes are integers from 100 to 599");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_params_headers_and_json, setup, teardown),
        cmocka_unit_test_setup_teardown(test_form_large_body_and_label, setup, teardown),
        cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

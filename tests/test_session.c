/* test_session.c: a session and molotov.request on a worker context of the
 * test's own (worker.h), with no runner: option errors raise before the
 * request goes out and leave no header list taken from the pool
 * (mt_headers_in_use), and a molotov.request slot that could not be made
 * is tried again (curl_easy_init interposed). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <curl/curl.h>
#include <dlfcn.h>
#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "worker_helpers.h"

/* ---- interposed libcurl calls ---- */

static bool easy_init_fails;

CURL *curl_easy_init(void)
{
    static CURL *(*real)(void);
    if (!real) *(void **)&real = dlsym(RTLD_NEXT, "curl_easy_init");
    return easy_init_fails ? NULL : real();
}

/* ---- a worker of the test's own ---- */

static int no_emit(lua_State *L, mt_worker *w, const char *event, lua_KFunction k, lua_KContext c)
{
    (void)L, (void)w, (void)event, (void)k, (void)c;
    fail_msg("no listener is registered");
    return 0;
}

static void no_wake(mt_worker *w)
{
    (void)w;
    fail_msg("no request goes out");
}

static int no_sleep(lua_State *L, mt_worker *w, double s)
{
    (void)L, (void)w, (void)s;
    fail_msg("nothing sleeps");
    return 0;
}

static const mt_worker_ops ops = {no_emit, no_wake, no_sleep};

static const char *SCRIPT =
    "molotov.scenario('x', 1, function(s) end)\n"
    "function errors(s, opts, n)\n" /* n calls, the distinct messages joined */
    "  local seen, out = {}, {}\n"
    "  for i = 1, n do\n"
    "    local ok, err = pcall(s.get, s, 'http://127.0.0.1:1/x', opts)\n"
    "    assert(not ok)\n"
    "    err = tostring(err):gsub('^.-:%d+: ', '')\n"
    "    if not seen[err] then seen[err] = true; out[#out + 1] = err end\n"
    "  end\n"
    "  return table.concat(out, '|')\n"
    "end\n"
    "function request(url, opts)\n"
    "  local ok, err = pcall(molotov.request, url, opts)\n"
    "  return (tostring(err):gsub('^.-:%d+: ', ''))\n"
    "end\n";

/* libcurl's easy handle made with the slot (--engine curl): the failures
 * below are its. */
static void curl_engine(mt_options *o)
{
    o->engine = "curl";
}

static int setup(void **state)
{
    wfx *f = wfx_new(SCRIPT, &ops, curl_engine);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    wfx_free(*state);
    return 0;
}

static void test_option_errors_leave_no_header_list(void **state)
{
    wfx *f = *state;
    static const struct {
        const char *opts, *err;
    } cases[] = {
        {"{headers = {A = 'b', C = 'd'}, timeout = -1}",
         "timeout must be a positive number of seconds"},
        {"{headers = {A = 'b', C = 'd'}, http_version = '3'}",
         "http_version must be \"1.1\" or \"2\""},
        {"{headers = {A = 'b', C = 'd'}, auth = 5}", "auth must be { user, password }"},
        {"{headers = {A = 'b', C = 'd'}, cookies = 5}", "table for cookies"},
        {"{headers = {A = 'b', C = 'd'}, name = {}}", "name must be a string, got table"},
        {"{headers = {A = 'b', B = 'x\\r\\ny', C = 'd'}}",
         "header 'B' contains a line break or a bad name"},
        {"{body = 'x', json = {}, headers = {A = 'b'}}",
         "give only one of body, json and form (or files, with form)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char args[256];
        snprintf(args, sizeof args, "%s, 50", cases[i].opts);
        const char *got = wfx_run(f, "errors", args, true);
        assert_non_null(strstr(got, cases[i].err));
        assert_null(strchr(got, '|'));            /* one message, 50 times */
        assert_int_equal(mt_headers_in_use(), 0); /* no header list left behind */
    }
    assert_int_equal(f->stats.requests, 0);
}

static void test_request_slot_made_again_after_a_failure(void **state)
{
    wfx *f = *state;
    easy_init_fails = true;
    const char *got = wfx_run(f, "request", "'http://127.0.0.1:1/x'", false);
    easy_init_fails = false;
    assert_string_equal(got, "libcurl could not create a handle");
    assert_null(f->w.exchange->slots[MT_SLOT_AUX]); /* nothing half made */
    got = wfx_run(f, "request", "'http://127.0.0.1:1/x', {timeout = -1}", false);
    assert_string_equal(got, "timeout must be a positive number of seconds");
    assert_non_null(f->w.exchange->slots[MT_SLOT_AUX]); /* made this time */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_option_errors_leave_no_header_list, setup, teardown),
        cmocka_unit_test_setup_teardown(test_request_slot_made_again_after_a_failure, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

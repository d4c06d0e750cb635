/* test_listeners.c: event listeners (src/listeners.c) as a run drives them
 * (runner_helpers.h: a runner and molotov-serve on one loop): the scenario
 * and request events in order, with their fields, every listener called
 * in registration order; a listener that raises is reported on stderr and
 * the others still run; a listener that sleeps holds its worker (the run
 * takes that long) and one that makes a request fires no event of its
 * own; a bare coroutine.yield() is reported and the listener resumed; a
 * failed run's exception. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <lauxlib.h>

#include "runner_helpers.h"

static const char *SCRIPT =
    "local T = os.getenv('TARGET')\n"
    "local FAIL = os.getenv('MT_TEST_FAIL')\n"
    "EV = {}\n"
    "local function bare(e) return (tostring(e):gsub('^.-:%d+: ', '')) end\n"
    "molotov.events(function(event, info)\n"
    "  if event == 'current_workers' then return end\n"
    "  local f = {event}\n"
    "  if info.scenario then f[#f + 1] = info.scenario.name .. '/' .. info.scenario.weight end\n"
    "  if info.wid then f[#f + 1] = 'w' .. info.wid end\n"
    "  if info.exception then f[#f + 1] = bare(info.exception) end\n"
    "  if info.request then\n"
    "    local q = info.request\n"
    "    f[#f + 1] = q.method .. ' ' .. q.url:sub(#T + 1) .. ' ' .. tostring(q.body) ..\n"
    "      ' X-A=' .. tostring(q.headers['X-A'])\n"
    "    f[#f + 1] = info.session and 'session' or 'no session'\n"
    "  end\n"
    "  if info.response then f[#f + 1] = tostring(info.response.status) end\n"
    "  EV[#EV + 1] = table.concat(f, ' ')\n"
    "end)\n"
    "molotov.events(function(event)\n"
    "  if event == 'scenario_start' then error('boom') end\n"
    "end)\n"
    "molotov.events(function(event, info)\n"
    "  if event == 'sending_request' then\n"
    "    molotov.sleep(0.2)\n"
    "    EV[#EV + 1] = 'slept'\n"
    "  elseif event == 'response_received' then\n"
    "    EV[#EV + 1] = 'own ' .. molotov.request(T .. '/json').status\n"
    "  end\n"
    "end)\n"
    "molotov.events(function(event)\n"
    "  if event == 'scenario_success' then\n"
    "    coroutine.yield()\n" /* reported, and resumed */
    "    EV[#EV + 1] = 'after a bare yield'\n"
    "  end\n"
    "end)\n"
    "molotov.scenario('one', 3, function(s)\n"
    "  if FAIL then error('nope') end\n"
    "  s:post(T .. '/echo', {body = 'hi', headers = {['X-A'] = 'b'}})\n"
    "end)\n";

/* Runs the script for one run of one worker, stderr in err. */
static fx *run_once(bool failing, char *err, size_t errlen)
{
    char path[] = "/tmp/mt-test-listeners-XXXXXX";
    int fd = mkstemp(path), saved = dup(2);
    dup2(fd, 2);
    if (failing) setenv("MT_TEST_FAIL", "1", 1);
    fx *f = start(SCRIPT, 1, 1, 60);
    unsetenv("MT_TEST_FAIL");
    uv_run(&f->loop, UV_RUN_DEFAULT);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    ssize_t n = pread(fd, err, errlen - 1, 0);
    err[n > 0 ? n : 0] = '\0';
    close(fd);
    unlink(path);
    assert_true(f->runner.finished);
    return f;
}

/* EV, joined with " | ". */
static const char *events(fx *f)
{
    lua_State *L = f->script->L;
    assert_int_equal(luaL_dostring(L, "return table.concat(EV, ' | ')"), LUA_OK);
    return lua_tostring(L, -1);
}

static void test_events_in_order_with_their_fields(void **state)
{
    (void)state;
    char err[2048];
    uint64_t t0 = uv_hrtime();
    fx *f = run_once(false, err, sizeof err);
    double took = (double)(uv_hrtime() - t0) / 1e9;
    assert_string_equal(events(f), "scenario_start one/3 w0"
                                   " | sending_request POST /echo hi X-A=b session"
                                   " | slept"
                                   " | response_received POST /echo hi X-A=b session 200"
                                   " | own 200"
                                   " | scenario_success one/3 w0"
                                   " | after a bare yield");
    assert_true(took >= 0.2); /* the worker waited for the sleeping listener */
    assert_int_equal(f->runner.stats.successes, 1);
    assert_int_equal(f->runner.stats.requests, 2); /* the listener's own, firing nothing */
    assert_int_equal(mt_serve_requests(f->srv), 2);
    /* the listener that raised, reported; the others went on */
    assert_non_null(strstr(err, "molotov: event listener failed on scenario_start: "));
    assert_non_null(strstr(err, ": boom\n"));
    assert_non_null(strstr(err, "molotov: event listener failed on scenario_success: "
                                "coroutine.yield() cannot suspend a listener\n"));
    assert_null(strstr(err, "failed on sending_request"));
    finish(f);
}

static void test_a_failed_run_tells_its_exception(void **state)
{
    (void)state;
    char err[2048];
    fx *f = run_once(true, err, sizeof err);
    assert_string_equal(events(f), "scenario_start one/3 w0 | scenario_failure one/3 w0 nope");
    assert_int_equal(f->runner.stats.failures, 1);
    assert_int_equal(f->runner.stats.requests, 0);
    finish(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_events_in_order_with_their_fields),
        cmocka_unit_test(test_a_failed_run_tells_its_exception),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

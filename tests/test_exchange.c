/* test_exchange.c: a request through the exchange (src/exchange.c) on a
 * worker context of the test's own (worker_helpers.h), against real servers
 * on loopback: its completion is recorded in the statistics before the
 * worker's continuation runs, a redirect chain records each hop on its own
 * row (none failed) and hands the script the history, and a transport
 * error is recorded with its kind and raised as "<kind>: <url>". */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "raw_server.h"
#include "worker_helpers.h"

static const char *SCRIPT =
    "molotov.scenario('x', 1, function(s) end)\n"
    "function get(s, url, opts)\n"
    "  AFTER = nil\n"
    "  local r = s:get(url, opts)\n"
    "  AFTER = r.status\n"
    "  local h = {}\n"
    "  for i, hop in ipairs(r.history or {}) do\n"
    "    h[i] = hop.status .. ' ' .. hop.url\n"
    "  end\n"
    "  return r.status .. ' ' .. r.body .. ' [' .. table.concat(h, ', ') .. ']'\n"
    "end\n";

/* What the worker's wake saw: requests recorded, and whether the script
 * had gone on past its request. */
static uint64_t recorded_at_wake[8];
static bool continued_at_wake[8];

static void wake(mt_worker *w)
{
    wfx *f = wfx_of(w);
    if (f->wakes < 8) {
        recorded_at_wake[f->wakes] = f->stats.requests;
        lua_getglobal(f->script->L, "AFTER");
        continued_at_wake[f->wakes] = !lua_isnil(f->script->L, -1);
        lua_pop(f->script->L, 1);
    }
    wfx_wake(w);
}

static const mt_worker_ops ops = {wfx_emit, wake, wfx_sleep};

typedef wfx_served fx;

static int setup(void **state)
{
    *state = wfx_served_new(SCRIPT, &ops);
    return 0;
}

static void test_completion_recorded_before_the_continuation(void **state)
{
    fx *x = *state;
    wfx *f = x->f;
    char args[128];
    snprintf(args, sizeof args, "'%s/json'", x->base);
    const char *got = wfx_run(f, "get", args, true);
    assert_string_equal(got, "200 {\"hello\":\"world\"} []");
    assert_int_equal(f->wakes, 1);
    assert_int_equal(recorded_at_wake[0], 1); /* recorded when the transport reported it */
    assert_false(continued_at_wake[0]);       /* and the script had not gone on yet */
    assert_int_equal(f->stats.requests, 1);
    assert_int_equal(f->stats.failed_requests, 0);
    const mt_req_stats *row = mt_stats_label_at(&f->stats, "GET /json", x->base);
    assert_non_null(row);
    assert_int_equal(row->count, 1);
    assert_int_equal(row->status[200], 1);
    assert_int_equal(row->failed, 0);
    assert_true(f->w.reached_network);
    assert_int_equal(mt_serve_requests(x->srv), 1);
}

/* /r/N answers a redirect to /r/N-1 (302, then 301, 307), /r/0 is "end". */
static void redirects(raw_server *s, const char *path, mt_buf *out)
{
    (void)s;
    static const int codes[] = {0, 302, 301, 307};
    int n = atoi(path + 3);
    if (strncmp(path, "/r/", 3) != 0 || n < 0 || n > 3) {
        raw_reply(out, 404, "", "no");
    } else if (n == 0) {
        raw_reply(out, 200, "", "end");
    } else {
        char loc[64];
        snprintf(loc, sizeof loc, "Location: /r/%d\r\n", n - 1);
        raw_reply(out, codes[n], loc, "");
    }
}

static void test_a_redirect_chain_records_each_hop(void **state)
{
    fx *x = *state;
    wfx *f = x->f;
    raw_server *rs = raw_start(redirects);
    char origin[64], args[128], want[512];
    snprintf(origin, sizeof origin, "http://127.0.0.1:%d", rs->port);
    snprintf(args, sizeof args, "'%s/r/3'", origin);
    const char *got = wfx_run(f, "get", args, true);
    snprintf(want, sizeof want, "200 end [307 %s/r/3, 301 %s/r/2, 302 %s/r/1]", origin, origin,
             origin);
    assert_string_equal(got, want);
    assert_int_equal(f->wakes, 4);
    for (int i = 0; i < 4; i++) {
        assert_int_equal(recorded_at_wake[i], i + 1); /* each hop before the next goes */
        assert_false(continued_at_wake[i]);
    }
    assert_int_equal(f->stats.requests, 4);
    assert_int_equal(f->stats.failed_requests, 0); /* a followed hop is no failure */
    static const int status[] = {200, 302, 301, 307};
    for (int i = 0; i < 4; i++) {
        char label[32];
        snprintf(label, sizeof label, "GET /r/%d", i);
        const mt_req_stats *row = mt_stats_label_at(&f->stats, label, origin);
        assert_non_null(row);
        assert_int_equal(row->count, 1);
        assert_int_equal(row->status[status[i]], 1);
        assert_int_equal(row->failed, 0);
    }
    assert_int_equal(rs->requests, 4);
    /* with max_redirects = 1: the second redirect raises, naming its hop; both are counted */
    snprintf(args, sizeof args, "'%s/r/3', {max_redirects = 1}", origin);
    snprintf(want, sizeof want, "too many redirects: %s/r/2 (more than 1)", origin);
    assert_string_equal(wfx_error(f, "get", args, true), want);
    assert_int_equal(f->stats.requests, 6);
    raw_stop(rs);
}

static void test_a_transport_error_is_recorded_with_its_kind(void **state)
{
    fx *x = *state;
    wfx *f = x->f;
    /* a port that was just free: nobody listens there */
    raw_server *rs = raw_start(redirects);
    int port = rs->port;
    raw_stop(rs);
    char origin[64], args[128], want[256];
    snprintf(origin, sizeof origin, "http://127.0.0.1:%d", port);
    snprintf(args, sizeof args, "'%s/gone'", origin);
    snprintf(want, sizeof want, "connection refused: %s/gone", origin);
    assert_string_equal(wfx_error(f, "get", args, true), want);
    assert_int_equal(recorded_at_wake[0], 1);
    assert_int_equal(f->stats.requests, 1);
    assert_int_equal(f->stats.failed_requests, 1);
    assert_int_equal(f->stats.fails.transport, 1);
    const mt_req_stats *row = mt_stats_label_at(&f->stats, "GET /gone", origin);
    assert_non_null(row);
    assert_int_equal(row->failed, 1);
    assert_int_equal(row->fails.transport, 1);
    assert_int_equal(row->nkinds, 1);
    assert_string_equal(row->kinds[0].kind, "connection refused");
    assert_int_equal(row->kinds[0].count, 1);
    assert_int_equal(row->status[0], 0);
    /* a timeout, against molotov-serve's slow route */
    snprintf(args, sizeof args, "'%s/delay/3000', {timeout = 0.2}", x->base);
    snprintf(want, sizeof want, "timeout: %s/delay/3000", x->base);
    assert_string_equal(wfx_error(f, "get", args, true), want);
    row = mt_stats_label_at(&f->stats, "GET /delay/3000", x->base);
    assert_non_null(row);
    assert_int_equal(row->nkinds, 1);
    assert_string_equal(row->kinds[0].kind, "timeout");
    assert_int_equal(f->stats.fails.transport, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_completion_recorded_before_the_continuation, setup,
                                        wfx_served_teardown),
        cmocka_unit_test_setup_teardown(test_a_redirect_chain_records_each_hop, setup,
                                        wfx_served_teardown),
        cmocka_unit_test_setup_teardown(test_a_transport_error_is_recorded_with_its_kind, setup,
                                        wfx_served_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

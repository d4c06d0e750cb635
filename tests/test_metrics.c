/* test_metrics.c: molotov.statsd (src/metrics.c) from a script on a worker
 * of the test's own (worker_helpers.h), with --statsd pointed at a UDP
 * socket of the test's: incr, gauge and timing as the datagrams that
 * arrive, bad names and values refused with nothing sent, and nothing sent
 * by a call made while the script loads (no run, no client yet). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <errno.h>
#include <sys/socket.h>

#include "worker_helpers.h"

static const char *SCRIPT = "molotov.scenario('x', 1, function(s) end)\n"
                            "molotov.statsd.incr('at_load')\n" /* no run yet: goes nowhere */
                            "local m = molotov.statsd\n"
                            "function send(fn, ...)\n" /* called by name: errors name it */
                            "  if fn == 'incr' then m.incr(...)\n"
                            "  elseif fn == 'gauge' then m.gauge(...)\n"
                            "  else m.timing(...) end\n"
                            "  return ''\n"
                            "end\n";

static char address[64];

static void with_statsd(mt_options *o)
{
    o->statsd = true;
    o->statsd_address = address;
}

typedef struct {
    wfx *f;
    int fd; /* the StatsD server's socket */
} fx;

static int setup(void **state)
{
    fx *x = calloc(1, sizeof *x);
    x->fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    assert_int_equal(bind(x->fd, (struct sockaddr *)&a, sizeof a), 0);
    socklen_t len = sizeof a;
    getsockname(x->fd, (struct sockaddr *)&a, &len);
    struct timeval tv = {.tv_sec = 2};
    setsockopt(x->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    snprintf(address, sizeof address, "udp://127.0.0.1:%d", ntohs(a.sin_port));
    x->f = wfx_new(SCRIPT, NULL, with_statsd);
    char err[256];
    assert_int_equal(mt_statsd_open(address, &x->f->host.statsd, err, sizeof err), MT_OK);
    *state = x;
    return 0;
}

static int teardown(void **state)
{
    fx *x = *state;
    mt_statsd_close(x->f->host.statsd);
    wfx_free(x->f);
    close(x->fd);
    free(x);
    return 0;
}

/* The next datagram (within 2 s), or "" when none came. */
static const char *next(fx *x, char *buf, size_t len)
{
    ssize_t n = recv(x->fd, buf, len - 1, 0);
    buf[n > 0 ? n : 0] = '\0';
    return buf;
}

static void test_the_datagrams(void **state)
{
    fx *x = *state;
    static const struct {
        const char *args, *want;
    } cases[] = {
        {"'incr', 'logins'", "logins:1|c"},          {"'incr', 'logins', 5", "logins:5|c"},
        {"'incr', 'a.b-c_d', -2", "a.b-c_d:-2|c"},   {"'gauge', 'queue', 42", "queue:42|g"},
        {"'gauge', 'ratio', 0.25", "ratio:0.250|g"}, {"'timing', 'step', 12.5", "step:12.500|ms"},
        {"'timing', 'step', '7'", "step:7|ms"}, /* a numeric string is a number */
    };
    char got[256];
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        wfx_run(x->f, "send", cases[i].args, false);
        assert_string_equal(next(x, got, sizeof got), cases[i].want); /* not "at_load" first */
    }
}

static void test_bad_names_and_values_send_nothing(void **state)
{
    fx *x = *state;
    static const struct {
        const char *args, *err;
    } cases[] = {
        {"'incr', 'a:b'", "bad argument #1 to 'incr' (a metric name without ':', '|' or line "
                          "breaks)"},
        {"'gauge', 'a|b', 1", "bad argument #1 to 'gauge' (a metric name without ':', '|' or "
                              "line breaks)"},
        {"'timing', 'a\\nb', 1", "bad argument #1 to 'timing' (a metric name without ':', '|' "
                                 "or line breaks)"},
        {"'incr', ''", "bad argument #1 to 'incr' (a metric name without ':', '|' or line "
                       "breaks)"},
        {"'incr'", "bad argument #1 to 'incr' (string expected, got no value)"},
        {"'gauge', 'g'", "bad argument #2 to 'gauge' (number expected, got no value)"},
        {"'timing', 't', 'soon'", "bad argument #2 to 'timing' (number expected, got string)"},
        {"'incr', 'n', {}", "bad argument #2 to 'incr' (number expected, got table)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const char *got = wfx_error(x->f, "send", cases[i].args, false);
        if (strcmp(got, cases[i].err) != 0)
            fail_msg("%s: '%s', not '%s'", cases[i].args, got, cases[i].err);
    }
    char buf[64];
    ssize_t n = recv(x->fd, buf, sizeof buf, MSG_DONTWAIT);
    assert_int_equal(n, -1); /* nothing arrived, not even at_load */
    assert_true(errno == EAGAIN || errno == EWOULDBLOCK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_the_datagrams, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_names_and_values_send_nothing, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

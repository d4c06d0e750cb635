/* test_serve_cli.c: molotov-serve's command line (tools/serve/cli.c): bad
 * options and values, --help, a busy port, --duration, and stopping on
 * SIGINT and SIGTERM; stdout and stderr captured through pipes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>

#include "serve_helpers.h"

/* ---- the subcommand ---- */

typedef struct {
    int fd, saved, read_end;
} capture;

static void capture_begin(capture *cap, int fd)
{
    int p[2];
    assert_int_equal(pipe(p), 0);
    fflush(fd == 1 ? stdout : stderr);
    cap->fd = fd;
    cap->saved = dup(fd);
    cap->read_end = p[0];
    dup2(p[1], fd);
    close(p[1]);
}

/* Restores the stream and returns what was written to it (caller frees). */
static char *capture_end(capture *cap)
{
    fflush(cap->fd == 1 ? stdout : stderr);
    dup2(cap->saved, cap->fd);
    close(cap->saved);
    mt_buf b;
    mt_buf_init(&b);
    char chunk[512];
    ssize_t k;
    while ((k = read(cap->read_end, chunk, sizeof chunk)) > 0) mt_buf_append(&b, chunk, (size_t)k);
    close(cap->read_end);
    mt_buf_appends(&b, "");
    return b.data;
}

static int run_main(int argc, const char **argv, char **out, char **err)
{
    capture co, ce;
    capture_begin(&co, 1);
    capture_begin(&ce, 2);
    int rc = mt_serve_main(argc, (char **)argv);
    *err = capture_end(&ce);
    *out = capture_end(&co);
    return rc;
}

static void expect_bad_option(const char **argv, int argc, const char *named)
{
    char *out, *err;
    assert_int_equal(run_main(argc, argv, &out, &err), 2);
    assert_string_equal(out, "");
    assert_non_null(strstr(err, named));
    assert_int_equal(strchr(err, '\n') - err + 1, strlen(err)); /* one line */
    free(out);
    free(err);
}

static void test_main_options(void **state)
{
    fixture *f = *state;
    const char *a1[] = {"serve", "--bogus"}, *a2[] = {"serve", "--port", "abc"};
    const char *a3[] = {"serve", "--port"}, *a4[] = {"serve", "--port=70000"};
    const char *a5[] = {"serve", "--duration", "0"}, *a6[] = {"serve", "extra"};
    expect_bad_option(a1, 2, "--bogus");
    expect_bad_option(a2, 3, "--port");
    expect_bad_option(a3, 2, "--port");
    expect_bad_option(a4, 2, "--port");
    expect_bad_option(a5, 3, "--duration");
    expect_bad_option(a6, 2, "extra");
    char *out, *err;
    const char *help[] = {"serve", "-h"};
    assert_int_equal(run_main(2, help, &out, &err), 0);
    assert_true(strncmp(out, "usage: molotov serve", 20) == 0);
    free(out);
    free(err);
    char port[16];
    snprintf(port, sizeof port, "%d", f->port);
    const char *busy[] = {"serve", "--port", port};
    assert_int_equal(run_main(3, busy, &out, &err), 1);
    assert_non_null(strstr(err, "cannot listen on 127.0.0.1:"));
    free(out);
    free(err);
    const char *timed[] = {"serve", "--port=0", "--duration=0.05"};
    assert_int_equal(run_main(3, timed, &out, &err), 0);
    int p = 0;
    assert_int_equal(sscanf(out, "molotov serve: listening on http://127.0.0.1:%d\n", &p), 1);
    assert_true(p > 0);
    assert_int_equal(strchr(out, '\n') - out + 1, strlen(out));
    free(out);
    free(err);
}

typedef struct {
    const char **argv;
    int argc, rc;
} main_call;

static void *main_thread(void *arg)
{
    main_call *m = arg;
    m->rc = mt_serve_main(m->argc, (char **)m->argv);
    return NULL;
}

/* Runs the subcommand until `signum`, talking to it in between. */
static void serve_until_signal(int signum)
{
    capture co;
    capture_begin(&co, 1);
    const char *argv[] = {"serve", "--host", "127.0.0.1", "--port", "0"};
    main_call m = {.argv = argv, .argc = 5, .rc = -1};
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, main_thread, &m), 0);
    char line[128];
    size_t n = 0;
    while (n < sizeof line - 1 && (n == 0 || line[n - 1] != '\n'))
        assert_true(read(co.read_end, line + n++, 1) == 1);
    line[n] = '\0';
    int port = 0;
    assert_int_equal(sscanf(line, "molotov serve: listening on http://127.0.0.1:%d\n", &port), 1);
    client *c = cl_open(port);
    reply r;
    reply_init(&r);
    exchange(c, GET("/"), &r);
    assert_reply(&r, 200, "text/plain", HELLO);
    kill(getpid(), signum);
    pthread_join(t, NULL);
    assert_int_equal(m.rc, 0);
    assert_closed(c);
    cl_close(c);
    mt_buf_free(&r.body);
    free(capture_end(&co));
}

static void test_main_stops_on_signals(void **state)
{
    (void)state;
    serve_until_signal(SIGTERM);
    serve_until_signal(SIGINT);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_main_options),
        T(test_main_stops_on_signals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

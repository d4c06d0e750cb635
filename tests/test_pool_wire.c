/* test_pool_wire.c: the pool's line protocol (src/pool_wire.c): whole lines
 * handed on in order, several in one read, a half line kept until its rest
 * arrives (byte by byte too), a line that is not JSON counted and skipped,
 * messages written as one line each, and the start handshake. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "molotov/pool_wire.h"

typedef struct {
    int n;
    char types[8][16];
} seen;

static void collect(void *data, cJSON *j)
{
    seen *s = data;
    if (s->n < 8) snprintf(s->types[s->n], 16, "%s", mt_wire_type_of(j));
    s->n++;
}

static void test_lines_counted_bad_ones_and_half_ones_kept(void **state)
{
    (void)state;
    mt_buf b;
    mt_buf_init(&b);
    const char *in = "{\"type\":\"stats\"}\nnot json\n{\"type\":\"done\"}\n{}\n{\"type\":\"fa";
    mt_buf_append(&b, in, strlen(in));
    seen s = {0};
    assert_int_equal(mt_wire_each_line(&b, collect, &s), 1); /* "not json" */
    assert_int_equal(s.n, 3);
    assert_string_equal(s.types[0], "stats");
    assert_string_equal(s.types[1], "done");
    assert_string_equal(s.types[2], ""); /* no type */
    assert_int_equal(b.len, strlen("{\"type\":\"fa"));
    assert_memory_equal(b.data, "{\"type\":\"fa", b.len);
    mt_buf_append(&b, "tal\"}\n", 6); /* the rest of it arrives */
    assert_int_equal(mt_wire_each_line(&b, collect, &s), 0);
    assert_int_equal(s.n, 4);
    assert_string_equal(s.types[3], "fatal");
    assert_int_equal(b.len, 0);
    mt_buf_free(&b);
}

/* A line that arrives one byte at a time is handed on once, when whole. */
static void test_a_line_byte_by_byte(void **state)
{
    (void)state;
    mt_buf b;
    mt_buf_init(&b);
    const char *line = "{\"type\":\"workers\",\"n\":3}\n";
    seen s = {0};
    for (size_t i = 0; line[i]; i++) {
        mt_buf_append(&b, line + i, 1);
        assert_int_equal(mt_wire_each_line(&b, collect, &s), 0);
        assert_int_equal(s.n, line[i + 1] ? 0 : 1);
        assert_int_equal(b.len, line[i + 1] ? i + 1 : 0);
    }
    assert_string_equal(s.types[0], "workers");
    mt_buf_free(&b);
}

/* Several lines in one read, in order; every bad one counted (an empty
 * line and a truncated object too), the good ones around them kept. */
static void test_several_lines_and_bad_ones_in_one_buffer(void **state)
{
    (void)state;
    mt_buf b;
    mt_buf_init(&b);
    const char *in = "{\"type\":\"a\"}\n\n{\"type\":\"b\"}\n{\"type\":\n[1,2]\n"
                     "{\"type\":\"c\"}\n{\"type\":7}\n";
    mt_buf_append(&b, in, strlen(in));
    seen s = {0};
    assert_int_equal(mt_wire_each_line(&b, collect, &s), 2); /* "" and {"type": */
    assert_int_equal(s.n, 5);
    const char *want[] = {"a", "b", "", "c", ""}; /* an array, a type that is no string */
    for (int i = 0; i < 5; i++) assert_string_equal(s.types[i], want[i]);
    assert_int_equal(b.len, 0);
    assert_int_equal(mt_wire_each_line(&b, collect, &s), 0); /* nothing left: nothing again */
    assert_int_equal(s.n, 5);
    mt_buf_free(&b);
}

/* Opens a pipe into fds and sends down it {"type": type, key: value}, then
 * {"type": then}. */
static void send_two(int fds[2], const char *type, const char *key, const char *value,
                     const char *then)
{
    assert_int_equal(pipe(fds), 0);
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "type", type);
    cJSON_AddStringToObject(j, key, value);
    assert_int_equal(mt_wire_send_json(fds[1], j), MT_OK);
    assert_int_equal(mt_wire_send_type(fds[1], then), MT_OK);
}

static void test_messages_are_one_line_each(void **state)
{
    (void)state;
    int fds[2];
    send_two(fds, "stats", "text", "two\nlines", "done");
    close(fds[1]);
    char got[256];
    ssize_t n = read(fds[0], got, sizeof got - 1);
    assert_true(n > 0);
    got[n] = '\0';
    assert_string_equal(got,
                        "{\"type\":\"stats\",\"text\":\"two\\nlines\"}\n{\"type\":\"done\"}\n");
    close(fds[0]);
    /* a pipe nobody reads: MT_EIO, not a crash */
    assert_int_equal(pipe(fds), 0);
    close(fds[0]);
    void (*old)(int) = signal(SIGPIPE, SIG_IGN);
    assert_int_equal(mt_wire_send_type(fds[1], "stop"), MT_EIO);
    signal(SIGPIPE, old);
    close(fds[1]);
}

static void test_send_and_wait_for_start(void **state)
{
    (void)state;
    int fds[2];
    send_two(fds, "start", "vars", "{\"a\":1}", "stop");
    cJSON *start = mt_wire_wait_for_start(fds[0]);
    assert_non_null(start);
    assert_string_equal(cJSON_GetObjectItem(start, "vars")->valuestring, "{\"a\":1}");
    cJSON_Delete(start);
    assert_null(mt_wire_wait_for_start(fds[0])); /* "stop" is no start */
    close(fds[1]);
    assert_null(mt_wire_wait_for_start(fds[0])); /* closed */
    close(fds[0]);
}

/* A start that is not JSON, or cut off by the pipe closing, is none. */
static void test_a_broken_start_is_none(void **state)
{
    (void)state;
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    assert_int_equal(write(fds[1], "start\n{\"type\":\"sta", 18), 18);
    close(fds[1]);
    assert_null(mt_wire_wait_for_start(fds[0])); /* not JSON */
    assert_null(mt_wire_wait_for_start(fds[0])); /* half a line, then the end */
    close(fds[0]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lines_counted_bad_ones_and_half_ones_kept),
        cmocka_unit_test(test_a_line_byte_by_byte),
        cmocka_unit_test(test_several_lines_and_bad_ones_in_one_buffer),
        cmocka_unit_test(test_messages_are_one_line_each),
        cmocka_unit_test(test_send_and_wait_for_start),
        cmocka_unit_test(test_a_broken_start_is_none),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_serve_parse.c: molotov-serve's request parsing (tools/serve/parse.c)
 * without a socket: the end of a head found across partial reads, empty lines
 * before a request, the byte errors (400) and the size limit (431), the
 * request line, and the headers the server acts on. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "serve/parse.h"

/* mt_serve_find_head over the whole of s, from a fresh state. */
static int find(const char *s, size_t *off)
{
    size_t scan = 0;
    *off = 0;
    return mt_serve_find_head(s, strlen(s), off, &scan);
}

static int parse(const char *s, mt_serve_req *q)
{
    return mt_serve_parse_head(s, strlen(s), q);
}

static void test_find_head(void **state)
{
    (void)state;
    size_t off;
    const char *get = "GET / HTTP/1.1\r\nHost: t\r\n\r\n";
    assert_int_equal(find(get, &off), (int)strlen(get));
    assert_int_equal(off, 0);
    assert_int_equal(find("\r\n\r\nGET / HTTP/1.1\r\n\r\nrest", &off), 18);
    assert_int_equal(off, 4); /* the empty lines before it are skipped */
    assert_int_equal(find("GET / HTTP/1.1\r\nHost: t\r\n", &off), 0);
    assert_int_equal(find("GET / HTTP/1.1\nHost: t\n\n", &off), -400);
    assert_int_equal(find("GET / HTTP/1.1\rX\r\n\r\n", &off), -400);
    assert_int_equal(find("GET /\x01 HTTP/1.1\r\n\r\n", &off), -400);
    const char *tab = "GET / HTTP/1.1\r\nA:\tb\r\n\r\n";
    assert_int_equal(find(tab, &off), (int)strlen(tab)); /* a tab is fine */
}

static void test_find_head_resumes(void **state)
{
    (void)state;
    const char *get = "GET / HTTP/1.1\r\nHost: t\r\n\r\n";
    size_t off = 0, scan = 0, n = strlen(get);
    for (size_t len = 0; len < n; len++)
        assert_int_equal(mt_serve_find_head(get, len, &off, &scan), 0);
    assert_true(scan > 0 && scan < n);
    assert_int_equal(mt_serve_find_head(get, n, &off, &scan), (int)n);
    assert_int_equal(off, 0);
}

static void test_find_head_size_limit(void **state)
{
    (void)state;
    char *big = malloc(MT_SERVE_HEAD_MAX + 1);
    memset(big, 'a', MT_SERVE_HEAD_MAX);
    big[MT_SERVE_HEAD_MAX] = '\0';
    size_t off;
    assert_int_equal(find(big, &off), -431);
    big[MT_SERVE_HEAD_MAX - 1] = '\0';
    assert_int_equal(find(big, &off), 0); /* one byte short: more may come */
    free(big);
}

static void test_request_line(void **state)
{
    (void)state;
    mt_serve_req q;
    assert_int_equal(parse("POST /a?b=c HTTP/1.0\r\n\r\n", &q), 0);
    assert_int_equal(q.method_len, 4);
    assert_memory_equal(q.method, "POST", 4);
    assert_int_equal(q.target_len, 6);
    assert_memory_equal(q.target, "/a?b=c", 6);
    assert_true(q.http10);
    assert_int_equal(parse("GET / HTTP/1.1\r\n\r\n", &q), 0);
    assert_false(q.http10);
    assert_int_equal(parse("GET / HTTP/2.0\r\n\r\n", &q), -400);
    assert_int_equal(parse("GET / HTTP/1.1 \r\n\r\n", &q), -400);
    assert_int_equal(parse("GET  / HTTP/1.1\r\n\r\n", &q), -400);
    assert_int_equal(parse("G(T / HTTP/1.1\r\n\r\n", &q), -400);
    assert_int_equal(parse("GET\r\n\r\n", &q), -400);
}

static void test_headers(void **state)
{
    (void)state;
    mt_serve_req q;
    assert_int_equal(parse("PUT /x HTTP/1.1\r\ncontent-LENGTH:  12 \r\n"
                           "Connection: Keep-Alive ,close\r\nExpect: 100-continue\r\n\r\n",
                           &q),
                     0);
    assert_true(q.has_length);
    assert_int_equal(q.content_length, 12);
    assert_true(q.keep_alive);
    assert_true(q.conn_close);
    assert_true(q.expect_continue);
    assert_int_equal(parse("GET / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\n", &q),
                     0);
    assert_int_equal(parse("GET / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n", &q),
                     -400);
    assert_int_equal(parse("GET / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", &q), -400);
    assert_int_equal(parse("GET / HTTP/1.1\r\nNo colon\r\n\r\n", &q), -400);
    assert_int_equal(parse("GET / HTTP/1.1\r\nBad name: v\r\n\r\n", &q), -400);
    assert_int_equal(parse("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", &q), -411);
}

static void test_helpers(void **state)
{
    (void)state;
    uint64_t v = 0;
    assert_true(mt_serve_parse_u64("123456789012345678", 18, &v));
    assert_int_equal(v, 123456789012345678ull);
    assert_false(mt_serve_parse_u64("1234567890123456789", 19, &v));
    assert_false(mt_serve_parse_u64("", 0, &v));
    assert_false(mt_serve_parse_u64("1x", 2, &v));
    assert_true(mt_serve_eq("GET", 3, "GET"));
    assert_false(mt_serve_eq("get", 3, "GET"));
    assert_false(mt_serve_eq("GETS", 3, "GETS"));
    assert_true(mt_serve_ieq("CLOSE", 5, "close"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_find_head),
        cmocka_unit_test(test_find_head_resumes),
        cmocka_unit_test(test_find_head_size_limit),
        cmocka_unit_test(test_request_line),
        cmocka_unit_test(test_headers),
        cmocka_unit_test(test_helpers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

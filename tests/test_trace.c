/* test_trace.c: -vv's lines (src/trace.c), read back from stderr (sent to
 * a temporary file for each call): a header block line by line with its
 * prefix, blank lines left out, secret headers masked; a body's byte count,
 * its first 512 bytes with NULs shown as '.', "..." when shortened, secrets
 * in it masked. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "molotov/trace.h"

/* What stderr got while f ran with (prefix, p, n); a new string. */
static char *captured(void (*f)(char, const char *, size_t), char prefix, const char *p, size_t n)
{
    FILE *tmp = tmpfile();
    assert_non_null(tmp);
    fflush(stderr);
    int saved = dup(STDERR_FILENO);
    assert_true(saved >= 0);
    assert_true(dup2(fileno(tmp), STDERR_FILENO) >= 0);
    f(prefix, p, n);
    fflush(stderr);
    assert_true(dup2(saved, STDERR_FILENO) >= 0);
    close(saved);
    long len = ftell(tmp);
    if (len < 0) len = lseek(fileno(tmp), 0, SEEK_END);
    assert_true(len >= 0);
    char *out = calloc(1, (size_t)len + 1);
    rewind(tmp);
    assert_int_equal(fread(out, 1, (size_t)len, tmp), (size_t)len);
    fclose(tmp);
    return out;
}

static void expect_trace(void (*f)(char, const char *, size_t), char prefix, const char *p,
                         size_t n, const char *want)
{
    char *got = captured(f, prefix, p, n);
    assert_string_equal(got, want);
    free(got);
}

static void test_request_headers_masked(void **state)
{
    (void)state;
    static const char head[] = "GET /x HTTP/1.1\r\nHost: h:81\r\n"
                               "Authorization: Basic dXNlcjpwYXNz\r\n"
                               "Proxy-Authorization: Basic eDp5\r\n"
                               "Accept: */*\r\nCookie: sid=s3cret; b=2\r\n"
                               "X-Cookie-Jar: shown\r\n\r\n";
    expect_trace(mt_trace_headers, '>', head, sizeof head - 1,
                 "> GET /x HTTP/1.1\n> Host: h:81\n> Authorization: ***\n"
                 "> Proxy-Authorization: ***\n> Accept: */*\n> Cookie: ***\n"
                 "> X-Cookie-Jar: shown\n");
}

static void test_answer_headers(void **state)
{
    (void)state;
    /* bare \n line ends, a last line without one, a set-cookie in lower case */
    static const char head[] = "HTTP/1.1 200 OK\nset-cookie: a=b; Path=/\r\n"
                               "Content-Length: 3\r\n\r\nX-Tail: t";
    expect_trace(mt_trace_headers, '<', head, sizeof head - 1,
                 "< HTTP/1.1 200 OK\n< set-cookie: ***\n< Content-Length: 3\n< X-Tail: t\n");
    /* only n bytes are read: the block stops inside its second line */
    expect_trace(mt_trace_headers, '<', head, 20, "< HTTP/1.1 200 OK\n< set-\n");
    expect_trace(mt_trace_headers, '<', "", 0, "");
    expect_trace(mt_trace_headers, '<', "\r\n\r\n", 4, "");
}

static void test_body_shortened_nuls_shown(void **state)
{
    (void)state;
    static const char bin[] = "ab\0cd\0";
    expect_trace(mt_trace_body, '<', bin, sizeof bin - 1, "< [6 bytes] ab.cd.\n");
    expect_trace(mt_trace_body, '>', "{\"k\":1}", 7, "> [7 bytes] {\"k\":1}\n");
    char big[2000];
    memset(big, 'x', sizeof big);
    big[0] = '\0';
    char want[600];
    snprintf(want, sizeof want, "< [2000 bytes] .%.*s...\n", 511, big + 1);
    expect_trace(mt_trace_body, '<', big, sizeof big, want);
    /* exactly 512: not shortened */
    snprintf(want, sizeof want, "< [512 bytes] .%.*s\n", 511, big + 1);
    expect_trace(mt_trace_body, '<', big, 512, want);
}

static void test_body_secrets_masked(void **state)
{
    (void)state;
    static const char body[] = "{\"token\": \"Bearer abc.def\", \"cookie\": \"sid=1\", \"n\": 2}";
    char *got = captured(mt_trace_body, '>', body, sizeof body - 1);
    assert_non_null(strstr(got, "> [54 bytes] "));
    assert_null(strstr(got, "abc.def"));
    assert_null(strstr(got, "sid=1"));
    assert_non_null(strstr(got, "Bearer ***"));
    assert_non_null(strstr(got, "\"n\": 2}\n"));
    free(got);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_request_headers_masked),
        cmocka_unit_test(test_answer_headers),
        cmocka_unit_test(test_body_shortened_nuls_shown),
        cmocka_unit_test(test_body_secrets_masked),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_url.c: percent-encoding, and a URL's host and path (test_http.c
 * checks origins with the redirect rules). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "molotov/url.h"

static void expect_urlencode(const char *in, size_t n, const char *want)
{
    mt_buf b;
    mt_buf_init(&b);
    mt_url_encode(&b, in, n);
    if (!*want && !b.data) return; /* nothing appended: nothing allocated */
    if (!b.data || strcmp(b.data, want) != 0)
        fail_msg("urlencode gave '%s', expected '%s'", b.data ? b.data : "(null)", want);
    assert_int_equal(b.len, strlen(want));
    mt_buf_free(&b);
}

static void test_urlencode(void **state)
{
    (void)state;
    const char *unreserved = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~";
    expect_urlencode(unreserved, strlen(unreserved), unreserved);
    expect_urlencode("a b", 3, "a%20b");
    expect_urlencode(" ", 1, "%20");
    expect_urlencode("a+b=c&d/e?f#g%h", 15, "a%2Bb%3Dc%26d%2Fe%3Ff%23g%25h");
    expect_urlencode("!*'();:@$,[]", 12, "%21%2A%27%28%29%3B%3A%40%24%2C%5B%5D");
    expect_urlencode("caf\xc3\xa9", 5, "caf%C3%A9");
    expect_urlencode("\xf0\x9f\x98\x80", 4, "%F0%9F%98%80");
    expect_urlencode("\x01\x7f\x80\xff\n", 5, "%01%7F%80%FF%0A");
    /* n bytes exactly: an embedded NUL is data, what follows n is not */
    expect_urlencode("a\0b", 3, "a%00b");
    expect_urlencode("abcdef", 2, "ab");
    expect_urlencode("", 0, "");

    /* appends to what is already there */
    mt_buf b;
    mt_buf_init(&b);
    mt_buf_appends(&b, "q=");
    mt_url_encode(&b, "x y", 3);
    mt_buf_appends(&b, "&r=");
    mt_url_encode(&b, "1/2", 3);
    assert_string_equal(b.data, "q=x%20y&r=1%2F2");
    mt_buf_free(&b);
}

static void test_url_host_and_path(void **state)
{
    (void)state;
    char out[16];
    mt_url_host("http://u:p@127.0.0.1:8080/a?b", out, sizeof(out));
    assert_string_equal(out, "127.0.0.1");
    mt_url_host("https://[::1]:443/", out, sizeof(out));
    assert_string_equal(out, "::1");
    mt_url_host("http://a-very-long-host-name.example/", out, sizeof(out));
    assert_string_equal(out, "a-very-long-hos"); /* cut to fit */
    mt_url_path("http://h:1/a/b?q=1#f", out, sizeof(out));
    assert_string_equal(out, "/a/b");
    mt_url_path("http://h:1?q", out, sizeof(out));
    assert_string_equal(out, "/");
    mt_url_path("http://h/0123456789abcdefghij", out, sizeof(out));
    assert_string_equal(out, "/0123456789abcd");
}

/* A userinfo is found before the host only, and left out of the public form. */
static void test_userinfo(void **state)
{
    (void)state;
    assert_true(mt_url_has_userinfo("http://u:p@h/x"));
    assert_true(mt_url_has_userinfo("https://u@h:8/"));
    assert_false(mt_url_has_userinfo("http://h/x@y"));
    assert_false(mt_url_has_userinfo("http://h:80/?a=b@c"));
    mt_buf b;
    mt_buf_init(&b);
    mt_url_append_public(&b, "http://u:p@h:8/x?y=@");
    assert_string_equal(b.data, "http://h:8/x?y=@");
    mt_buf_reset(&b);
    mt_url_append_public(&b, "http://h/x@y");
    assert_string_equal(b.data, "http://h/x@y");
    mt_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_urlencode),
        cmocka_unit_test(test_url_host_and_path),
        cmocka_unit_test(test_userinfo),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

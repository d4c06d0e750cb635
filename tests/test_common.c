/* test_common.c: mt_buf growth and formatting, error names, the clock. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "molotov/common.h"

static void test_buf_grows_and_terminates(void **state)
{
    (void)state;
    mt_buf b;
    mt_buf_init(&b);
    for (int i = 0; i < 1000; i++) mt_buf_appends(&b, "abc");
    assert_int_equal(b.len, 3000);
    assert_int_equal(b.data[3000], '\0');
    assert_memory_equal(b.data + 2997, "abc", 3);
    mt_buf_reset(&b);
    assert_int_equal(b.len, 0);
    assert_string_equal(b.data, "");
    mt_buf_printf(&b, "%d-%s", 42, "x");
    assert_string_equal(b.data, "42-x");
    mt_buf_free(&b);
    assert_null(b.data);
}

static void test_strlcpyn_cuts_and_terminates(void **state)
{
    (void)state;
    char out[4];
    assert_int_equal(mt_strlcpyn(out, sizeof(out), "ab", 2), 2);
    assert_string_equal(out, "ab");
    assert_int_equal(mt_strlcpyn(out, sizeof(out), "abcdef", 6), 3);
    assert_string_equal(out, "abc");
    assert_int_equal(mt_strlcpyn(out, sizeof(out), "xyz", 0), 0);
    assert_string_equal(out, "");
}

static void test_strerror_names_codes(void **state)
{
    (void)state;
    assert_string_equal(mt_strerror(MT_EINVAL), "invalid argument");
    assert_string_equal(mt_strerror(MT_ENOENT), "no such file");
    assert_string_equal(mt_strerror(MT_EPROTO), "protocol error");
    assert_string_equal(mt_strerror(-999), "unknown error");
}

static void test_clock_is_monotonic(void **state)
{
    (void)state;
    uint64_t a = mt_now_ns(), b = mt_now_ns();
    assert_true(b >= a);
    assert_true(mt_now_s() > 0);
}

/* base64 appended after what the buffer holds, padded, NUL-terminated. */
static void test_buf_base64(void **state)
{
    (void)state;
    mt_buf b;
    mt_buf_init(&b);
    mt_buf_append_base64(&b, "", 0);
    assert_string_equal(b.data, "");
    mt_buf_appends(&b, "Basic ");
    mt_buf_append_base64(&b, "u:p", 3);
    assert_string_equal(b.data, "Basic dTpw");
    mt_buf_append_base64(&b, "user:pw", 7);
    assert_string_equal(b.data, "Basic dTpwdXNlcjpwdw==");
    assert_int_equal(b.len, strlen(b.data));
    mt_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_buf_grows_and_terminates),
        cmocka_unit_test(test_buf_base64),
        cmocka_unit_test(test_strerror_names_codes),
        cmocka_unit_test(test_strlcpyn_cuts_and_terminates),
        cmocka_unit_test(test_clock_is_monotonic),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

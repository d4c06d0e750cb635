/* test_fmt.c: figures for a person to read: durations in the unit that
 * suits them (with the rounding at each boundary), counts with thousands
 * separators, elapsed seconds, byte sizes, labels shortened in the middle
 * to an exact width. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "molotov/fmt.h"

static const char *us(uint64_t v)
{
    static char buf[32];
    mt_fmt_us(v, buf, sizeof buf);
    return buf;
}

static void test_durations_in_their_unit(void **state)
{
    (void)state;
    assert_string_equal(us(0), "0us");
    assert_string_equal(us(850), "850us");
    assert_string_equal(us(999), "999us");
    assert_string_equal(us(1000), "1.0ms");
    assert_string_equal(us(2149), "2.1ms");
    assert_string_equal(us(999949), "999.9ms");
    assert_string_equal(us(1000000), "1.00s");
    assert_string_equal(us(1254000), "1.25s");
    assert_string_equal(us(3600000000ull), "3600.00s");
    char small[4];
    mt_fmt_us(123456, small, sizeof small); /* cut, never past the buffer */
    assert_string_equal(small, "123");
}

static void test_labels_shortened_in_the_middle(void **state)
{
    (void)state;
    char out[64];
    mt_fmt_shorten("GET /short", 24, out, sizeof out);
    assert_string_equal(out, "GET /short");
    mt_fmt_shorten("GET /a/very/long/path/with/many/parts", 24, out, sizeof out);
    assert_int_equal(strlen(out), 24);
    assert_string_equal(out, "GET /a/very...many/parts");
    mt_fmt_shorten("abcdefghij", 9, out, sizeof out); /* odd room: the head gets the extra */
    assert_string_equal(out, "abc...hij");
    mt_fmt_shorten("abcdefghij", 8, out, sizeof out);
    assert_string_equal(out, "abc...ij");
    mt_fmt_shorten("abcdefghij", 4, out, sizeof out); /* too narrow to cut: kept whole */
    assert_string_equal(out, "abcdefghij");
    mt_fmt_shorten("abcdefghij", 24, out, 5); /* the buffer bounds it */
    assert_string_equal(out, "abcd");
}

static void test_counts_numbers_seconds_and_bytes(void **state)
{
    (void)state;
    char b[48];
    mt_fmt_count(0, b, sizeof b);
    assert_string_equal(b, "0");
    mt_fmt_count(999, b, sizeof b);
    assert_string_equal(b, "999");
    mt_fmt_count(1000, b, sizeof b);
    assert_string_equal(b, "1,000");
    mt_fmt_count(12345678, b, sizeof b);
    assert_string_equal(b, "12,345,678");
    mt_fmt_count(UINT64_MAX, b, sizeof b);
    assert_string_equal(b, "18,446,744,073,709,551,615");
    mt_fmt_num(1909.04, 1, b, sizeof b);
    assert_string_equal(b, "1,909.0");
    mt_fmt_num(999.96, 1, b, sizeof b); /* the rounding carries into the thousands */
    assert_string_equal(b, "1,000.0");
    mt_fmt_num(2027.4, 0, b, sizeof b);
    assert_string_equal(b, "2,027");
    mt_fmt_num(-1, 1, b, sizeof b);
    assert_string_equal(b, "0.0");
    mt_fmt_secs(0, b, sizeof b);
    assert_string_equal(b, "0.0s");
    mt_fmt_secs(12.34, b, sizeof b);
    assert_string_equal(b, "12.3s");
    mt_fmt_secs(59.96, b, sizeof b);
    assert_string_equal(b, "1m00s");
    mt_fmt_secs(65, b, sizeof b);
    assert_string_equal(b, "1m05s");
    mt_fmt_secs(7380, b, sizeof b);
    assert_string_equal(b, "2h03m");
    mt_fmt_bytes(512, b, sizeof b);
    assert_string_equal(b, "512 B");
    mt_fmt_bytes(1536, b, sizeof b);
    assert_string_equal(b, "1.5 KiB");
    mt_fmt_bytes(12u * 1024 * 1024, b, sizeof b);
    assert_string_equal(b, "12.0 MiB");
    mt_fmt_bytes(4294967296ull, b, sizeof b);
    assert_string_equal(b, "4.0 GiB");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_durations_in_their_unit),
        cmocka_unit_test(test_labels_shortened_in_the_middle),
        cmocka_unit_test(test_counts_numbers_seconds_and_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

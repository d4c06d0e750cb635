/* test_mask.c: secrets kept out of what molotov prints and writes
 * (src/mask.c): printing masked text, naming secret headers, and the
 * password of a URL's userinfo. (Masking inside failure messages is
 * test_stats.c's, where messages are counted.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "molotov/mask.h"

static void test_print_masked(void **state)
{
    (void)state;
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    mt_print_masked(f, "Cookie: sid=xyz\nplain", "|");
    mt_print_masked(f, "nothing", "\n");
    fclose(f);
    assert_string_equal(text, "Cookie: ***\nplain|nothing\n");
    free(text);
}

static void test_secret_headers(void **state)
{
    (void)state;
    assert_true(mt_is_secret_header("Authorization: Bearer x", 23));
    assert_true(mt_is_secret_header("proxy-authorization:x", 21));
    assert_true(mt_is_secret_header("SET-COOKIE: a=b", 15));
    assert_true(mt_is_secret_header("Cookie:", 7));
    assert_false(mt_is_secret_header("Cookie", 6));               /* no colon */
    assert_false(mt_is_secret_header("Cookie: a", 6));            /* past n */
    assert_false(mt_is_secret_header("X-Authorization: a", 18));  /* another name */
    assert_false(mt_is_secret_header("Authorization-Id: 1", 19)); /* a longer name */
}

static void test_mask_url(void **state)
{
    (void)state;
    char *m = mt_mask_url("http://user:s3cr3t@proxy:3128/x?a=b@c");
    assert_string_equal(m, "http://user:***@proxy:3128/x?a=b@c");
    free(m);
    m = mt_mask_url("https://a:b:c@h/");
    assert_string_equal(m, "https://a:***@h/");
    free(m);
    assert_null(mt_mask_url("http://user@host/")); /* no password */
    assert_null(mt_mask_url("http://host/a:b@c")); /* '@' past the authority */
    assert_null(mt_mask_url("not a url"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_print_masked),
        cmocka_unit_test(test_secret_headers),
        cmocka_unit_test(test_mask_url),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

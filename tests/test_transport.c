/* test_transport.c: the response buffer pool every transport shares. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "molotov/transport.h"

static void test_respbuf_pool_reuse(void **state)
{
    (void)state;
    mt_respbuf_drain_pool();
    mt_respbuf *r = mt_respbuf_get();
    assert_non_null(r);
    assert_int_equal(r->body.len, 0);
    assert_int_equal(r->headers.len, 0);
    assert_int_equal(r->url.len, 0);
    mt_buf_appends(&r->body, "{\"a\":1}");
    mt_buf_appends(&r->headers, "HTTP/1.1 200 OK\r\n");
    mt_buf_appends(&r->url, "http://x/");
    char *body_mem = r->body.data;
    mt_respbuf_put(r);

    mt_respbuf *again = mt_respbuf_get();
    assert_ptr_equal(again, r);
    /* reset to empty, memory kept */
    assert_int_equal(again->body.len, 0);
    assert_int_equal(again->headers.len, 0);
    assert_int_equal(again->url.len, 0);
    assert_ptr_equal(again->body.data, body_mem);
    assert_string_equal(again->body.data, "");
    assert_string_equal(again->headers.data, "");
    assert_string_equal(again->url.data, "");

    /* last in, first out; a new one when the pool is empty */
    mt_respbuf *other = mt_respbuf_get();
    assert_ptr_not_equal(other, again);
    mt_respbuf_put(again);
    mt_respbuf_put(other);
    assert_ptr_equal(mt_respbuf_get(), other);
    assert_ptr_equal(mt_respbuf_get(), again);

    mt_respbuf_put(NULL); /* ignored */
    mt_respbuf *fresh = mt_respbuf_get();
    assert_ptr_not_equal(fresh, again);
    assert_ptr_not_equal(fresh, other);
    mt_respbuf_put(fresh);
    mt_respbuf_put(other);
    mt_respbuf_put(again);
    mt_respbuf_drain_pool();
}

static void test_respbuf_big_body_freed(void **state)
{
    (void)state;
    mt_respbuf_drain_pool();
    mt_respbuf *r = mt_respbuf_get();
    static char chunk[64 * 1024];
    memset(chunk, 'x', sizeof(chunk));
    for (int i = 0; i < 32; i++) mt_buf_append(&r->body, chunk, sizeof(chunk)); /* 2 MiB */
    mt_buf_appends(&r->headers, "HTTP/1.1 200 OK\r\n");
    assert_true(r->body.cap > (1u << 20));
    mt_respbuf_put(r);

    mt_respbuf *again = mt_respbuf_get();
    assert_ptr_equal(again, r);
    assert_null(again->body.data); /* the big body went back to the system */
    assert_int_equal(again->body.cap, 0);
    assert_int_equal(again->body.len, 0);
    assert_non_null(again->headers.data); /* small buffers stay */
    assert_int_equal(again->headers.len, 0);

    /* a body under the limit is kept */
    mt_buf_append(&again->body, chunk, sizeof(chunk));
    char *mem = again->body.data;
    mt_respbuf_put(again);
    r = mt_respbuf_get();
    assert_ptr_equal(r->body.data, mem);
    assert_int_equal(r->body.len, 0);
    mt_respbuf_put(r);
    mt_respbuf_drain_pool();
}

/* Header lists: lines in order, "name:" pairs, walked to the end; a list
 * given back is the next one taken (no allocation), and in_use counts. */
static void test_header_lists_pooled(void **state)
{
    (void)state;
    assert_null(mt_headers_each(NULL, NULL));
    mt_headers *l = NULL;
    mt_headers_add(&l, "A: 1");
    mt_headers_add_pair(&l, "Accept", NULL);
    mt_headers_add_pair(&l, "B", "two words");
    mt_headers_addn(&l, "C: 3xyz", 4);
    assert_int_equal(mt_headers_in_use(), 1);
    const char *want[] = {"A: 1", "Accept:", "B: two words", "C: 3"}, *s = NULL;
    for (int i = 0; i < 4; i++) {
        s = mt_headers_each(l, s);
        assert_non_null(s);
        assert_string_equal(s, want[i]);
    }
    assert_null(mt_headers_each(l, s));
    mt_headers *first = l;
    mt_headers_free(l);
    assert_int_equal(mt_headers_in_use(), 0);
    mt_headers *again = NULL;
    mt_headers_add(&again, "D: 4");
    assert_ptr_equal(again, first); /* from the pool */
    assert_string_equal(mt_headers_each(again, NULL), "D: 4");
    assert_null(mt_headers_each(again, mt_headers_each(again, NULL)));
    mt_headers_free(again);
    mt_headers_free(NULL);
    mt_respbuf_drain_pool();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_respbuf_pool_reuse),
        cmocka_unit_test(test_respbuf_big_body_freed),
        cmocka_unit_test(test_header_lists_pooled),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

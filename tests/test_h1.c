/* test_h1.c: the HTTP/1.x response reader (src/h1.c). Every answer is fed
 * whole, byte by byte and in random splits, and must read the same each
 * way: bodies by length, chunks (extensions, trailers) and the close;
 * answers without bodies; 1xx skipped; gzip and deflate decoded; bounded
 * bodies; what is refused; header lookup; no malloc once warmed up. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "molotov/h1.h"

/* ---- counting allocations (glibc, not under a sanitizer's allocator) ---- */
#if defined(__GLIBC__) && !defined(__SANITIZE_ADDRESS__) && !defined(__clang__)
#define COUNT_MALLOC 1
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void __libc_free(void *);
static long allocs;
void *malloc(size_t n)
{
    allocs++;
    return __libc_malloc(n);
}
void *calloc(size_t n, size_t s)
{
    allocs++;
    return __libc_calloc(n, s);
}
void *realloc(void *p, size_t n)
{
    allocs++;
    return __libc_realloc(p, n);
}
void free(void *p)
{
    __libc_free(p);
}
#endif

typedef struct {
    long rc; /* bytes used, or MT_EPROTO */
    int eof; /* mt_h1_eof's result when the bytes did not end the answer, else 1 */
    long status;
    bool keep_alive;
    char error[64];
    mt_respbuf r;
} result;

enum { WHOLE, BYTES, RANDOM };

static void free_result(result *x)
{
    mt_buf_free(&x->r.body);
    mt_buf_free(&x->r.headers);
}

/* Feeds text (n bytes) in the given way, then the close if it is not done. */
static void feed_as(mt_h1 *p, const char *text, size_t n, int how, size_t max_body, bool head,
                    result *x)
{
    memset(x, 0, sizeof *x);
    mt_h1_start(p, &x->r, max_body, head, true);
    size_t off = 0;
    long rc = 0;
    while (off < n && !mt_h1_done(p)) {
        size_t k = how == WHOLE ? n - off : how == BYTES ? 1 : 1 + (size_t)rand() % 23;
        if (k > n - off) k = n - off;
        rc = mt_h1_feed(p, text + off, k);
        if (rc < 0) break;
        assert_true((size_t)rc <= k);
        if ((size_t)rc < k) assert_true(mt_h1_done(p));
        off += (size_t)rc;
    }
    x->rc = rc < 0 ? rc : (long)off;
    x->eof = rc >= 0 && !mt_h1_done(p) ? mt_h1_eof(p) : 1;
    x->status = mt_h1_status(p);
    x->keep_alive = mt_h1_keep_alive(p);
    snprintf(x->error, sizeof x->error, "%s", mt_h1_error(p));
}

/* Reads text the three ways; they must agree; *out gets the whole read. */
static void read_all(const char *text, size_t n, size_t max_body, bool head, result *out)
{
    mt_h1 p;
    mt_h1_init(&p);
    feed_as(&p, text, n, WHOLE, max_body, head, out);
    for (int how = BYTES; how <= RANDOM; how++) {
        result y;
        feed_as(&p, text, n, how, max_body, head, &y);
        assert_int_equal(y.rc, out->rc);
        assert_int_equal(y.eof, out->eof);
        assert_int_equal(y.status, out->status);
        assert_int_equal(y.keep_alive, out->keep_alive);
        assert_string_equal(y.error, out->error);
        if (y.rc < 0) { /* how far it got before the fault depends on the splits */
            free_result(&y);
            continue;
        }
        assert_int_equal(y.r.body.len, out->r.body.len);
        if (y.r.body.len) assert_memory_equal(y.r.body.data, out->r.body.data, y.r.body.len);
        assert_int_equal(y.r.headers.len, out->r.headers.len);
        if (y.r.headers.len)
            assert_memory_equal(y.r.headers.data, out->r.headers.data, y.r.headers.len);
        assert_int_equal(y.r.dropped, out->r.dropped);
        assert_int_equal(y.r.wire, out->r.wire);
        free_result(&y);
    }
    mt_h1_free(&p);
}

static void read_text(const char *text, result *out)
{
    read_all(text, strlen(text), 1 << 20, false, out);
}

static void test_content_length(void **state)
{
    (void)state;
    const char *head = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A:  b \r\n\r\n";
    char text[256];
    snprintf(text, sizeof text, "%shelloHTTP/1.1 404", head);
    result x;
    read_text(text, &x);
    assert_int_equal(x.rc, strlen(head) + 5); /* the next answer's bytes are left */
    assert_int_equal(x.status, 200);
    assert_true(x.keep_alive);
    assert_string_equal(x.r.headers.data, head);
    assert_string_equal(x.r.body.data, "hello");
    assert_int_equal(x.r.wire, 5);
    size_t n;
    const char *v = mt_h1_header(x.r.headers.data, x.r.headers.len, "x-a", &n);
    assert_non_null(v);
    assert_int_equal(n, 1);
    assert_memory_equal(v, "b", 1);
    free_result(&x);
}

static void test_chunked(void **state)
{
    (void)state;
    const char *head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
    char text[256];
    snprintf(text, sizeof text, "%s5;ext=\"x\"\r\nhello\r\n7\r\n, world\r\n0\r\nX-T: 1\r\n\r\nNEXT",
             head);
    result x;
    read_text(text, &x);
    assert_int_equal(x.rc, strlen(text) - 4);
    assert_string_equal(x.r.body.data, "hello, world");
    assert_int_equal(x.r.wire, 12);
    /* the trailer lines after the block, as libcurl gives them */
    char want[256];
    snprintf(want, sizeof want, "%sX-T: 1\r\n", head);
    assert_string_equal(x.r.headers.data, want);
    assert_true(x.keep_alive);
    free_result(&x);
    /* no trailers: the block alone */
    snprintf(text, sizeof text, "%s2\r\nok\r\n0\r\n\r\n", head);
    read_text(text, &x);
    assert_string_equal(x.r.headers.data, head);
    assert_string_equal(x.r.body.data, "ok");
    free_result(&x);
}

static void test_close_delimited(void **state)
{
    (void)state;
    result x;
    read_text("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nto the close", &x);
    assert_int_equal(x.eof, MT_OK);
    assert_string_equal(x.r.body.data, "to the close");
    assert_false(x.keep_alive);
    free_result(&x);
    /* HTTP/1.0: closes unless it says keep-alive */
    read_text("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok", &x);
    assert_false(x.keep_alive);
    free_result(&x);
    read_text("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok", &x);
    assert_true(x.keep_alive);
    free_result(&x);
    read_text("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok", &x);
    assert_false(x.keep_alive);
    free_result(&x);
}

static void test_no_body(void **state)
{
    (void)state;
    const char *cl = "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n";
    result x;
    read_all(cl, strlen(cl), 100, true, &x); /* HEAD */
    assert_int_equal(x.rc, strlen(cl));
    assert_int_equal(x.eof, 1);
    assert_int_equal(x.r.body.len, 0);
    assert_true(x.keep_alive);
    free_result(&x);
    const char *ch = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
    read_all(ch, strlen(ch), 100, true, &x);
    assert_int_equal(x.eof, 1);
    free_result(&x);
    const char *codes[] = {"204 No Content", "304 Not Modified"};
    for (int i = 0; i < 2; i++) {
        char text[128];
        int n =
            snprintf(text, sizeof text, "HTTP/1.1 %s\r\nContent-Length: 5\r\n\r\nhello", codes[i]);
        read_text(text, &x);
        assert_int_equal(x.rc, n - 5);
        assert_int_equal(x.r.body.len, 0);
        assert_int_equal(x.status, i ? 304 : 204);
        free_result(&x);
    }
}

static void test_informational(void **state)
{
    (void)state;
    const char *c = "HTTP/1.1 100 Continue\r\n\r\n";
    const char *e = "HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n";
    const char *f = "HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\n";
    char text[256];
    snprintf(text, sizeof text, "%s%s%sok", c, e, f);
    mt_h1 p;
    mt_h1_init(&p);
    result x;
    feed_as(&p, text, strlen(text), RANDOM, 100, false, &x);
    assert_int_equal(x.status, 201);
    assert_string_equal(x.r.headers.data, f); /* the final block only */
    assert_int_equal(mt_h1_header_bytes(&p), strlen(c) + strlen(e) + strlen(f));
    assert_string_equal(x.r.body.data, "ok");
    mt_h1_free(&p);
    free_result(&x);
    /* HTTP/1.0 after a 100 */
    snprintf(text, sizeof text, "HTTP/1.0 100 Continue\r\n\r\nHTTP/1.0 200 OK\r\n\r\nbye");
    read_text(text, &x);
    assert_int_equal(x.eof, MT_OK);
    assert_string_equal(x.r.body.data, "bye");
    free_result(&x);
}

static void test_max_body(void **state)
{
    (void)state;
    size_t big = 300000;
    char *text = malloc(big + 100);
    int h = snprintf(text, 100, "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\n\r\n", big);
    for (size_t i = 0; i < big; i++) text[h + i] = (char)('a' + i % 26);
    result x;
    read_all(text, (size_t)h + big, 1000, false, &x);
    assert_int_equal(x.r.body.len, 1000);
    assert_true(x.r.body.cap <= 4096); /* bounded memory */
    assert_int_equal(x.r.dropped, big - 1000);
    assert_int_equal(x.r.wire, big);
    assert_memory_equal(x.r.body.data, text + h, 1000);
    free_result(&x);
    read_all(text, (size_t)h + big, 0, false, &x);
    assert_int_equal(x.r.body.len, 0);
    assert_int_equal(x.r.dropped, big);
    assert_int_equal(x.status, 200);
    free_result(&x);
    free(text);
}

/* Compresses src with deflate's window bits wb (31 gzip, 15 zlib, -15 raw). */
static size_t squeeze(const char *src, size_t n, int wb, char *out, size_t cap)
{
    z_stream z = {0};
    assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, wb, 8, Z_DEFAULT_STRATEGY), Z_OK);
    z.next_in = (unsigned char *)src;
    z.avail_in = (uInt)n;
    z.next_out = (unsigned char *)out;
    z.avail_out = (uInt)cap;
    assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
    size_t len = cap - z.avail_out;
    deflateEnd(&z);
    return len;
}

static size_t coded(char *text, const char *coding, const char *z, size_t zn, bool chunked)
{
    int h;
    if (chunked)
        h = sprintf(text,
                    "HTTP/1.1 200 OK\r\nContent-Encoding: %s\r\n"
                    "Transfer-Encoding: chunked\r\n\r\n%zx\r\n",
                    coding, zn);
    else
        h = sprintf(text, "HTTP/1.1 200 OK\r\nContent-Encoding: %s\r\nContent-Length: %zu\r\n\r\n",
                    coding, zn);
    memcpy(text + h, z, zn);
    size_t n = (size_t)h + zn;
    if (chunked) n += (size_t)sprintf(text + n, "\r\n0\r\n\r\n");
    return n;
}

static void test_decoding(void **state)
{
    (void)state;
    size_t plain_n = 200000; /* inflates over many output buffers */
    char *plain = malloc(plain_n), *z = malloc(plain_n), *text = malloc(plain_n + 200);
    for (size_t i = 0; i < plain_n; i++) plain[i] = "molotov "[i % 8] + (char)(i / 5000 % 3);
    const struct {
        const char *coding;
        int wb;
    } cases[] = {{"gzip", 31}, {"x-gzip", 31}, {"GZIP", 31}, {"deflate", 15}, {"deflate", -15}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        size_t zn = squeeze(plain, plain_n, cases[i].wb, z, plain_n);
        size_t n = coded(text, cases[i].coding, z, zn, i % 2);
        result x;
        read_all(text, n, plain_n, false, &x);
        assert_int_equal(x.rc, n);
        assert_int_equal(x.r.body.len, plain_n);
        assert_memory_equal(x.r.body.data, plain, plain_n);
        assert_int_equal(x.r.wire, zn);
        free_result(&x);
        read_all(text, n, 100, false, &x); /* kept up to max_body, the rest counted */
        assert_int_equal(x.r.body.len, 100);
        assert_int_equal(x.r.dropped, plain_n - 100);
        free_result(&x);
        /* decode=false: as received */
        mt_h1 p;
        mt_h1_init(&p);
        mt_respbuf r = {0};
        mt_h1_start(&p, &r, plain_n, false, false);
        assert_int_equal(mt_h1_feed(&p, text, n), n);
        assert_int_equal(r.body.len, zn);
        assert_memory_equal(r.body.data, z, zn);
        mt_h1_free(&p);
        mt_buf_free(&r.body);
        mt_buf_free(&r.headers);
    }
    free(plain);
    free(z);
    free(text);
}

static void test_bad_encoding(void **state)
{
    (void)state;
    result x;
    read_text("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 11\r\n\r\nhello world",
              &x);
    assert_int_equal(x.rc, MT_EPROTO);
    assert_string_equal(x.error, "bad content encoding");
    free_result(&x);
    /* identity and codings not asked for: as is; an empty body is fine */
    read_text("HTTP/1.1 200 OK\r\nContent-Encoding: identity\r\nContent-Length: 2\r\n\r\nok", &x);
    assert_string_equal(x.r.body.data, "ok");
    free_result(&x);
    read_text("HTTP/1.1 200 OK\r\nContent-Encoding: br\r\nContent-Length: 2\r\n\r\nok", &x);
    assert_string_equal(x.r.body.data, "ok");
    free_result(&x);
    read_text("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 0\r\n\r\n", &x);
    assert_int_equal(x.status, 200);
    assert_int_equal(x.eof, 1);
    free_result(&x);
    /* like libcurl: a stream cut short is kept as far as it goes; bytes after it refused */
    char z[256], text[512];
    size_t zn = squeeze("hello hello hello", 17, 31, z, sizeof z);
    size_t n = coded(text, "gzip", z, zn - 8, false);
    read_all(text, n, 100, false, &x);
    assert_int_equal(x.rc, n);
    assert_string_equal(x.r.body.data, "hello hello hello");
    free_result(&x);
    memcpy(z + zn, "JUNK", 4);
    n = coded(text, "gzip", z, zn + 4, false);
    read_all(text, n, 100, false, &x);
    assert_int_equal(x.rc, MT_EPROTO);
    assert_string_equal(x.error, "bad content encoding");
    free_result(&x);
}

static void refused(const char *text, const char *why)
{
    result x;
    read_text(text, &x);
    assert_int_equal(x.rc, MT_EPROTO);
    assert_string_equal(x.error, why);
    free_result(&x);
}

static void test_refused(void **state)
{
    (void)state;
    refused("SSH-2.0-OpenSSH_9.2\r\nthis is not HTTP at all\r\n\r\n", "bad status line");
    refused("HTTP/1.1 2x0 OK\r\n\r\n", "bad status line");
    refused("HTTP/1.1 20 OK\r\n\r\n", "bad status line"); /* curl: unsupported response code */
    refused("HTTP/1.1 2000 OK\r\n\r\n", "bad status line");
    refused("HTTP/0.9 200 OK\r\n\r\n", "unsupported HTTP version");
    refused("HTTP/2.0 200 OK\r\n\r\n", "unsupported HTTP version");
    refused("HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\nConnection: upgrade\r\n\r\n",
            "unexpected 101 Switching Protocols");
    refused("HTTP/1.1 200 OK\r\nX\x01: v\r\n\r\n", "bad header line");
    refused("HTTP/1.1 200 OK\r\nContent-Length: 12a\r\n\r\n", "bad Content-Length");
    refused("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 7\r\n\r\nhello12",
            "conflicting Content-Length");
    refused("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n",
            "bad chunk size");
    refused("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffffff\r\n",
            "bad chunk size");
    /* a header block over MT_H1_MAX_HEAD, even without its end */
    size_t big = MT_H1_MAX_HEAD + 100;
    char *text = malloc(big + 1);
    int h = sprintf(text, "HTTP/1.1 200 OK\r\n");
    for (size_t i = (size_t)h; i < big; i++) text[i] = (i % 100 == 99) ? '\n' : 'x';
    for (size_t i = (size_t)h; i < big; i += 100) memcpy(text + i, "X-H: ", 5);
    text[big] = '\0';
    refused(text, "header block too large");
    free(text);
}

static void test_cut_short(void **state)
{
    (void)state;
    result x;
    read_text("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly a bit", &x);
    assert_int_equal(x.eof, MT_EPROTO);
    assert_string_equal(x.error, "connection closed inside the body");
    free_result(&x);
    read_text("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nhello", &x);
    assert_int_equal(x.eof, MT_EPROTO);
    free_result(&x);
    read_text("HTTP/1.1 200 OK\r\nContent-Le", &x);
    assert_int_equal(x.eof, MT_EPROTO);
    assert_string_equal(x.error, "connection closed inside the header block");
    free_result(&x);
    /* nothing at all: the caller may retry on a fresh connection */
    mt_h1 p;
    mt_h1_init(&p);
    mt_respbuf r = {0};
    mt_h1_start(&p, &r, 10, false, true);
    assert_false(mt_h1_started(&p));
    assert_int_equal(mt_h1_eof(&p), MT_EPROTO);
    assert_false(mt_h1_started(&p));
    mt_h1_free(&p);
}

static void test_lenient(void **state)
{
    (void)state;
    result x;
    /* what libcurl takes too: no reason phrase, bare LF, chunked beside a
     * Content-Length (chunked wins, the connection is not reused) */
    read_text("HTTP/1.1 200\r\nContent-Length: 2\r\n\r\nok", &x);
    assert_int_equal(x.status, 200);
    free_result(&x);
    read_text("HTTP/1.1 200 OK\nContent-Length: 2\n\nok", &x);
    assert_string_equal(x.r.body.data, "ok");
    free_result(&x);
    read_text("HTTP/1.1 200 OK\r\nContent-Length: 100\r\nTransfer-Encoding: chunked\r\n\r\n"
              "2\r\nok\r\n0\r\n\r\n",
              &x);
    assert_string_equal(x.r.body.data, "ok");
    assert_false(x.keep_alive);
    free_result(&x);
}

static void test_header_lookup(void **state)
{
    (void)state;
    const char *b = "HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nX-Set-Cookie: no\r\n"
                    "set-cookie :\tb=2; Path=/ \r\nSet-Cookie:\r\nSet-Cookies: no\r\n\r\n";
    size_t n, len = strlen(b);
    const char *pos = NULL, *v;
    v = mt_h1_header_next(b, len, "Set-Cookie", &pos, &n);
    assert_int_equal(n, 3);
    assert_memory_equal(v, "a=1", 3);
    v = mt_h1_header_next(b, len, "Set-Cookie", &pos, &n);
    assert_int_equal(n, 11);
    assert_memory_equal(v, "b=2; Path=/", 11);
    v = mt_h1_header_next(b, len, "Set-Cookie", &pos, &n);
    assert_non_null(v);
    assert_int_equal(n, 0);
    assert_null(mt_h1_header_next(b, len, "Set-Cookie", &pos, &n));
    assert_null(mt_h1_header(b, len, "HTTP/1.1 200 OK", &n)); /* the status line is no header */
    assert_null(mt_h1_header(b, len, "Content-Type", &n));
    assert_null(mt_h1_header(b, 20, "Set-Cookie", &n)); /* within len only */
}

static void test_steady_state(void **state)
{
    (void)state;
    char z[256], gz[512];
    size_t zn = squeeze("hello hello hello", 17, 31, z, sizeof z);
    size_t gn = coded(gz, "gzip", z, zn, true);
    const char *plain = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";
    mt_h1 p;
    mt_h1_init(&p);
    mt_respbuf r = {0};
    long before = 0;
    for (int i = 0; i < 50; i++) {
        if (i == 5) {
#ifdef COUNT_MALLOC
            before = allocs;
#endif
        }
        mt_h1_start(&p, &r, 1000, false, true);
        assert_int_equal(mt_h1_feed(&p, gz, gn), gn);
        assert_string_equal(r.body.data, "hello hello hello");
        mt_h1_start(&p, &r, 1000, false, true);
        assert_int_equal(mt_h1_feed(&p, plain, strlen(plain)), strlen(plain));
        assert_true(mt_h1_done(&p));
    }
#ifdef COUNT_MALLOC
    assert_true(before > 0);          /* the counting works: the first answers grew buffers */
    assert_int_equal(allocs, before); /* buffers reused, zlib's state reset, not remade */
#else
    (void)before;
#endif
    mt_h1_free(&p);
    mt_buf_free(&r.body);
    mt_buf_free(&r.headers);
}

int main(void)
{
    srand(17);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_content_length),  cmocka_unit_test(test_chunked),
        cmocka_unit_test(test_close_delimited), cmocka_unit_test(test_no_body),
        cmocka_unit_test(test_informational),   cmocka_unit_test(test_max_body),
        cmocka_unit_test(test_decoding),        cmocka_unit_test(test_bad_encoding),
        cmocka_unit_test(test_refused),         cmocka_unit_test(test_cut_short),
        cmocka_unit_test(test_lenient),         cmocka_unit_test(test_header_lookup),
        cmocka_unit_test(test_steady_state),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

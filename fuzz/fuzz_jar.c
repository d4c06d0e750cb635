/* fuzz_jar.c: libFuzzer target for the cookie jar (src/jar.c): any bytes as
 * a response's header block of Set-Cookie lines, stored for one of a few
 * request URLs (the first byte picks), then the Cookie header and the
 * listing for others; the bytes as a cookie-date too. */
#include "molotov/jar.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char *const URLS[] = {
    "http://www.example.co.uk/a/b/c",
    "https://h.test/",
    "http://127.0.0.1:8080/x?y=/z",
    "wss://[::1]/p/",
    "http://localhost",
    "https://a.b.c.github.io/deep/er/path",
};
#define NURLS (sizeof URLS / sizeof *URLS)

static void check(const mt_cookie *c, void *data)
{
    (void)data;
    if (!c->name[0] || c->path[0] != '/' || !c->domain[0] || strpbrk(c->value, "\r\n;")) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    long long t;
    (void)mt_jar_parse_date((const char *)data, size, &t);
    if (!size) return 0;
    mt_jar *j = mt_jar_new();
    const long long now = 1700000000;
    mt_jar_store_headers(j, URLS[data[0] % NURLS], (const char *)data + 1, size - 1, now);
    mt_buf b;
    mt_buf_init(&b);
    for (size_t i = 0; i < NURLS; i++) {
        mt_buf_reset(&b);
        mt_jar_header(j, URLS[i], now, &b);
        if (b.len && memchr(b.data, '\n', b.len)) abort(); /* no header injection */
    }
    mt_jar_each(j, now, check, NULL);
    mt_buf_free(&b);
    mt_jar_free(j);
    return 0;
}

/* test_jar.c: the cookie jar (src/jar.c) after RFC 6265: cookie-dates in
 * their many forms, Set-Cookie's attributes (Expires, Max-Age winning,
 * Domain against the host and the public suffix list, default and given
 * Path, Secure only from https, the __Secure- and __Host- prefixes), the
 * Cookie header a URL gets (domain, path, secure, expiry; longer paths
 * first, then the older), replacement and deletion, a whole header block,
 * the jar as scripts see it, and its bounds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "molotov/jar.h"

static const long long NOW = 1700000000; /* 2023-11-14 22:13:20 UTC */

/* The Cookie header url gets, in a static buffer. */
static const char *header(mt_jar *j, const char *url, long long now)
{
    static char out[1024];
    mt_buf b;
    mt_buf_init(&b);
    mt_jar_header(j, url, now, &b);
    snprintf(out, sizeof out, "%s", b.len ? b.data : "");
    mt_buf_free(&b);
    return out;
}

static bool store(mt_jar *j, const char *url, const char *value)
{
    return mt_jar_store(j, url, value, strlen(value), NOW);
}

static void test_dates(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        long long want; /* -1: not a date */
    } cases[] = {
        {"Sun, 06 Nov 1994 08:49:37 GMT", 784111777},  /* RFC 1123 */
        {"Sunday, 06-Nov-94 08:49:37 GMT", 784111777}, /* RFC 850 */
        {"Sun Nov  6 08:49:37 1994", 784111777},       /* asctime */
        {"Sun, 6 Nov 1994 8:49:37 GMT", 784111777},
        {"06 nov 1994 08:49:37", 784111777},
        {"Thu, 01-Jan-1970 00:00:00 GMT", 0},
        {"Wed, 09 Jun 2021 10:18:14 GMT", 1623233894},
        {"Fri, 31 Dec 9999 23:59:59 GMT", 253402300799LL},
        {"Thu, 01 Jan 30 00:00:00 GMT", 1893456000}, /* two digits: 2030 */
        {"Tue, 29 Feb 2000 12:00:00 GMT", 951825600},
        {"Sun, 29 Feb 1995 12:00:00 GMT", -1}, /* no such day */
        {"Sun, 06 Nov 1994 24:00:00 GMT", -1},
        {"Sun, 06 Nov 1994 GMT", -1},       /* no time */
        {"Sun, 06 1994 08:49:37 GMT", -1},  /* no month */
        {"Sun, 06 Nov 1600 08:49:37", -1},  /* before 1601 */
        {"Sun, 06 Nov 19940 08:49:37", -1}, /* no year */
        {"", -1},
        {"tomorrow", -1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        long long got = -1;
        if (!mt_jar_parse_date(cases[i].text, strlen(cases[i].text), &got)) got = -1;
        if (got != cases[i].want)
            fail_msg("'%s': %lld, not %lld", cases[i].text, got, cases[i].want);
    }
}

static void test_names_values_and_refusals(void **state)
{
    (void)state;
    mt_jar *j = mt_jar_new();
    const char *u = "http://example.com/";
    assert_true(store(j, u, "a=1"));
    assert_true(store(j, u, "  b = two words  ; HttpOnly"));
    assert_true(store(j, u, "c="));
    assert_true(store(j, u, "d=\"quoted\"; Path=/"));
    assert_false(store(j, u, "novalue"));
    assert_false(store(j, u, "=anonymous"));
    assert_false(store(j, u, "e=line\r\nX-Injected: 1"));
    assert_false(store(j, "http:///nohost", "f=1"));
    assert_string_equal(header(j, u, NOW), "a=1; b=two words; c=; d=\"quoted\"");
    char big[MT_JAR_MAX_COOKIE_BYTES + 16];
    memset(big, 'x', sizeof big);
    memcpy(big, "big=", 4);
    big[MT_JAR_MAX_COOKIE_BYTES + 2] = '\0'; /* name and value one byte too long */
    assert_false(store(j, u, big));
    big[MT_JAR_MAX_COOKIE_BYTES + 1] = '\0';
    assert_true(store(j, u, big));
    assert_int_equal(mt_jar_count(j), 5);
    mt_jar_free(j);
}

static void test_expiry(void **state)
{
    (void)state;
    mt_jar *j = mt_jar_new();
    const char *u = "http://example.com/";
    assert_true(store(j, u, "session=1"));
    assert_true(store(j, u, "hour=1; Max-Age=3600"));
    assert_true(store(j, u, "date=1; Expires=Wed, 15 Nov 2023 22:13:20 GMT"));
    assert_true(store(j, u, "wins=1; Max-Age=60; Expires=Wed, 09 Jun 2021 10:18:14 GMT"));
    assert_true(store(j, u, "bad=1; Max-Age=soon; Expires=garbage"));
    assert_string_equal(header(j, u, NOW), "session=1; hour=1; date=1; wins=1; bad=1");
    assert_string_equal(header(j, u, NOW + 61), "session=1; hour=1; date=1; bad=1");
    assert_string_equal(header(j, u, NOW + 3600), "session=1; date=1; bad=1");
    assert_string_equal(header(j, u, NOW + 86400), "session=1; bad=1");
    /* deletions: Max-Age <= 0 (winning over a later Expires), an Expires past */
    assert_true(store(j, u, "hour=; Max-Age=0"));
    assert_true(store(j, u, "date=; Max-Age=-1; Expires=Fri, 31 Dec 9999 23:59:59 GMT"));
    assert_true(store(j, u, "session=; Expires=Thu, 01-Jan-1970 00:00:00 GMT"));
    assert_true(store(j, u, "never=; Max-Age=0")); /* deleting what is not there */
    assert_string_equal(header(j, u, NOW), "wins=1; bad=1");
    assert_int_equal(mt_jar_count(j), 2);
    mt_jar_free(j);
}

static void test_domains(void **state)
{
    (void)state;
    mt_jar *j = mt_jar_new();
    const char *u = "http://www.Example.COM/";
    assert_true(store(j, u, "host=1"));
    assert_true(store(j, u, "dom=1; Domain=.example.com"));
    assert_true(store(j, u, "self=1; Domain=WWW.example.com"));
    assert_false(store(j, u, "other=1; Domain=other.com"));
    assert_false(store(j, u, "sub=1; Domain=a.www.example.com"));
    assert_false(store(j, u, "tail=1; Domain=ample.com"));
    assert_false(store(j, u, "tld=1; Domain=com")); /* public suffixes */
    assert_false(store(j, "http://a.b.co.uk/", "uk=1; Domain=co.uk"));
    assert_false(store(j, "http://me.github.io/", "gh=1; Domain=github.io"));
    assert_true(store(j, "http://co.uk/", "same=1; Domain=co.uk")); /* is the host: host-only */
    assert_string_equal(header(j, "http://www.example.com/", NOW), "host=1; dom=1; self=1");
    assert_string_equal(header(j, "http://example.com/", NOW), "dom=1");
    assert_string_equal(header(j, "http://a.www.example.com:8080/", NOW), "dom=1; self=1");
    assert_string_equal(header(j, "http://badexample.com/", NOW), "");
    assert_string_equal(header(j, "http://co.uk/", NOW), "same=1");
    assert_string_equal(header(j, "http://x.co.uk/", NOW), "");
    /* an address gets host-only cookies */
    assert_true(store(j, "http://127.0.0.1:8080/", "ip=1; Domain=127.0.0.1"));
    assert_false(store(j, "http://127.0.0.1/", "ip2=1; Domain=0.0.1"));
    assert_true(store(j, "http://[::1]:8080/", "v6=1"));
    assert_string_equal(header(j, "http://127.0.0.1/", NOW), "ip=1");
    assert_string_equal(header(j, "http://[::1]/", NOW), "v6=1");
    mt_jar_free(j);
}

static void test_paths_and_order(void **state)
{
    (void)state;
    mt_jar *j = mt_jar_new();
    assert_true(store(j, "http://h.test/a/b/page", "dflt=1"));     /* path /a/b */
    assert_true(store(j, "http://h.test/top", "top=1"));           /* path / */
    assert_true(store(j, "http://h.test/x?q=/y/z", "query=1"));    /* / too */
    assert_true(store(j, "http://h.test/", "root=1; Path=/a"));    /* given */
    assert_true(store(j, "http://h.test/a/b/c", "rel=1; Path=a")); /* not absolute: default */
    assert_true(store(j, "http://h.test/", "slash=1; Path=/a/"));
    assert_string_equal(header(j, "http://h.test/a/b/c", NOW),
                        "dflt=1; rel=1; slash=1; root=1; top=1; query=1");
    assert_string_equal(header(j, "http://h.test/a/b", NOW),
                        "dflt=1; rel=1; slash=1; root=1; top=1; query=1");
    assert_string_equal(header(j, "http://h.test/a/bc", NOW), "slash=1; root=1; top=1; query=1");
    assert_string_equal(header(j, "http://h.test/a", NOW), "root=1; top=1; query=1");
    assert_string_equal(header(j, "http://h.test/ab", NOW), "top=1; query=1");
    assert_string_equal(header(j, "http://h.test", NOW), "top=1; query=1");
    /* replaced: same place (its creation kept); deleted, stored again: last */
    assert_true(store(j, "http://h.test/", "top=2"));
    assert_string_equal(header(j, "http://h.test/", NOW), "top=2; query=1");
    assert_true(store(j, "http://h.test/", "top=; Max-Age=0"));
    assert_true(store(j, "http://h.test/", "top=3"));
    assert_string_equal(header(j, "http://h.test/", NOW), "query=1; top=3");
    /* a cookie of the same name on another path or domain is another cookie */
    assert_true(store(j, "http://h.test/", "top=4; Path=/a"));
    assert_true(store(j, "http://h.test/", "top=5; Domain=h.test"));
    /* (Domain=h.test from h.test is a domain cookie of h.test: it replaces top=3) */
    assert_string_equal(header(j, "http://h.test/a", NOW), "root=1; top=4; query=1; top=5");
    assert_string_equal(header(j, "http://www.h.test/a", NOW), "top=5");
    mt_jar_free(j);
}

static void test_secure_and_prefixes(void **state)
{
    (void)state;
    mt_jar *j = mt_jar_new();
    assert_false(store(j, "http://h.test/", "s=1; Secure")); /* only from https */
    assert_true(store(j, "https://h.test/", "s=1; Secure; HttpOnly; SameSite=lax"));
    assert_true(store(j, "http://h.test/", "plain=1"));
    assert_string_equal(header(j, "http://h.test/", NOW), "plain=1");
    assert_string_equal(header(j, "https://h.test/", NOW), "s=1; plain=1");
    assert_string_equal(header(j, "wss://h.test/", NOW), "s=1; plain=1");
    assert_false(store(j, "http://h.test/", "s=2")); /* http does not shadow it */
    assert_false(store(j, "http://www.h.test/", "s=2; Path=/x"));
    assert_true(store(j, "https://h.test/", "s=3")); /* https may */
    assert_string_equal(header(j, "http://h.test/", NOW), "s=3; plain=1");
    assert_false(store(j, "https://h.test/", "__Secure-a=1"));
    assert_false(store(j, "http://h.test/", "__Secure-a=1; Secure"));
    assert_true(store(j, "https://h.test/", "__Secure-a=1; Secure; Domain=h.test"));
    assert_false(store(j, "https://h.test/", "__Host-b=1; Secure; Domain=h.test"));
    assert_false(store(j, "https://h.test/", "__Host-b=1; Secure; Path=/x"));
    assert_false(store(j, "https://h.test/", "__host-b=1; Path=/"));
    assert_true(store(j, "https://h.test/x/y", "__Host-b=1; Secure; Path=/"));
    assert_string_equal(header(j, "https://h.test/", NOW),
                        "s=3; plain=1; __Secure-a=1; __Host-b=1");
    mt_jar_free(j);
}

typedef struct {
    char text[512];
} listing;

static void list_one(const mt_cookie *c, void *data)
{
    listing *l = data;
    size_t n = strlen(l->text);
    snprintf(l->text + n, sizeof l->text - n, "%s%s=%s@%s%s%s%s%s%s%s", n ? ", " : "", c->name,
             c->value, c->subdomains ? "." : "", c->domain, c->path, c->secure ? " secure" : "",
             c->http_only ? " httponly" : "", c->same_site[0] ? " " : "", c->same_site);
    if (c->expires) {
        n = strlen(l->text);
        snprintf(l->text + n, sizeof l->text - n, " %lld", c->expires - NOW);
    }
}

static const char *list(mt_jar *j, long long now)
{
    static listing l;
    l.text[0] = '\0';
    mt_jar_each(j, now, list_one, &l);
    return l.text;
}

static void test_each_set_clear_and_matches(void **state)
{
    (void)state;
    mt_jar *j = mt_jar_new();
    assert_true(store(j, "https://www.h.test/p/q",
                      "a=1; Domain=h.test; Secure; HttpOnly; "
                      "SameSite=Strict; Max-Age=10"));
    mt_jar_set(j, "H.test", NULL, "b", "2", false);
    mt_jar_set(j, "h.test", "/api", "c", "x y", true);
    mt_jar_set(j, "h.test", "/api", "c", "3", false); /* replaced */
    assert_string_equal(list(j, NOW), "c=3@h.test/api, a=1@.h.test/p secure httponly Strict 10, "
                                      "b=2@h.test/");
    assert_string_equal(list(j, NOW + 10), "c=3@h.test/api, b=2@h.test/");
    mt_buf v;
    mt_buf_init(&v);
    mt_jar_cookie_value(j, "https://h.test/api", "own=1; x=2", NOW, &v);
    assert_string_equal(v.data, "c=3; b=2; own=1; x=2");
    mt_buf_reset(&v);
    mt_jar_cookie_value(j, "http://other.test/", "own=1", NOW, &v);
    assert_string_equal(v.data, "own=1");
    mt_buf_reset(&v);
    mt_jar_cookie_value(j, "http://h.test/", NULL, NOW, &v);
    assert_string_equal(v.data, "b=2");
    mt_buf_free(&v);
    assert_string_equal(header(j, "http://www.h.test/api", NOW), ""); /* b, c: host-only */
    assert_string_equal(header(j, "https://h.test/api/v1", NOW), "c=3; b=2");
    mt_jar_clear(j);
    assert_string_equal(list(j, NOW), "");
    assert_string_equal(header(j, "https://h.test/api", NOW), "");
    mt_cookie c = {.domain = "example.com",
                   .path = "/app",
                   .name = "n",
                   .value = "v",
                   .same_site = "",
                   .subdomains = true,
                   .secure = true,
                   .expires = NOW + 1};
    assert_true(mt_jar_matches(&c, "https://www.example.com/app/x", NOW));
    assert_true(mt_jar_matches(&c, "https://EXAMPLE.com/app", NOW));
    assert_false(mt_jar_matches(&c, "http://example.com/app", NOW));
    assert_false(mt_jar_matches(&c, "https://example.com/apple", NOW));
    assert_false(mt_jar_matches(&c, "https://badexample.com/app", NOW));
    assert_false(mt_jar_matches(&c, "https://example.com/app", NOW + 1));
    c.subdomains = false;
    assert_false(mt_jar_matches(&c, "https://www.example.com/app", NOW));
    mt_jar_free(j);
}

static void test_header_block(void **state)
{
    (void)state;
    mt_jar *j = mt_jar_new();
    static const char block[] = "HTTP/1.1 302 FOUND\r\n"
                                "Location: /cookies\r\n"
                                "set-cookie: a=1; Path=/\r\n"
                                "Content-Type: text/html\r\n"
                                "SET-COOKIE:b=2\r\n"
                                "X-Set-Cookie: no=1\r\n"
                                "Set-Cookie: c=3; Secure\r\n" /* refused: over http */
                                "Set-Cookie:\r\n"
                                "Set-Cookie: d=4; Max-Age=5\n"
                                "\r\n";
    mt_jar_store_headers(j, "http://h.test/cookies/set?a=1", block, sizeof block - 1, NOW);
    assert_string_equal(list(j, NOW), "b=2@h.test/cookies, d=4@h.test/cookies 5, a=1@h.test/");
    mt_jar_store_headers(j, "http://h.test/", "", 0, NOW);
    assert_int_equal(mt_jar_count(j), 3);
    mt_jar_free(j);
}

/* A hostile server cannot grow the jar past its caps: per domain, then in
 * all; the expired go first, then the oldest. */
static void test_bounds(void **state)
{
    (void)state;
    mt_jar *j = mt_jar_new();
    char v[64], url[64];
    for (int i = 0; i < MT_JAR_MAX_PER_DOMAIN + 10; i++) {
        snprintf(v, sizeof v, "c%d=%d", i, i);
        assert_true(store(j, "http://h.test/", v));
    }
    assert_int_equal(mt_jar_count(j), MT_JAR_MAX_PER_DOMAIN);
    mt_buf b;
    mt_buf_init(&b);
    mt_jar_header(j, "http://h.test/", NOW, &b);
    assert_null(strstr(b.data, "c9="));
    assert_non_null(strstr(b.data, "c10=10; c11=11"));
    assert_non_null(strstr(b.data, "; c59=59"));
    /* expired ones go before any live one */
    assert_true(store(j, "http://h.test/", "short=1; Max-Age=1"));
    assert_int_equal(mt_jar_count(j), MT_JAR_MAX_PER_DOMAIN);
    assert_true(mt_jar_store(j, "http://h.test/", "late=1", 6, NOW + 5));
    mt_buf_reset(&b);
    mt_jar_header(j, "http://h.test/", NOW, &b);
    assert_non_null(strstr(b.data, "c11=11"));
    assert_non_null(strstr(b.data, "; late=1"));
    assert_null(strstr(b.data, "short=1"));
    mt_jar_clear(j);
    /* in all: 40 a host over 80 hosts, the oldest hosts' first cookies go */
    for (int i = 0; i < 3200; i++) {
        snprintf(v, sizeof v, "c%d=%d", i, i);
        snprintf(url, sizeof url, "http://h%d.test/", i / 40);
        assert_true(store(j, url, v));
    }
    assert_int_equal(mt_jar_count(j), MT_JAR_MAX_COOKIES);
    mt_buf_reset(&b);
    mt_jar_header(j, "http://h0.test/", NOW, &b);
    assert_string_equal(b.data, ""); /* h0..h4's 200 went first */
    mt_buf_reset(&b);
    mt_jar_header(j, "http://h79.test/", NOW, &b);
    assert_non_null(strstr(b.data, "c3199=3199"));
    mt_buf_free(&b);
    mt_jar_free(j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dates),
        cmocka_unit_test(test_names_values_and_refusals),
        cmocka_unit_test(test_expiry),
        cmocka_unit_test(test_domains),
        cmocka_unit_test(test_paths_and_order),
        cmocka_unit_test(test_secure_and_prefixes),
        cmocka_unit_test(test_each_set_clear_and_matches),
        cmocka_unit_test(test_header_block),
        cmocka_unit_test(test_bounds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

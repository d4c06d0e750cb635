/* test_native_req.c: what the native transport serves and writes
 * (src/native_req.c): mt_native_serves and the reason it gives for each
 * request it leaves to libcurl; mt_target_parse (ports, the default :80
 * left out of the authority, [v6], userinfo, what it refuses, fragments,
 * an empty path); mt_native_req_write byte for byte in libcurl's header
 * order (methods, bodies, headers removed, empty or replaced, basic auth
 * from the option and from the URL, cookies). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "molotov/native_req.h"

#define UA "User-Agent: molotov/test"

static mt_http_req req(const char *method, const char *url)
{
    mt_http_req r = {.method = method, .url = url, .proxy = "", .http_version = 1};
    return r;
}

/* ---- mt_native_serves ---- */

static void expect_refused(const mt_http_req *r, const char *why)
{
    const char *got = "unset";
    assert_false(mt_native_serves(r, &got));
    assert_non_null(got);
    assert_string_equal(got, why);
}

static void test_serves_and_reasons(void **state)
{
    (void)state;
    const char *why = "unset";
    mt_http_req r = req("GET", "http://127.0.0.1:8080/x");
    assert_true(mt_native_serves(&r, &why));
    assert_null(why);
    r.url = "HTTP://Example.COM/";
    assert_true(mt_native_serves(&r, &why));
    r.url = "http://u:p@h/"; /* basic auth from the URL is the native client's */
    assert_true(mt_native_serves(&r, &why));
    r.url = "http://h:99999/"; /* invalid, yet served: it fails as libcurl does */
    assert_true(mt_native_serves(&r, &why));

    r.url = "https://h/";
    expect_refused(&r, "https");
    r.url = "HTTPS://h/";
    expect_refused(&r, "https");
    r.url = "ftp://h/";
    expect_refused(&r, "a scheme other than http");
    r.url = "ws://h/";
    expect_refused(&r, "a scheme other than http");
    r.url = "http://h/caf\xc3\xa9";
    expect_refused(&r, "a URL with bytes beyond ASCII");

    r = req("GET", "http://h/");
    r.http_version = 2;
    expect_refused(&r, "HTTP/2");
    r = req("POST", "http://h/");
    r.mime = (mt_mime *)&r; /* only looked at, never used */
    expect_refused(&r, "a multipart body");
    r = req("GET", "http://h/");
    r.proxy = "http://127.0.0.1:3128";
    expect_refused(&r, "a proxy");
    r = req("POST", "http://h/");
    mt_headers_add(&r.headers, "transfer-encoding: chunked"); /* libcurl chunks the body */
    expect_refused(&r, "a Transfer-Encoding of the script's");
    mt_headers_free(r.headers);
}

/* "." and ".." segments made plain as libcurl does; other paths untouched. */
static void test_plain_path(void **state)
{
    (void)state;
    static const struct {
        const char *url, *want;
    } cases[] = {{"http://h/a/../b/./c?d=./e", "/b/c?d=./e"},
                 {"http://h/a/..", "/"},
                 {"http://h/./x", "/x"},
                 {"http://h/.hidden/..x/a.", NULL},
                 {"http://h/a?x=/../", NULL}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        mt_target t;
        mt_buf scratch;
        mt_buf_init(&scratch);
        assert_int_equal(mt_target_parse(cases[i].url, &t), MT_OK);
        const char *before = t.target;
        bool done = mt_target_plain_path(&t, cases[i].url, &scratch);
        assert_int_equal(done, cases[i].want != NULL);
        if (done) {
            assert_int_equal(t.target_len, strlen(cases[i].want));
            assert_memory_equal(t.target, cases[i].want, t.target_len);
        } else {
            assert_ptr_equal(t.target, before);
        }
        mt_buf_free(&scratch);
    }
}

static void test_serves_and_the_environments_proxy(void **state)
{
    (void)state;
    const char *why;
    const char *saved = getenv("http_proxy");
    char *keep = saved ? strdup(saved) : NULL;
    unsetenv("all_proxy");
    unsetenv("ALL_PROXY");
    setenv("http_proxy", "http://127.0.0.1:3128", 1);
    mt_native_read_env();
    mt_http_req r = req("GET", "http://h/");
    r.proxy = NULL; /* the environment's */
    expect_refused(&r, "a proxy");
    r.proxy = ""; /* none, whatever the environment says */
    assert_true(mt_native_serves(&r, &why));
    setenv("http_proxy", "", 1); /* empty: none */
    mt_native_read_env();
    r.proxy = NULL;
    assert_true(mt_native_serves(&r, &why));
    unsetenv("http_proxy");
    setenv("ALL_PROXY", "http://127.0.0.1:3128", 1);
    mt_native_read_env();
    expect_refused(&r, "a proxy");
    unsetenv("ALL_PROXY");
    mt_native_read_env();
    assert_true(mt_native_serves(&r, &why));
    if (keep) setenv("http_proxy", keep, 1);
    free(keep);
}

/* ---- mt_target_parse ---- */

static void expect_target(const char *url, const char *host, const char *authority, int port,
                          const char *target, const char *userinfo)
{
    mt_target t;
    if (mt_target_parse(url, &t) != MT_OK) fail_msg("%s: refused", url);
    assert_string_equal(t.host, host);
    assert_string_equal(t.authority, authority);
    assert_int_equal(t.port, port);
    char got[512];
    snprintf(got, sizeof got, "%.*s", (int)t.target_len, t.target);
    assert_string_equal(got, target);
    if (!userinfo) {
        assert_null(t.userinfo);
        assert_int_equal(t.userinfo_len, 0);
        return;
    }
    assert_non_null(t.userinfo);
    snprintf(got, sizeof got, "%.*s", (int)t.userinfo_len, t.userinfo);
    assert_string_equal(got, userinfo);
}

static void test_target_parse(void **state)
{
    (void)state;
    expect_target("http://h/", "h", "h", 80, "/", NULL);
    expect_target("http://h", "h", "h", 80, "", NULL); /* empty path: "/" is written */
    expect_target("HTTP://Host.Example/a", "Host.Example", "Host.Example", 80, "/a", NULL);
    expect_target("http://h:80/x", "h", "h", 80, "/x", NULL); /* the default left out */
    expect_target("http://h:080/x", "h", "h", 80, "/x", NULL);
    expect_target("http://h:/x", "h", "h", 80, "/x", NULL); /* libcurl: Host: h */
    expect_target("http://127.0.0.1:8080/p?q=1&r", "127.0.0.1", "127.0.0.1:8080", 8080, "/p?q=1&r",
                  NULL);
    expect_target("http://h:1/", "h", "h:1", 1, "/", NULL);
    expect_target("http://h:65535/", "h", "h:65535", 65535, "/", NULL);
    expect_target("http://h?q", "h", "h", 80, "?q", NULL);
    /* IPv6: no [] for the lookup, kept for Host */
    expect_target("http://[::1]:8080/v6", "::1", "[::1]:8080", 8080, "/v6", NULL);
    expect_target("http://[::1]/", "::1", "[::1]", 80, "/", NULL);
    expect_target("http://[::1]:80/", "::1", "[::1]", 80, "/", NULL);
    expect_target("http://[::1]:/", "::1", "[::1]", 80, "/", NULL);
    expect_target("http://[fe80::1%25eth0]:81/", "fe80::1%25eth0", "[fe80::1%25eth0]:81", 81, "/",
                  NULL);
    /* userinfo: kept percent-encoded, not in the authority */
    expect_target("http://u:p%40ss@h:81/a", "h", "h:81", 81, "/a", "u:p%40ss");
    expect_target("http://u@h/", "h", "h", 80, "/", "u");
    expect_target("http://:p@h/", "h", "h", 80, "/", ":p");
    /* fragments are not sent */
    expect_target("http://h/a?b#frag", "h", "h", 80, "/a?b", NULL);
    expect_target("http://h#frag", "h", "h", 80, "", NULL);
    expect_target("http://h/a#b c", "h", "h", 80, "/a", NULL);
    /* a name of 255 bytes is the longest */
    char url[400], name[300];
    memset(name, 'a', 255);
    name[255] = '\0';
    snprintf(url, sizeof url, "http://%s/", name);
    expect_target(url, name, name, 80, "/", NULL);
}

static void test_target_parse_refuses(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "https://h/",     "ftp://h/",          "h/x",           "http:/h/",      "http:///x",
        "http://",        "http://:80/",       "http://u:p@/x", "http://h:0/",   "http://h:65536/",
        "http://h:abc/",  "http://h:123456/",  "http://h:8a/",  "http://h:-1/",  "http://[::1/",
        "http://[::1]x/", "http://[]:80/",     "http://h/a b",  "http://h/a\tb", "http://h/a\x7f",
        "http://h /",     "http://h/\r\nX: y", "http://h?a b",  "http://h:8 0/",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        mt_target t;
        if (mt_target_parse(bad[i], &t) != MT_EINVAL) fail_msg("'%s' was accepted", bad[i]);
    }
    char url[400], name[300];
    memset(name, 'a', 256);
    name[256] = '\0';
    snprintf(url, sizeof url, "http://%s/", name);
    mt_target t;
    assert_int_equal(mt_target_parse(url, &t), MT_EINVAL);
}

/* ---- mt_native_req_write ---- */

/* The bytes of r (its headers, NULL-terminated lines) with cookie. */
static void expect_bytes(mt_http_req *r, const char *const *lines, const char *cookie,
                         const char *want)
{
    mt_headers *l = NULL;
    for (; lines && *lines; lines++) mt_headers_add(&l, *lines);
    r->headers = l;
    mt_target t;
    assert_int_equal(mt_target_parse(r->url, &t), MT_OK);
    mt_buf out;
    mt_buf_init(&out);
    mt_buf_appends(&out, "<kept>"); /* appended to, not replaced */
    mt_native_req_write(&out, r, &t, cookie, UA);
    size_t n = strlen(want);
    if (out.len != n + 6 || memcmp(out.data + 6, want, n) != 0)
        fail_msg("%s %s: got\n%.*s\nexpected\n%s", r->method, r->url, (int)out.len, out.data, want);
    assert_memory_equal(out.data, "<kept>", 6);
    mt_buf_free(&out);
    mt_headers_free(l);
    r->headers = NULL;
}

static void test_write_get_head(void **state)
{
    (void)state;
    mt_http_req r = req("GET", "http://h:8080/p?q=1#f");
    expect_bytes(&r, NULL, NULL,
                 "GET /p?q=1 HTTP/1.1\r\nHost: h:8080\r\nAccept: */*\r\n" UA "\r\n\r\n");
    r.url = "http://h";
    expect_bytes(&r, NULL, NULL, "GET / HTTP/1.1\r\nHost: h\r\nAccept: */*\r\n" UA "\r\n\r\n");
    r.url = "http://h?x=1";
    expect_bytes(&r, NULL, "", "GET /?x=1 HTTP/1.1\r\nHost: h\r\nAccept: */*\r\n" UA "\r\n\r\n");
    r.url = "http://[::1]:81/";
    r.compress = true;
    expect_bytes(&r, NULL, NULL,
                 "GET / HTTP/1.1\r\nHost: [::1]:81\r\nAccept: */*\r\n"
                 "Accept-Encoding: " MT_NATIVE_ENCODINGS "\r\n" UA "\r\n\r\n");
    r = req("HEAD", "http://h/");
    expect_bytes(&r, NULL, NULL, "HEAD / HTTP/1.1\r\nHost: h\r\nAccept: */*\r\n" UA "\r\n\r\n");
    r = req("DELETE", "http://h/d");
    expect_bytes(&r, NULL, NULL, "DELETE /d HTTP/1.1\r\nHost: h\r\nAccept: */*\r\n" UA "\r\n\r\n");
}

static void test_write_bodies(void **state)
{
    (void)state;
    mt_http_req r = req("POST", "http://h/p");
    expect_bytes(&r, NULL, NULL, /* a POST without a body says so */
                 "POST /p HTTP/1.1\r\nHost: h\r\nAccept: */*\r\n" UA "\r\nContent-Length: 0\r\n"
                 "Content-Type: application/x-www-form-urlencoded\r\n\r\n");
    r.body = "a=1&b=2";
    r.body_len = 7;
    r.has_body = true;
    expect_bytes(&r, NULL, NULL,
                 "POST /p HTTP/1.1\r\nHost: h\r\nAccept: */*\r\n" UA "\r\nContent-Length: 7\r\n"
                 "Content-Type: application/x-www-form-urlencoded\r\n\r\na=1&b=2");
    r = req("PUT", "http://h/u");
    r.body = "{\"k\":\0}";
    r.body_len = 7; /* a NUL inside is sent as it is */
    r.has_body = true;
    static const char *const json[] = {"Content-Type: application/json", NULL};
    mt_headers *l = NULL;
    for (const char *const *p = json; *p; p++) mt_headers_add(&l, *p);
    r.headers = l;
    mt_target t;
    mt_target_parse(r.url, &t);
    mt_buf out;
    mt_buf_init(&out);
    mt_native_req_write(&out, &r, &t, NULL, UA);
    static const char want[] =
        "PUT /u HTTP/1.1\r\nHost: h\r\nAccept: */*\r\n" UA "\r\nContent-Type: application/json\r\n"
        "Content-Length: 7\r\n\r\n{\"k\":\0}";
    assert_int_equal(out.len, sizeof want - 1);
    assert_memory_equal(out.data, want, sizeof want - 1);
    mt_buf_free(&out);
    mt_headers_free(l);
    /* an empty body given is still a body */
    r = req("PATCH", "http://h/");
    r.body = "";
    r.has_body = true;
    expect_bytes(&r, NULL, NULL,
                 "PATCH / HTTP/1.1\r\nHost: h\r\nAccept: */*\r\n" UA "\r\nContent-Length: 0\r\n"
                 "Content-Type: application/x-www-form-urlencoded\r\n\r\n");
}

static void test_write_own_headers(void **state)
{
    (void)state;
    mt_http_req r = req("GET", "http://h/");
    r.compress = true;
    static const char *const removed[] = {"Accept:", "accept-encoding:  ", "X-A: 1", NULL};
    expect_bytes(&r, removed, NULL, "GET / HTTP/1.1\r\nHost: h\r\n" UA "\r\nX-A: 1\r\n\r\n");
    static const char *const empty[] = {"X-Empty;", "Accept;", NULL};
    expect_bytes(&r, empty, NULL,
                 "GET / HTTP/1.1\r\nHost: h\r\nAccept-Encoding: " MT_NATIVE_ENCODINGS "\r\n" UA
                 "\r\nX-Empty:\r\nAccept:\r\n\r\n");
    r.compress = false;
    static const char *const replaced[] = {"Host: other:1", "user-agent: ua/2", "X-B: 2", NULL};
    expect_bytes(&r, replaced, NULL,
                 "GET / HTTP/1.1\r\nHost: other:1\r\nAccept: */*\r\nuser-agent: ua/2\r\n"
                 "X-B: 2\r\n\r\n"); /* the script's Host where ours goes, as libcurl */
    static const char *const no_host_ua[] = {"Host:", "User-Agent:", NULL};
    expect_bytes(&r, no_host_ua, NULL, "GET / HTTP/1.1\r\nAccept: */*\r\n\r\n");
    /* Content-Type and Content-Length of the request's own replace ours */
    r = req("POST", "http://h/");
    r.body = "x";
    r.body_len = 1;
    r.has_body = true;
    static const char *const type[] = {"Content-Type: text/plain", NULL};
    expect_bytes(&r, type, NULL,
                 "POST / HTTP/1.1\r\nHost: h\r\nAccept: */*\r\n" UA
                 "\r\nContent-Type: text/plain\r\nContent-Length: 1\r\n\r\nx");
    static const char *const no_type[] = {"Content-Type:", NULL};
    expect_bytes(&r, no_type, NULL,
                 "POST / HTTP/1.1\r\nHost: h\r\nAccept: */*\r\n" UA
                 "\r\nContent-Length: 1\r\n\r\nx");
}

static void test_write_basic_auth(void **state)
{
    (void)state;
    mt_http_req r = req("GET", "http://h/");
    r.user = "user";
    r.password = "pass"; /* "user:pass" */
    expect_bytes(&r, NULL, NULL,
                 "GET / HTTP/1.1\r\nHost: h\r\nAuthorization: Basic dXNlcjpwYXNz\r\n"
                 "Accept: */*\r\n" UA "\r\n\r\n");
    r.password = NULL; /* "user:" */
    expect_bytes(&r, NULL, NULL,
                 "GET / HTTP/1.1\r\nHost: h\r\nAuthorization: Basic dXNlcjo=\r\n"
                 "Accept: */*\r\n" UA "\r\n\r\n");
    /* the URL's, percent-decoded: "u@x:p:w" */
    r = req("GET", "http://u%40x:p%3Aw@h:81/");
    expect_bytes(&r, NULL, NULL,
                 "GET / HTTP/1.1\r\nHost: h:81\r\nAuthorization: Basic dUB4OnA6dw==\r\n"
                 "Accept: */*\r\n" UA "\r\n\r\n");
    r.url = "http://u@h/"; /* "u:" */
    expect_bytes(&r, NULL, NULL,
                 "GET / HTTP/1.1\r\nHost: h\r\nAuthorization: Basic dTo=\r\n"
                 "Accept: */*\r\n" UA "\r\n\r\n");
    r.url = "http://a%2:b%zz@h/"; /* bad escapes stay as written: "a%2:b%zz" */
    expect_bytes(&r, NULL, NULL,
                 "GET / HTTP/1.1\r\nHost: h\r\nAuthorization: Basic YSUyOmIleno=\r\n"
                 "Accept: */*\r\n" UA "\r\n\r\n");
    /* the option wins over the URL */
    r.url = "http://x:y@h/";
    r.user = "user";
    r.password = "pass";
    expect_bytes(&r, NULL, NULL,
                 "GET / HTTP/1.1\r\nHost: h\r\nAuthorization: Basic dXNlcjpwYXNz\r\n"
                 "Accept: */*\r\n" UA "\r\n\r\n");
    /* the request's own Authorization wins over both */
    static const char *const bearer[] = {"Authorization: Bearer t0k", NULL};
    expect_bytes(&r, bearer, NULL,
                 "GET / HTTP/1.1\r\nHost: h\r\nAccept: */*\r\n" UA
                 "\r\nAuthorization: Bearer t0k\r\n\r\n");
    /* long credentials (past a small buffer) */
    char user[700];
    memset(user, 'u', sizeof user - 1);
    user[sizeof user - 1] = '\0';
    r = req("GET", "http://h/");
    r.user = user;
    r.password = "p";
    mt_target t;
    mt_target_parse(r.url, &t);
    mt_buf out;
    mt_buf_init(&out);
    mt_native_req_write(&out, &r, &t, NULL, UA);
    const char *auth = strstr(out.data, "Authorization: Basic ");
    assert_non_null(auth);
    size_t len = strcspn(auth + 21, "\r");
    assert_int_equal(len, 4 * ((sizeof user - 1 + 2 + 2) / 3)); /* "uuu...:p" */
    assert_memory_equal(auth + 21, "dXV1", 4);
    mt_buf_free(&out);
}

static void test_write_cookies(void **state)
{
    (void)state;
    mt_http_req r = req("GET", "http://h/");
    r.compress = true;
    expect_bytes(&r, NULL, "a=b; c=d",
                 "GET / HTTP/1.1\r\nHost: h\r\nAccept: */*\r\n"
                 "Accept-Encoding: " MT_NATIVE_ENCODINGS "\r\nCookie: a=b; c=d\r\n" UA "\r\n\r\n");
    /* the request's own Cookie line goes with its own lines, ours stays */
    r.compress = false;
    static const char *const own[] = {"Cookie: e=f", NULL};
    expect_bytes(&r, own, "a=b",
                 "GET / HTTP/1.1\r\nHost: h\r\nAccept: */*\r\nCookie: a=b\r\n" UA
                 "\r\nCookie: e=f\r\n\r\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_serves_and_reasons),
        cmocka_unit_test(test_serves_and_the_environments_proxy),
        cmocka_unit_test(test_plain_path),
        cmocka_unit_test(test_target_parse),
        cmocka_unit_test(test_target_parse_refuses),
        cmocka_unit_test(test_write_get_head),
        cmocka_unit_test(test_write_bodies),
        cmocka_unit_test(test_write_own_headers),
        cmocka_unit_test(test_write_basic_auth),
        cmocka_unit_test(test_write_cookies),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

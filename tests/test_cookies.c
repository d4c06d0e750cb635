/* test_cookies.c: the session's cookie jar for scripts (src/cookies.c) on a
 * worker's real slot (worker_helpers.h): set_cookie and what
 * session.cookies lists, cookies_for matching by domain (exact, or the
 * subdomains of a domain cookie), path (on a '/' boundary), secure and
 * expiry, a jar filled by Set-Cookie lines (jar.h) or by a server's
 * answer and sent back in the Cookie header, longer paths first
 * (tests/raw_server.h sees it), clear_cookies, and the errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <time.h>

#include "molotov/http.h"
#include "raw_server.h"
#include "worker_helpers.h"

static const char *SCRIPT =
    "molotov.scenario('x', 1, function(s) end)\n"
    "function keep(s) S = s end\n" /* the session the next calls use */
    "function set(...) S:set_cookie(...) return '' end\n"
    "function list()\n" /* every cookie, sorted: name=value@domain/path[ secure][ exp] */
    "  local out = {}\n"
    "  for _, c in ipairs(S.cookies) do\n"
    "    out[#out + 1] = c.name .. '=' .. c.value .. '@' .. c.domain .. c.path ..\n"
    "      (c.secure and ' secure' or '') .. (c.http_only and ' httponly' or '') ..\n"
    "      (c.expires ~= 0 and ' exp' or '')\n"
    "  end\n"
    "  table.sort(out)\n"
    "  return table.concat(out, ', ')\n"
    "end\n"
    "function for_url(url)\n"
    "  local out = {}\n"
    "  for k, v in pairs(S:cookies_for(url)) do out[#out + 1] = k .. '=' .. v end\n"
    "  table.sort(out)\n"
    "  return table.concat(out, ', ')\n"
    "end\n"
    "function same_site()\n" /* the SameSite of the cookies that have one */
    "  local out = {}\n"
    "  for _, c in ipairs(S.cookies) do out[#out + 1] = c.same_site end\n"
    "  return table.concat(out, ', ')\n"
    "end\n"
    "function get(url) return tostring(S:get(url).status) end\n"
    "function clear() S:clear_cookies() return list() end\n";

static int setup(void **state)
{
    wfx *f = wfx_new(SCRIPT, NULL, NULL);
    wfx_run(f, "keep", "", true);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    wfx_free(*state);
    return 0;
}

static void test_set_list_and_match(void **state)
{
    wfx *f = *state;
    wfx_run(f, "set", "'a', '1', {domain = 'example.test'}", false);
    wfx_run(f, "set", "'b', '2', {domain = 'example.test', path = '/api'}", false);
    wfx_run(f, "set", "'s', '3', {domain = 'example.test', secure = true}", false);
    wfx_run(f, "set", "'o', '4', {domain = 'other.test'}", false);
    assert_string_equal(wfx_run(f, "list", "", false),
                        "a=1@example.test/, b=2@example.test/api, o=4@other.test/, "
                        "s=3@example.test/ secure");
    static const struct {
        const char *url, *want;
    } cases[] = {
        {"http://example.test/", "a=1"},
        {"http://example.test/api", "a=1, b=2"},
        {"http://example.test/api/v1?x=1", "a=1, b=2"},
        {"http://example.test/apix", "a=1"}, /* not under /api */
        {"https://example.test/api", "a=1, b=2, s=3"},
        {"wss://example.test/", "a=1, s=3"},
        {"http://EXAMPLE.test:8080/", "a=1"},
        {"http://www.example.test/", ""}, /* set_cookie's domain is exact */
        {"http://other.test/api", "o=4"},
        {"http://test/", ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char args[128];
        snprintf(args, sizeof args, "'%s'", cases[i].url);
        const char *got = wfx_run(f, "for_url", args, false);
        if (strcmp(got, cases[i].want) != 0)
            fail_msg("%s: '%s', not '%s'", cases[i].url, got, cases[i].want);
    }
    assert_string_equal(wfx_run(f, "clear", "", false), "");
    assert_string_equal(wfx_run(f, "for_url", "'https://example.test/api'", false), "");
}

/* Cookies as a server sets them (jar.h's parser): a domain cookie for the
 * subdomains, one that expires later, one already expired, one that
 * refuses to go to http, one for a public suffix (refused). */
static void test_domains_and_expiry(void **state)
{
    wfx *f = *state;
    mt_jar *jar = mt_http_jar(mt_exchange_session_slot(&f->w));
    long long now = (long long)time(NULL);
    static const char *const lines[] = {
        "d=5; domain=example.test; path=/; HttpOnly; SameSite=Lax",
        "later=6; Max-Age=3600",
        "gone=7; Expires=Thu, 01 Jan 1970 00:00:01 GMT",
        "sec=8; Secure",
        "ps=9; Domain=test",
    };
    bool stored[] = {true, true, true, true, false};
    for (size_t i = 0; i < sizeof lines / sizeof *lines; i++) {
        const char *url = i == 3 ? "https://www.example.test/" : "http://www.example.test/";
        assert_int_equal(mt_jar_store(jar, url, lines[i], strlen(lines[i]), now), stored[i]);
    }
    /* session.cookies: the live ones (the expired one was never kept) */
    assert_string_equal(wfx_run(f, "list", "", false), "d=5@example.test/ httponly, "
                                                       "later=6@www.example.test/ exp, "
                                                       "sec=8@www.example.test/ secure");
    assert_string_equal(wfx_run(f, "same_site", "", false), "Lax");
    /* and cookies_for what a request gets */
    assert_string_equal(wfx_run(f, "for_url", "'http://www.example.test/x'", false),
                        "d=5, later=6");
    assert_string_equal(wfx_run(f, "for_url", "'https://www.example.test/x'", false),
                        "d=5, later=6, sec=8");
    assert_string_equal(wfx_run(f, "for_url", "'http://a.b.example.test/'", false), "d=5");
    assert_string_equal(wfx_run(f, "for_url", "'http://badexample.test/'", false), "");
}

/* /set answers with a Set-Cookie; anything else with 200. */
static void answer(raw_server *s, const char *path, mt_buf *out)
{
    (void)s;
    raw_reply(out, 200, strcmp(path, "/set") == 0 ? "Set-Cookie: srv=v1; Path=/\r\n" : "", "ok");
}

static void test_the_jar_on_the_wire(void **state)
{
    wfx *f = *state;
    raw_server *rs = raw_start(answer);
    char args[128];
    snprintf(args, sizeof args, "'http://127.0.0.1:%d/set'", rs->port);
    assert_string_equal(wfx_run(f, "get", args, false), "200");
    assert_string_equal(wfx_run(f, "list", "", false), "srv=v1@127.0.0.1/");
    wfx_run(f, "set", "'mine', 'x y', {domain = '127.0.0.1', path = '/in'}", false);
    snprintf(args, sizeof args, "'http://127.0.0.1:%d/in/here'", rs->port);
    assert_string_equal(wfx_run(f, "get", args, false), "200");
    mt_buf req;
    mt_buf_init(&req);
    raw_last(rs, &req);
    if (!strstr(req.data, "\r\nCookie: mine=x y; srv=v1\r\n"))
        fail_msg("no Cookie header with both, the longer path first, in:\n%s", req.data);
    wfx_run(f, "clear", "", false);
    assert_string_equal(wfx_run(f, "get", args, false), "200");
    raw_last(rs, &req);
    assert_null(strstr(req.data, "Cookie:"));
    mt_buf_free(&req);
    raw_stop(rs);
}

static void test_errors(void **state)
{
    wfx *f = *state;
    static const struct {
        const char *args, *err;
    } cases[] = {
        {"'a', '1'", "set_cookie: give the domain ({ domain = \"example.com\" })"},
        {"'a', '1', {path = '/'}", "set_cookie: give the domain ({ domain = \"example.com\" })"},
        {"'a;b', '1', {domain = 'h'}",
         "set_cookie: the name must not be empty nor hold tabs, ';' or line breaks"},
        {"'', '1', {domain = 'h'}",
         "set_cookie: the name must not be empty nor hold tabs, ';' or line breaks"},
        {"'a', '1\\n2', {domain = 'h'}",
         "set_cookie: the value must not be empty nor hold tabs, ';' or line breaks"},
        {"'a', '1', {domain = 'h\\t'}",
         "set_cookie: the domain must not be empty nor hold tabs, ';' or line breaks"},
        {"'a', '1', {domain = 'h', path = {}}", "set_cookie: path must be a string"},
        {"'a', '1', {domain = 'h', path = '/a;b'}",
         "set_cookie: the path must not be empty nor hold tabs, ';' or line breaks"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        assert_string_equal(wfx_error(f, "set", cases[i].args, false), cases[i].err);
    assert_string_equal(wfx_run(f, "list", "", false), "");  /* nothing went in */
    wfx_run(f, "set", "'empty', '', {domain = 'h'}", false); /* an empty value is fine */
    assert_string_equal(wfx_run(f, "list", "", false), "empty=@h/");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_set_list_and_match, setup, teardown),
        cmocka_unit_test_setup_teardown(test_domains_and_expiry, setup, teardown),
        cmocka_unit_test_setup_teardown(test_the_jar_on_the_wire, setup, teardown),
        cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

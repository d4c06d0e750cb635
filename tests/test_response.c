/* test_response.c: header parsing of src/response.c
 * (mt_response_push_headers): status line skipped, names lower-cased,
 * case-insensitive lookup, repeated headers joined, whitespace and CRLF
 * trimmed, lines without a colon ignored; and the response object that
 * serves them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <lauxlib.h>
#include <lualib.h>
#include <string.h>

#include "molotov/json.h"
#include "molotov/response.h"

static int setup(void **state)
{
    lua_State *L = luaL_newstate();
    luaL_openlibs(L);
    mt_response_register(L);
    *state = L;
    return 0;
}

static int teardown(void **state)
{
    lua_close(*state);
    mt_respbuf_drain_pool();
    return 0;
}

/* Parses raw and leaves the header table on the stack. */
static void push_headers(lua_State *L, const char *raw)
{
    int top = lua_gettop(L);
    mt_response_push_headers(L, raw, strlen(raw));
    assert_int_equal(lua_gettop(L), top + 1);
    assert_true(lua_istable(L, -1));
}

/* Asserts rawget(t, name) (t on top of the stack) is want, or nil. */
static void expect_raw(lua_State *L, const char *name, const char *want)
{
    lua_pushstring(L, name);
    int t = lua_rawget(L, -2);
    if (!want) {
        if (t != LUA_TNIL) fail_msg("'%s' should be absent, is '%s'", name, lua_tostring(L, -1));
    } else {
        if (t != LUA_TSTRING) fail_msg("'%s' missing", name);
        if (strcmp(lua_tostring(L, -1), want) != 0)
            fail_msg("'%s' is '%s', expected '%s'", name, lua_tostring(L, -1), want);
    }
    lua_pop(L, 1);
}

/* Asserts t[name] through the metatable (t on top of the stack) is want. */
static void expect_lookup(lua_State *L, const char *name, const char *want)
{
    int t = lua_getfield(L, -1, name);
    if (!want) {
        if (t != LUA_TNIL) fail_msg("'%s' should be nil, is '%s'", name, lua_tostring(L, -1));
    } else {
        if (t != LUA_TSTRING) fail_msg("lookup of '%s' gave a %s", name, lua_typename(L, t));
        if (strcmp(lua_tostring(L, -1), want) != 0)
            fail_msg("'%s' is '%s', expected '%s'", name, lua_tostring(L, -1), want);
    }
    lua_pop(L, 1);
}

static int count_keys(lua_State *L)
{
    int n = 0;
    lua_pushnil(L);
    while (lua_next(L, -2)) {
        n++;
        lua_pop(L, 1);
    }
    return n;
}

static void test_basic_block(void **state)
{
    lua_State *L = *state;
    push_headers(L, "HTTP/1.1 200 OK\r\n"
                    "Content-Type: application/json\r\n"
                    "Content-Length: 42\r\n"
                    "X-Request-Id: abc-123\r\n"
                    "\r\n");
    assert_int_equal(count_keys(L), 3);
    expect_raw(L, "content-type", "application/json");
    expect_raw(L, "content-length", "42");
    expect_raw(L, "x-request-id", "abc-123");
    /* stored lower-case only */
    expect_raw(L, "Content-Type", NULL);
    lua_settop(L, 0);
}

static void test_status_line_skipped(void **state)
{
    lua_State *L = *state;
    /* even a status line that looks like a header */
    push_headers(L, "HTTP/2 204: odd\r\nA: 1\r\n\r\n");
    assert_int_equal(count_keys(L), 1);
    expect_raw(L, "a", "1");
    lua_settop(L, 0);

    push_headers(L, "HTTP/1.1 200 OK\r\n\r\n");
    assert_int_equal(count_keys(L), 0);
    lua_settop(L, 0);

    push_headers(L, "");
    assert_int_equal(count_keys(L), 0);
    lua_settop(L, 0);

    /* only a status line, without its CRLF */
    push_headers(L, "HTTP/1.1 200 OK");
    assert_int_equal(count_keys(L), 0);
    lua_settop(L, 0);
}

static void test_case_insensitive_lookup(void **state)
{
    lua_State *L = *state;
    push_headers(L, "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nETAG: \"v1\"\r\n\r\n");
    expect_lookup(L, "content-type", "text/html");
    expect_lookup(L, "Content-Type", "text/html");
    expect_lookup(L, "CONTENT-TYPE", "text/html");
    expect_lookup(L, "cOnTeNt-TyPe", "text/html");
    expect_lookup(L, "ETag", "\"v1\"");
    expect_lookup(L, "etag", "\"v1\"");
    expect_lookup(L, "Content-Length", NULL);
    expect_lookup(L, "", NULL);
    /* a non-string key is just absent */
    lua_pushinteger(L, 1);
    assert_int_equal(lua_gettable(L, -2), LUA_TNIL);
    lua_pop(L, 1);
    lua_settop(L, 0);
}

static void test_repeated_headers_joined_but_set_cookie(void **state)
{
    lua_State *L = *state;
    push_headers(L, "HTTP/1.1 200 OK\r\n"
                    "Set-Cookie: a=1\r\n"
                    "Vary: Accept\r\n"
                    "set-cookie: b=2\r\n"
                    "SET-COOKIE: c=3; Path=/\r\n"
                    "Vary: Accept-Encoding\r\n"
                    "\r\n");
    assert_int_equal(count_keys(L), 2);
    expect_raw(L, "set-cookie", "a=1"); /* not joinable: the first (header_list has all) */
    expect_raw(L, "vary", "Accept, Accept-Encoding");
    expect_lookup(L, "Set-Cookie", "a=1");
    lua_settop(L, 0);
}

static void test_whitespace_and_line_endings(void **state)
{
    lua_State *L = *state;
    push_headers(L, "HTTP/1.1 200 OK\r\n"
                    "Spaces:    lots of space   \r\n"
                    "Tabs:\t\tv\t\r\n"
                    "  Name-Pad  : x\r\n"
                    "Empty:\r\n"
                    "Blank:   \r\n"
                    "LF-Only: yes\n"
                    "Location: http://example.com:8080/a?b=c:d\r\n"
                    "Inner:  a  b  \r\n"
                    "\r\n");
    expect_raw(L, "spaces", "lots of space");
    expect_raw(L, "tabs", "v");
    expect_raw(L, "name-pad", "x");
    expect_raw(L, "empty", "");
    expect_raw(L, "blank", "");
    expect_raw(L, "lf-only", "yes");
    /* the first colon splits name and value */
    expect_raw(L, "location", "http://example.com:8080/a?b=c:d");
    expect_raw(L, "inner", "a  b");
    assert_int_equal(count_keys(L), 8);
    lua_settop(L, 0);

    /* the last line needs no line ending */
    push_headers(L, "HTTP/1.1 200 OK\r\nLast: one\r");
    expect_raw(L, "last", "one");
    lua_settop(L, 0);
    push_headers(L, "HTTP/1.1 200 OK\nLast: two");
    expect_raw(L, "last", "two");
    lua_settop(L, 0);
}

static void test_lines_without_colon_ignored(void **state)
{
    lua_State *L = *state;
    push_headers(L, "HTTP/1.1 200 OK\r\n"
                    "garbage line\r\n"
                    "A: 1\r\n"
                    "\r\n"
                    "HTTP/1.1 302 Found\r\n"
                    "   \r\n"
                    "B: 2\r\n");
    assert_int_equal(count_keys(L), 2);
    expect_raw(L, "a", "1");
    expect_raw(L, "b", "2");
    expect_raw(L, "garbage line", NULL);
    lua_settop(L, 0);
}

static void test_length_respected(void **state)
{
    lua_State *L = *state;
    const char *raw = "HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\n";
    /* stop right before B's value */
    mt_response_push_headers(L, raw, strlen(raw) - 3);
    expect_raw(L, "a", "1");
    expect_raw(L, "b", "");
    lua_settop(L, 0);
    /* values may hold any byte but the line end */
    static const char bin[] = "HTTP/1.1 200 OK\r\nX-Bin: a\0b\r\n";
    mt_response_push_headers(L, bin, sizeof(bin) - 1);
    lua_pushliteral(L, "x-bin");
    assert_int_equal(lua_rawget(L, -2), LUA_TSTRING);
    size_t n;
    const char *v = lua_tolstring(L, -1, &n);
    assert_int_equal(n, 3);
    assert_memory_equal(v, "a\0b", 3);
    lua_settop(L, 0);
}

static void test_response_object(void **state)
{
    lua_State *L = *state;
    mt_json_push_module(L);
    lua_setglobal(L, "json");
    mt_respbuf *buf = mt_respbuf_get();
    mt_buf_appends(&buf->body, "{\"id\": 7, \"tags\": [\"a\", \"b\"]}");
    mt_buf_appends(&buf->headers, "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\n"
                                  "X-A: 1\r\nx-a: 2\r\nSet-Cookie: s=1; Path=/\r\n"
                                  "set-cookie:  t = 2 \r\n\r\n");
    mt_buf_appends(&buf->url, "http://127.0.0.1:1/items");
    mt_response_push(L, 201, true, 0.25, buf);
    lua_setglobal(L, "resp");
    const char *code =
        "assert(resp.status == 201)\n"
        "assert(resp.ok == true)\n"
        "assert(resp.elapsed == 0.25)\n"
        "assert(resp.url == 'http://127.0.0.1:1/items')\n"
        "assert(resp.body == '{\"id\": 7, \"tags\": [\"a\", \"b\"]}')\n"
        "assert(resp.headers['Content-Type'] == 'application/json')\n"
        "assert(resp.headers['X-A'] == '1, 2')\n"
        "assert(resp.headers == resp.headers, 'headers are made once')\n"
        "local j = resp:json()\n"
        "assert(j.id == 7 and math.type(j.id) == 'integer' and j.tags[2] == 'b')\n"
        "assert(tostring(resp) == '<Response [201] http://127.0.0.1:1/items>', tostring(resp))\n"
        "assert(resp.nothing == nil)\n"
        "assert(resp.reason == 'Created', resp.reason)\n"
        "local l = resp:header_list('x-a')\n"
        "assert(#l == 2 and l[1] == '1' and l[2] == '2')\n"
        "assert(#resp:header_list('nope') == 0)\n"
        "assert(resp.cookies.s == '1' and resp.cookies.t == '2')\n"
        "assert(#resp.history == 0)\n";
    if (luaL_dostring(L, code)) fail_msg("%s", lua_tostring(L, -1));

    /* a body that is not JSON raises, naming the URL */
    mt_respbuf *bad = mt_respbuf_get();
    mt_buf_appends(&bad->body, "<html>");
    mt_buf_appends(&bad->url, "http://h/x");
    mt_response_push(L, 500, false, 0, bad);
    lua_setglobal(L, "bad");
    if (luaL_dostring(L, "assert(bad.ok == false)\n"
                         "local ok, err = pcall(bad.json, bad)\n"
                         "assert(not ok and err:find('invalid JSON') and err:find('http://h/x'),"
                         " err)\n"
                         "bad = nil resp = nil collectgarbage() collectgarbage()\n"))
        fail_msg("%s", lua_tostring(L, -1));

    /* collected responses gave their buffers back to the pool */
    mt_respbuf *a = mt_respbuf_get(), *b = mt_respbuf_get();
    assert_true((a == buf && b == bad) || (a == bad && b == buf));
    assert_int_equal(a->body.len, 0);
    mt_respbuf_put(a);
    mt_respbuf_put(b);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_basic_block),
        T(test_status_line_skipped),
        T(test_case_insensitive_lookup),
        T(test_repeated_headers_joined_but_set_cookie),
        T(test_whitespace_and_line_endings),
        T(test_lines_without_colon_ignored),
        T(test_length_respected),
        T(test_response_object),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}

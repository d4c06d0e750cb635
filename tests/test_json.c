/* test_json.c: the Lua <-> JSON bridge (src/json.c) on a real Lua state:
 * encoding of every Lua type, sequence/object detection, the errors (keys,
 * functions, cycles, non-finite numbers), decoding with molotov.json.null,
 * integers vs floats, nesting, invalid input, and round trips. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <lauxlib.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "molotov/json.h"

static int setup(void **state)
{
    lua_State *L = luaL_newstate();
    luaL_openlibs(L);
    mt_json_push_module(L);
    lua_setglobal(L, "json");
    *state = L;
    return 0;
}

static int teardown(void **state)
{
    lua_close(*state);
    return 0;
}

/* Runs a chunk that returns one value and leaves it on the stack. */
static void eval(lua_State *L, const char *code)
{
    if (luaL_loadstring(L, code) || lua_pcall(L, 0, 1, 0))
        fail_msg("lua error in '%s': %s", code, lua_tostring(L, -1));
}

/* Encodes the result of `code`, asserts it succeeds with `want`, and that
 * the stack is left as it was. */
static void expect_encode(lua_State *L, const char *code, const char *want)
{
    eval(L, code);
    int top = lua_gettop(L);
    char err[160] = "";
    char *s = mt_json_encode(L, -1, err, sizeof(err));
    if (!s) fail_msg("encoding '%s' failed: %s", code, err);
    if (strcmp(s, want) != 0) fail_msg("encoding '%s' gave '%s', expected '%s'", code, s, want);
    free(s);
    assert_int_equal(lua_gettop(L), top);
    lua_settop(L, 0);
}

/* Encodes the result of `code`, asserts it fails with `needle` in the error
 * and leaves the stack as it was. */
static void expect_encode_error(lua_State *L, const char *code, const char *needle)
{
    eval(L, code);
    int top = lua_gettop(L);
    char err[160] = "";
    char *s = mt_json_encode(L, -1, err, sizeof(err));
    if (s) fail_msg("encoding '%s' should fail, gave '%s'", code, s);
    if (!strstr(err, needle)) fail_msg("error for '%s' is '%s', expected '%s'", code, err, needle);
    assert_int_equal(lua_gettop(L), top);
    lua_settop(L, 0);
}

/* Runs Lua assertions (the chunk gets `json` as a global). */
static void run_lua(lua_State *L, const char *code)
{
    if (luaL_loadstring(L, code) || lua_pcall(L, 0, 0, 0))
        fail_msg("lua error: %s", lua_tostring(L, -1));
}

static void test_encode_scalars(void **state)
{
    lua_State *L = *state;
    expect_encode(L, "return nil", "null");
    expect_encode(L, "return true", "true");
    expect_encode(L, "return false", "false");
    expect_encode(L, "return 0", "0");
    expect_encode(L, "return 42", "42");
    expect_encode(L, "return -7", "-7");
    expect_encode(L, "return 3000000000", "3000000000");
    expect_encode(L, "return 1.5", "1.5");
    expect_encode(L, "return -0.25", "-0.25");
    expect_encode(L, "return 0.1", "0.1");
    expect_encode(L, "return 1e300", "1e+300");
    expect_encode(L, "return json.null", "null");
    expect_encode(L, "return ''", "\"\"");
    expect_encode(L, "return 'hello'", "\"hello\"");
}

static void test_encode_numbers_exactly(void **state)
{
    lua_State *L = *state;
    /* integers are printed as integers, whatever their size */
    expect_encode(L, "return 9007199254740991", "9007199254740991");
    expect_encode(L, "return 9007199254740993", "9007199254740993");
    expect_encode(L, "return math.maxinteger", "9223372036854775807");
    expect_encode(L, "return math.mininteger", "-9223372036854775808");
    /* integral floats print without a fraction, other floats read back equal */
    expect_encode(L, "return 3.0", "3");
    expect_encode(L, "return 2^53", "9007199254740992");
    expect_encode(L, "return 0.1 + 0.2", "0.30000000000000004");
    expect_encode(L, "return 1/3", "0.3333333333333333");
}

static void test_encode_string_escapes(void **state)
{
    lua_State *L = *state;
    expect_encode(L, "return 'a\"b'", "\"a\\\"b\"");
    expect_encode(L, "return 'back\\\\slash'", "\"back\\\\slash\"");
    expect_encode(L, "return 'l1\\nl2\\r\\t'", "\"l1\\nl2\\r\\t\"");
    expect_encode(L, "return '\\1\\31'", "\"\\u0001\\u001f\"");
    expect_encode(L, "return '\\b\\f'", "\"\\b\\f\"");
    /* UTF-8 passes through as is */
    expect_encode(L, "return 'caf\\u{e9} \\u{1F600}'", "\"caf\xc3\xa9 \xf0\x9f\x98\x80\"");
    expect_encode(L, "return {['k\"ey'] = 'v'}", "{\"k\\\"ey\":\"v\"}");
}

static void test_encode_tables(void **state)
{
    lua_State *L = *state;
    expect_encode(L, "return {}", "{}");
    expect_encode(L, "return {1, 2, 3}", "[1,2,3]");
    expect_encode(L, "return {'a', true, 1.5}", "[\"a\",true,1.5]");
    expect_encode(L, "return {1, {2, {3, {}}}}", "[1,[2,[3,{}]]]");
    expect_encode(L, "return {a = 1}", "{\"a\":1}");
    expect_encode(L, "return {a = {b = {c = {1, 2}}}}", "{\"a\":{\"b\":{\"c\":[1,2]}}}");
    expect_encode(L, "return {{a = 1}, {a = 2}}", "[{\"a\":1},{\"a\":2}]");
    /* json.null keeps its slot */
    expect_encode(L, "return {1, json.null, 3}", "[1,null,3]");
    expect_encode(L, "return {a = json.null}", "{\"a\":null}");

    /* several keys: order is the table's, so check through cJSON-free Lua */
    run_lua(L, "local s = json.encode({a = 1, b = 'x', c = {true}})\n"
               "assert(#s == #'{\"a\":1,\"b\":\"x\",\"c\":[true]}', s)\n"
               "assert(s:find('\"a\":1', 1, true), s)\n"
               "assert(s:find('\"b\":\"x\"', 1, true), s)\n"
               "assert(s:find('\"c\":[true]', 1, true), s)\n"
               "assert(s:sub(1, 1) == '{' and s:sub(-1) == '}', s)\n");
}

static void test_sequence_vs_object(void **state)
{
    lua_State *L = *state;
    expect_encode(L, "return {[1] = 'a', [2] = 'b'}", "[\"a\",\"b\"]");
    expect_encode(L, "local t = {}; for i = 1, 100 do t[i] = i end; return {#t, t[100]}",
                  "[100,100]");
    /* keys that are not exactly 1..n make an object with string keys */
    expect_encode(L, "return {[2] = 'b'}", "{\"2\":\"b\"}");
    expect_encode(L, "return {[0] = 'z'}", "{\"0\":\"z\"}");
    expect_encode(L, "return {[1.5] = 'h'}", "{\"1.5\":\"h\"}");
    run_lua(L, "local s = json.encode({1, 2, x = 3})\n"
               "assert(s:sub(1, 1) == '{', s)\n"
               "assert(s:find('\"1\":1', 1, true) and s:find('\"2\":2', 1, true), s)\n"
               "assert(s:find('\"x\":3', 1, true), s)\n");
    /* holes: never an array with invented nulls, never a key dropped */
    run_lua(L, "for _, extra in ipairs({0, -1, 10}) do\n"
               "  local t = {1, 2, 3, 4}; t[2] = nil; t[extra] = 9\n"
               "  local s = json.encode(t)\n"
               "  assert(s:sub(1, 1) == '{', s)\n"
               "  assert(s:find('\"' .. extra .. '\":9', 1, true), s)\n"
               "  assert(not s:find('null', 1, true), s)\n"
               "  local back = json.decode(s)\n"
               "  assert(back['1'] == 1 and back['3'] == 3 and back['4'] == 4, s)\n"
               "  assert(back['2'] == nil, s)\n"
               "end\n");
}

static void test_encode_errors(void **state)
{
    lua_State *L = *state;
    expect_encode_error(L, "return {[true] = 1}", "key of type boolean");
    expect_encode_error(L, "return {[{}] = 1}", "key of type table");
    expect_encode_error(L, "return {a = {[print] = 1}}", "key of type function");
    expect_encode_error(L, "return print", "type function");
    expect_encode_error(L, "return {f = function() end}", "type function");
    expect_encode_error(L, "return {1, 2, print}", "type function");
    expect_encode_error(L, "return coroutine.create(print)", "type thread");
    expect_encode_error(L, "return io.stdout", "type userdata");
    expect_encode_error(L, "return 0/0", "non-finite");
    expect_encode_error(L, "return math.huge", "non-finite");
    expect_encode_error(L, "return -math.huge", "non-finite");
    expect_encode_error(L, "return {x = {1, 2, 0/0}}", "non-finite");
    /* a NUL byte would be cut off by cJSON: refused instead */
    expect_encode_error(L, "return 'a\\0b'", "NUL");
    expect_encode_error(L, "return {['a\\0b'] = 1, a = 2}", "NUL");
}

static void test_encode_cycles(void **state)
{
    lua_State *L = *state;
    expect_encode_error(L, "local t = {}; t.self = t; return t", "cycle");
    expect_encode_error(L, "local t = {1}; t[2] = t; return t", "cycle");
    expect_encode_error(L, "local a, b = {}, {}; a.b = b; b.a = a; return {a}", "cycle");
    /* a table seen twice but not inside itself is fine */
    expect_encode(L, "local s = {1}; return {s, s}", "[[1],[1]]");
    /* deep but finite nesting encodes */
    eval(L, "local t = {} for i = 1, 100 do t = {t} end return t");
    char err[160];
    char *s = mt_json_encode(L, -1, err, sizeof(err));
    assert_non_null(s);
    assert_int_equal(strlen(s), 202);
    assert_memory_equal(s, "[[[[", 4);
    assert_memory_equal(s + 99, "[{}]", 4);
    free(s);
    lua_settop(L, 0);
    /* through Lua the error is a catchable error, not a crash */
    run_lua(L, "local t = {}; t[1] = t\n"
               "local ok, err = pcall(json.encode, t)\n"
               "assert(not ok and tostring(err):find('cycle'), err)\n"
               "local ok2, err2 = pcall(json.encode, print)\n"
               "assert(not ok2 and tostring(err2):find('function'), err2)\n");
}

/* Decodes s (all of it) expecting success; leaves the value on the stack. */
static void decode_ok(lua_State *L, const char *s)
{
    int top = lua_gettop(L);
    if (mt_json_decode(L, s, strlen(s)) != 0)
        fail_msg("decoding '%s' failed: %s", s, lua_tostring(L, -1));
    assert_int_equal(lua_gettop(L), top + 1);
}

static void expect_decode_error(lua_State *L, const char *s, size_t len)
{
    int top = lua_gettop(L);
    if (mt_json_decode(L, s, len) != -1) fail_msg("decoding '%.*s' should fail", (int)len, s);
    assert_int_equal(lua_gettop(L), top + 1);
    assert_int_equal(lua_type(L, -1), LUA_TSTRING);
    if (!strstr(lua_tostring(L, -1), "invalid JSON"))
        fail_msg("decoding '%.*s': message '%s'", (int)len, s, lua_tostring(L, -1));
    lua_settop(L, top);
}

static void test_decode_scalars(void **state)
{
    lua_State *L = *state;
    lua_getglobal(L, "json");
    lua_getfield(L, -1, "null");
    void *null = lua_touserdata(L, -1);
    assert_int_equal(lua_type(L, -1), LUA_TLIGHTUSERDATA);
    assert_non_null(null);
    lua_settop(L, 0);

    decode_ok(L, "null");
    assert_int_equal(lua_type(L, -1), LUA_TLIGHTUSERDATA);
    assert_ptr_equal(lua_touserdata(L, -1), null);
    decode_ok(L, "true");
    assert_true(lua_isboolean(L, -1) && lua_toboolean(L, -1));
    decode_ok(L, "false");
    assert_true(lua_isboolean(L, -1) && !lua_toboolean(L, -1));
    decode_ok(L, "\"a\\\"b\\\\c\\n\\u00e9\\ud83d\\ude00\"");
    assert_string_equal(lua_tostring(L, -1), "a\"b\\c\n\xc3\xa9\xf0\x9f\x98\x80");
    decode_ok(L, "  \t\r\n 7 \n");
    assert_int_equal(lua_tointeger(L, -1), 7);
    lua_settop(L, 0);
}

static void test_decode_integers_and_floats(void **state)
{
    lua_State *L = *state;
    static const struct {
        const char *text;
        int is_int;
        double value;
    } cases[] = {
        {"0", 1, 0},           {"42", 1, 42},
        {"-3", 1, -3},         {"12345678901", 1, 12345678901.0},
        {"1e2", 1, 100},       {"1.5", 0, 1.5},
        {"-0.125", 0, -0.125}, {"1e300", 0, 1e300},
        {"2.5e-3", 0, 0.0025},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        decode_ok(L, cases[i].text);
        assert_int_equal(lua_type(L, -1), LUA_TNUMBER);
        if (lua_isinteger(L, -1) != cases[i].is_int)
            fail_msg("'%s': integer subtype %d", cases[i].text, lua_isinteger(L, -1));
        if (lua_tonumber(L, -1) != cases[i].value)
            fail_msg("'%s' decoded as %.17g", cases[i].text, lua_tonumber(L, -1));
        lua_settop(L, 0);
    }
    decode_ok(L, "9007199254740991");
    assert_true(lua_isinteger(L, -1));
    assert_int_equal(lua_tointeger(L, -1), 9007199254740991LL);
    lua_settop(L, 0);
}

static void test_decode_containers(void **state)
{
    lua_State *L = *state;
    decode_ok(L, "[]");
    assert_true(lua_istable(L, -1));
    assert_int_equal(lua_rawlen(L, -1), 0);
    lua_pushnil(L);
    assert_int_equal(lua_next(L, -2), 0);
    lua_settop(L, 0);

    decode_ok(L, "{}");
    assert_true(lua_istable(L, -1));
    lua_pushnil(L);
    assert_int_equal(lua_next(L, -2), 0);
    lua_settop(L, 0);

    decode_ok(L, "[10, \"x\", true, null, [1], {\"k\": 2}]");
    assert_int_equal(lua_rawlen(L, -1), 6);
    assert_int_equal(lua_rawgeti(L, 1, 1), LUA_TNUMBER);
    assert_int_equal(lua_tointeger(L, -1), 10);
    assert_int_equal(lua_rawgeti(L, 1, 2), LUA_TSTRING);
    assert_string_equal(lua_tostring(L, -1), "x");
    assert_int_equal(lua_rawgeti(L, 1, 3), LUA_TBOOLEAN);
    assert_int_equal(lua_rawgeti(L, 1, 4), LUA_TLIGHTUSERDATA);
    assert_int_equal(lua_rawgeti(L, 1, 5), LUA_TTABLE);
    assert_int_equal(lua_rawlen(L, -1), 1);
    assert_int_equal(lua_rawgeti(L, 1, 6), LUA_TTABLE);
    assert_int_equal(lua_getfield(L, -1, "k"), LUA_TNUMBER);
    assert_int_equal(lua_tointeger(L, -1), 2);
    lua_settop(L, 0);

    run_lua(L, "local v = json.decode('{\"a\": {\"b\": [1, 2, {\"c\": null}]}, \"d\": \"e\"}')\n"
               "assert(v.a.b[1] == 1 and v.a.b[2] == 2 and #v.a.b == 3)\n"
               "assert(v.a.b[3].c == json.null)\n"
               "assert(v.d == 'e')\n"
               "local n = 0 for _ in pairs(v) do n = n + 1 end\n"
               "assert(n == 2)\n");
}

static void test_decode_deep_nesting(void **state)
{
    lua_State *L = *state;
    enum { DEPTH = 500 };
    char *s = malloc(2 * DEPTH + 2);
    memset(s, '[', DEPTH);
    s[DEPTH] = '7';
    memset(s + DEPTH + 1, ']', DEPTH);
    s[2 * DEPTH + 1] = '\0';
    decode_ok(L, s);
    for (int i = 0; i < DEPTH; i++) {
        assert_int_equal(lua_type(L, -1), LUA_TTABLE);
        assert_int_equal(lua_rawlen(L, -1), 1);
        lua_rawgeti(L, -1, 1);
        lua_remove(L, -2);
    }
    assert_int_equal(lua_tointeger(L, -1), 7);
    lua_settop(L, 0);
    free(s);

    /* far deeper than any parser limit: an error, not a crash */
    enum { HUGE_DEPTH = 100000 };
    s = malloc(HUGE_DEPTH);
    memset(s, '[', HUGE_DEPTH);
    expect_decode_error(L, s, HUGE_DEPTH);
    free(s);
}

static void test_decode_invalid(void **state)
{
    lua_State *L = *state;
    static const char *bad[] = {
        "",     "   ",    "[1,",        "[1,]",  "{a:1}",     "{\"a\" 1}", "nul",
        "tru",  "\"open", "{\"a\":1,}", "[1] x", "{}{}",      "1 2",       "'single'",
        "[1]]", "NaN",    "Infinity",   "+1",    "\"\\x41\"", "]",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
        expect_decode_error(L, bad[i], strlen(bad[i]));

    /* the position of the problem is reported */
    assert_int_equal(mt_json_decode(L, "[1, 2, ?]", 9), -1);
    assert_non_null(strstr(lua_tostring(L, -1), "byte 7"));
    lua_settop(L, 0);

    /* only len bytes are read */
    assert_int_equal(mt_json_decode(L, "[1]garbage", 3), 0);
    assert_int_equal(lua_rawlen(L, -1), 1);
    lua_settop(L, 0);
    expect_decode_error(L, "[1, 2]", 4);

    /* through Lua decode raises */
    run_lua(L, "local ok, err = pcall(json.decode, '{\"a\":')\n"
               "assert(not ok and tostring(err):find('invalid JSON'), err)\n"
               "assert(not pcall(json.decode, '[1] trailing'))\n");
}

static void test_round_trips(void **state)
{
    lua_State *L = *state;
    run_lua(L, "local function eq(a, b)\n"
               "  if type(a) ~= type(b) then return false end\n"
               "  if type(a) ~= 'table' then return a == b end\n"
               "  for k, v in pairs(a) do if not eq(v, b[k]) then return false end end\n"
               "  for k in pairs(b) do if a[k] == nil then return false end end\n"
               "  return true\n"
               "end\n"
               "local cases = {\n"
               "  true, false, 0, -1, 123456789012, 9007199254740991, 0.5, -1e-7, 1e300,\n"
               "  0.1 + 0.2, 1/3, '', 'plain', 'quote\" back\\\\ nl\\n tab\\t \\1 caf\\u{e9}',\n"
               "  {}, {1, 2, 3}, {'a', {'b', {'c'}}}, {a = 1, b = {c = {d = 'e'}}},\n"
               "  {list = {1, 2, {x = json.null}}, flag = false, n = 2.25},\n"
               "  {[''] = 'empty key', ['with space'] = 1},\n"
               "}\n"
               "for i, v in ipairs(cases) do\n"
               "  local s = json.encode(v)\n"
               "  local back = json.decode(s)\n"
               "  assert(eq(back, v), 'case ' .. i .. ': ' .. s)\n"
               "  assert(json.encode(back) == s or type(v) == 'table', 'case ' .. i)\n"
               "  if math.type(v) then assert(math.type(back) == math.type(v), s) end\n"
               "end\n"
               "assert(json.decode(json.encode(json.null)) == json.null)\n"
               "local s = '{\"a\":[1,2.5,\"x\",null,true],\"b\":{}}'\n"
               "assert(json.encode(json.decode(s)):len() == #s)\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_encode_scalars, setup, teardown),
        cmocka_unit_test_setup_teardown(test_encode_numbers_exactly, setup, teardown),
        cmocka_unit_test_setup_teardown(test_encode_string_escapes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_encode_tables, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sequence_vs_object, setup, teardown),
        cmocka_unit_test_setup_teardown(test_encode_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_encode_cycles, setup, teardown),
        cmocka_unit_test_setup_teardown(test_decode_scalars, setup, teardown),
        cmocka_unit_test_setup_teardown(test_decode_integers_and_floats, setup, teardown),
        cmocka_unit_test_setup_teardown(test_decode_containers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_decode_deep_nesting, setup, teardown),
        cmocka_unit_test_setup_teardown(test_decode_invalid, setup, teardown),
        cmocka_unit_test_setup_teardown(test_round_trips, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* response.c: the response userdata: status, reason, body, headers,
 * header_list(), cookies, json(), url, history, elapsed, ok, size. Lua
 * strings and tables are made on first access only. */
#include "molotov/response.h"
#include "molotov/json.h"

#include <ctype.h>
#include <lauxlib.h>
#include <string.h>
#include <strings.h>

#define RESPONSE_MT "molotov.response"
#define UV_BODY 1
#define UV_HEADERS 2
#define UV_HISTORY 3

typedef struct {
    long status;
    bool ok; /* not a failed request (expect, or status < 400) */
    double elapsed;
    mt_respbuf *buf;
    size_t bytes; /* buf's capacity, counted in live_bytes */
} response;

#define LARGE_MIN (64u << 10) /* smaller buffers are left to Lua's own pace */
#define LIVE_MAX (16u << 20)
static size_t live_bytes;    /* large buffers held by responses not yet collected */
static size_t live_after_gc; /* what was still held after the last forced collection */
/* Small buffers: Lua sees none of their bytes either, and thousands of
 * workers' answers (about 1 KB each) would pile up between its own
 * collections; every SMALL_STEP of them handed to Lua, it takes a step. */
#define SMALL_STEP (4u << 20)
static size_t small_since_step;

void mt_response_push(lua_State *L, long status, bool ok, double elapsed, mt_respbuf *buf)
{
    response *r = lua_newuserdatauv(L, sizeof(*r), 3);
    r->status = status;
    r->ok = ok;
    r->elapsed = elapsed;
    r->buf = buf;
    luaL_setmetatable(L, RESPONSE_MT);
    /* Lua sees a small userdata while its buffers may be megabytes: once
     * large ones pile up (past LIVE_MAX, and twice what survived the last
     * collection, so scenarios that keep them do not collect every time),
     * collect. */
    size_t bytes = buf->body.cap + buf->headers.cap;
    r->bytes = bytes >= LARGE_MIN ? bytes : 0;
    live_bytes += r->bytes;
    size_t limit = live_after_gc * 2 > LIVE_MAX ? live_after_gc * 2 : LIVE_MAX;
    if (r->bytes && live_bytes > limit) {
        lua_gc(L, LUA_GCCOLLECT);
        live_after_gc = live_bytes;
        small_since_step = 0;
    } else if (!r->bytes && (small_since_step += bytes + buf->url.cap) > SMALL_STEP) {
        lua_gc(L, LUA_GCSTEP, 0); /* a (young) collection: most answers are dead by now */
        small_since_step = 0;
    }
}

static int l_gc(lua_State *L)
{
    response *r = luaL_checkudata(L, 1, RESPONSE_MT);
    live_bytes -= r->bytes;
    r->bytes = 0;
    mt_respbuf_put(r->buf);
    r->buf = NULL;
    return 0;
}

static int ci_index(lua_State *L)
{
    if (lua_type(L, 2) != LUA_TSTRING) return 0;
    size_t n;
    const char *k = lua_tolstring(L, 2, &n);
    luaL_Buffer b;
    char *p = luaL_buffinitsize(L, &b, n);
    for (size_t i = 0; i < n; i++) p[i] = (char)tolower((unsigned char)k[i]);
    luaL_pushresultsize(&b, n);
    lua_rawget(L, 1);
    return 1;
}

static void trim(const char **s, const char **e)
{
    while (*s < *e && (**s == ' ' || **s == '\t')) (*s)++;
    while (*e > *s && ((*e)[-1] == ' ' || (*e)[-1] == '\t' || (*e)[-1] == '\r')) (*e)--;
}

static void add_header(lua_State *L, const char *line, const char *end)
{
    const char *colon = memchr(line, ':', (size_t)(end - line));
    if (!colon) return;
    const char *ns = line, *ne = colon, *vs = colon + 1, *ve = end;
    trim(&ns, &ne);
    trim(&vs, &ve);
    luaL_Buffer b;
    size_t n = (size_t)(ne - ns);
    char *p = luaL_buffinitsize(L, &b, n);
    for (size_t i = 0; i < n; i++) p[i] = (char)tolower((unsigned char)ns[i]);
    luaL_pushresultsize(&b, n);
    bool set_cookie = n == 10 && memcmp(lua_tostring(L, -1), "set-cookie", 10) == 0;
    lua_pushvalue(L, -1);
    if (lua_rawget(L, -3) == LUA_TSTRING && set_cookie) {
        lua_pop(L, 2); /* not joinable: the first stays (header_list has them all) */
        return;
    }
    if (lua_type(L, -1) == LUA_TSTRING) {
        lua_pushliteral(L, ", ");
        lua_pushlstring(L, vs, (size_t)(ve - vs));
        lua_concat(L, 3);
    } else {
        lua_pop(L, 1);
        lua_pushlstring(L, vs, (size_t)(ve - vs));
    }
    lua_rawset(L, -3);
}

void mt_response_push_headers(lua_State *L, const char *raw, size_t len)
{
    lua_createtable(L, 0, 8);
    size_t at = 0;
    bool first = true;
    while (raw && at < len) {
        const char *line = raw + at;
        const char *eol = memchr(line, '\n', len - at);
        size_t n = eol ? (size_t)(eol - line) : len - at;
        if (!first) add_header(L, line, line + n);
        first = false;
        at += n + 1;
    }
    luaL_getmetatable(L, RESPONSE_MT);
    lua_getfield(L, -1, "headers_mt");
    lua_setmetatable(L, -3);
    lua_pop(L, 1);
}

static int l_json(lua_State *L)
{
    response *r = luaL_checkudata(L, 1, RESPONSE_MT);
    if (mt_json_decode(L, r->buf->body.data ? r->buf->body.data : "", r->buf->body.len)) {
        const char *why = lua_tostring(L, -1);
        return luaL_error(L, "%s in the response of %s", why, r->buf->url.data);
    }
    return 1;
}

static void push_cached(lua_State *L, response *r, int uv)
{
    if (lua_getiuservalue(L, 1, uv) != LUA_TNIL) return;
    lua_pop(L, 1);
    if (uv == UV_BODY)
        lua_pushlstring(L, r->buf->body.data ? r->buf->body.data : "", r->buf->body.len);
    else
        mt_response_push_headers(L, r->buf->headers.data, r->buf->headers.len);
    lua_pushvalue(L, -1);
    lua_setiuservalue(L, 1, uv);
}

/* Calls fn(line, end, data) for every header line of the response. */
static void each_header(const mt_respbuf *b, void (*fn)(const char *, const char *, void *),
                        void *data)
{
    const char *raw = b->headers.data, *end = raw ? raw + b->headers.len : NULL;
    const char *line = raw ? memchr(raw, '\n', b->headers.len) : NULL; /* past the status */
    while (line && ++line < end) {
        const char *eol = memchr(line, '\n', (size_t)(end - line));
        fn(line, eol ? eol : end, data);
        line = eol;
    }
}

typedef struct {
    lua_State *L;
    const char *name;
    size_t len;
} header_query;

/* The value of a "name: value" line when it is q's name, else NULL. */
static const char *value_if(const char *line, const char *end, const char *name, size_t len,
                            const char **vend)
{
    const char *colon = memchr(line, ':', (size_t)(end - line));
    const char *ns = line, *ne = colon, *vs = colon + 1;
    if (!colon) return NULL;
    trim(&ns, &ne);
    if ((size_t)(ne - ns) != len || strncasecmp(ns, name, len) != 0) return NULL;
    *vend = end;
    trim(&vs, vend);
    return vs;
}

static void list_one(const char *line, const char *end, void *data)
{
    header_query *q = data;
    const char *ve, *v = value_if(line, end, q->name, q->len, &ve);
    if (!v) return;
    lua_pushlstring(q->L, v, (size_t)(ve - v));
    lua_rawseti(q->L, -2, (lua_Integer)lua_rawlen(q->L, -2) + 1);
}

/* resp:header_list(name): every value of a header, in order. */
static int l_header_list(lua_State *L)
{
    response *r = luaL_checkudata(L, 1, RESPONSE_MT);
    header_query q = {L, luaL_checklstring(L, 2, &q.len), 0};
    q.name = lua_tolstring(L, 2, &q.len);
    lua_newtable(L);
    each_header(r->buf, list_one, &q);
    return 1;
}

static void cookie_one(const char *line, const char *end, void *data)
{
    header_query *q = data;
    const char *ve, *v = value_if(line, end, "set-cookie", 10, &ve);
    if (!v) return;
    const char *semi = memchr(v, ';', (size_t)(ve - v)), *stop = semi ? semi : ve;
    const char *eq = memchr(v, '=', (size_t)(stop - v));
    if (!eq) return;
    const char *ns = v, *ne = eq, *vs = eq + 1, *vend = stop;
    trim(&ns, &ne);
    trim(&vs, &vend);
    lua_pushlstring(q->L, ns, (size_t)(ne - ns));
    lua_pushlstring(q->L, vs, (size_t)(vend - vs));
    lua_rawset(q->L, -3);
}

/* resp.cookies: name -> value of every Set-Cookie of this response. */
static void push_cookies(lua_State *L, response *r)
{
    header_query q = {L, NULL, 0};
    lua_newtable(L);
    each_header(r->buf, cookie_one, &q);
}

/* resp.reason: the status line's text, or the standard phrase (HTTP/2
 * sends none). */
static void push_reason(lua_State *L, const response *r)
{
    const char *raw = r->buf->headers.data;
    size_t len = r->buf->headers.len;
    const char *eol = raw ? memchr(raw, '\n', len) : NULL, *end = eol ? eol : raw + len;
    const char *sp = raw ? memchr(raw, ' ', (size_t)(end - raw)) : NULL;
    const char *text = sp ? memchr(sp + 1, ' ', (size_t)(end - sp - 1)) : NULL;
    if (text) {
        const char *s = text + 1, *e = end;
        trim(&s, &e);
        if (e > s) {
            lua_pushlstring(L, s, (size_t)(e - s));
            return;
        }
    }
    lua_pushstring(L, mt_http_reason(r->status));
}

static int l_index(lua_State *L)
{
    response *r = luaL_checkudata(L, 1, RESPONSE_MT);
    const char *k = luaL_checkstring(L, 2);
    if (strcmp(k, "status") == 0)
        lua_pushinteger(L, r->status);
    else if (strcmp(k, "body") == 0)
        push_cached(L, r, UV_BODY);
    else if (strcmp(k, "headers") == 0)
        push_cached(L, r, UV_HEADERS);
    else if (strcmp(k, "json") == 0)
        lua_pushcfunction(L, l_json);
    else if (strcmp(k, "url") == 0)
        lua_pushstring(L, r->buf->url.data ? r->buf->url.data : "");
    else if (strcmp(k, "elapsed") == 0)
        lua_pushnumber(L, r->elapsed);
    else if (strcmp(k, "ok") == 0)
        lua_pushboolean(L, r->ok && r->status >= 200);
    else if (strcmp(k, "truncated") == 0)
        lua_pushboolean(L, r->buf->dropped > 0);
    else if (strcmp(k, "size") == 0) /* as received: compressed, kept or not */
        lua_pushinteger(
            L, (lua_Integer)(r->buf->wire ? r->buf->wire : r->buf->body.len + r->buf->dropped));
    else if (strcmp(k, "reason") == 0)
        push_reason(L, r);
    else if (strcmp(k, "cookies") == 0)
        push_cookies(L, r);
    else if (strcmp(k, "header_list") == 0)
        lua_pushcfunction(L, l_header_list);
    else if (strcmp(k, "history") == 0) {
        if (lua_getiuservalue(L, 1, UV_HISTORY) == LUA_TNIL) {
            lua_pop(L, 1);
            lua_newtable(L);
        }
    } else
        lua_pushnil(L);
    return 1;
}

void mt_response_set_history(lua_State *L, int idx)
{
    idx = lua_absindex(L, idx);
    lua_pushvalue(L, -1);
    lua_setiuservalue(L, idx, UV_HISTORY);
    lua_pop(L, 1);
}

static int l_tostring(lua_State *L)
{
    response *r = luaL_checkudata(L, 1, RESPONSE_MT);
    lua_pushfstring(L, "<Response [%d] %s>", (int)r->status,
                    r->buf->url.data ? r->buf->url.data : "");
    return 1;
}

void mt_response_register(lua_State *L)
{
    luaL_newmetatable(L, RESPONSE_MT);
    lua_pushcfunction(L, l_index);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, l_gc);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, l_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_createtable(L, 0, 1);
    lua_pushcfunction(L, ci_index);
    lua_setfield(L, -2, "__index");
    lua_setfield(L, -2, "headers_mt");
    lua_pop(L, 1);
}

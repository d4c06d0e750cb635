/* session.c: the Lua session of a worker (session.h): the verbs, request,
 * worker_id, step, headers, args, cookies, ws_connect, and molotov.request
 * outside any session. A call's options go to the worker's exchange
 * (exchange.c), which builds, sends and answers it. Session defaults come
 * from setup's table; per-request options override them. */
#include "molotov/session.h"
#include "molotov/cookies.h"
#include "molotov/exchange.h"
#include "molotov/response.h"
#include "molotov/ws.h"
#include "molotov/url.h"

#include <ctype.h>
#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>

#define SESSION_MT "molotov.session"
#define UV_DEFAULTS 1
#define UV_HEADERS 2
#define UV_SEEDS 3 /* session-level cookies, put in the jar per host */

typedef struct {
    mt_worker *w;
    char **hosts; /* hosts the jar already holds the seed cookies for */
    int nhosts;
    bool has_defaults; /* setup returned options besides headers and cookies */
} session;

static void seed_for_host(lua_State *L, session *s, const char *url);

static mt_worker *running_worker(lua_State *L)
{
    mt_worker *w = mt_worker_of(L);
    if (!w || !lua_isyieldable(L))
        luaL_error(L, "HTTP requests can only be made from a scenario or a fixture");
    return w;
}

static const char *upper_method(lua_State *L, int idx)
{
    size_t n;
    const char *m = luaL_checklstring(L, idx, &n);
    luaL_argcheck(L, n > 0 && n < 16, idx, "bad HTTP method");
    char up[16];
    for (size_t i = 0; i < n; i++) {
        if (!isalpha((unsigned char)m[i])) luaL_argerror(L, idx, "bad HTTP method");
        up[i] = (char)toupper((unsigned char)m[i]);
    }
    lua_pushlstring(L, up, n);
    lua_replace(L, idx);
    return lua_tostring(L, idx);
}

static int session_call(lua_State *L, const char *method, int url_idx)
{
    session *s = luaL_checkudata(L, 1, SESSION_MT);
    mt_worker *w = running_worker(L);
    if (s->w != w) luaL_error(L, "this session belongs to worker %d", s->w->id);
    int o = url_idx + 1;
    lua_settop(L, o);
    seed_for_host(L, s, luaL_checkstring(L, url_idx));
    lua_getiuservalue(L, 1, UV_DEFAULTS);
    lua_getiuservalue(L, 1, UV_HEADERS);
    /* without session defaults, option lookups skip that table */
    mt_reqctx c = {.o = o, .d = s->has_defaults ? o + 1 : 0, .sh = o + 2};
    return mt_exchange_request(L, w, MT_SLOT_SESSION, method, url_idx, &c, 1);
}

static int l_verb(lua_State *L)
{
    return session_call(L, lua_tostring(L, lua_upvalueindex(1)), 2);
}

static int l_session_request(lua_State *L)
{
    return session_call(L, upper_method(L, 2), 3);
}

/* molotov.request([method,] url [, opts]): outside any session. */
static int l_request(lua_State *L)
{
    mt_worker *w = running_worker(L);
    const char *method = "GET";
    int url_idx = 1;
    if (lua_type(L, 2) == LUA_TSTRING) {
        method = upper_method(L, 1);
        url_idx = 2;
    }
    lua_settop(L, url_idx + 1);
    mt_reqctx c = {.o = url_idx + 1};
    return mt_exchange_request(L, w, MT_SLOT_AUX, method, url_idx, &c, 0);
}

static int l_index(lua_State *L)
{
    session *s = luaL_checkudata(L, 1, SESSION_MT);
    const char *k = luaL_checkstring(L, 2);
    if (strcmp(k, "worker_id") == 0)
        lua_pushinteger(L, s->w->id);
    else if (strcmp(k, "step") == 0)
        lua_pushinteger(L, s->w->step);
    else if (strcmp(k, "headers") == 0)
        lua_getiuservalue(L, 1, UV_HEADERS);
    else if (strcmp(k, "args") == 0)
        lua_rawgeti(L, LUA_REGISTRYINDEX, s->w->host->script->args_ref);
    else if (strcmp(k, "cookies") == 0)
        mt_cookies_push_all(L, mt_exchange_session_slot(s->w));
    else {
        lua_getfield(L, lua_upvalueindex(1), k); /* the methods */
    }
    return 1;
}

static int l_newindex(lua_State *L)
{
    luaL_checkudata(L, 1, SESSION_MT);
    const char *k = luaL_checkstring(L, 2);
    if (strcmp(k, "headers") != 0) return luaL_error(L, "session.%s is read-only", k);
    luaL_checktype(L, 3, LUA_TTABLE);
    lua_settop(L, 3);
    lua_setiuservalue(L, 1, UV_HEADERS);
    return 0;
}

static int l_tostring(lua_State *L)
{
    session *s = luaL_checkudata(L, 1, SESSION_MT);
    lua_pushfstring(L, "<Session of worker %d>", s->w->id);
    return 1;
}

/* Checks setup's `cookies` and keeps a copy as the session's seeds. */
static void keep_seed_cookies(lua_State *L, int self, int d)
{
    if (lua_getfield(L, d, "cookies") == LUA_TNIL) {
        lua_pop(L, 1);
        return;
    }
    luaL_argexpected(L, lua_istable(L, -1), 1, "table for cookies");
    int src = lua_gettop(L);
    lua_newtable(L);
    lua_pushnil(L);
    while (lua_next(L, src)) {
        mt_request_key_text(L, -2, "a cookie name");
        mt_request_text(L, -1, "a cookie value");
        lua_pushvalue(L, -2);
        lua_insert(L, -2);
        lua_rawset(L, -4);
    }
    lua_setiuservalue(L, self, UV_SEEDS);
    lua_pop(L, 1);
}

/* Session cookies go to every host: the first request to a host puts them in
 * the jar for it, where the server's own Set-Cookie may then replace them. */
static void seed_for_host(lua_State *L, session *s, const char *url)
{
    if (lua_getiuservalue(L, 1, UV_SEEDS) != LUA_TTABLE) {
        lua_pop(L, 1);
        return;
    }
    char host[256];
    mt_url_host(url, host, sizeof(host));
    for (int i = 0; i < s->nhosts; i++) {
        if (strcmp(s->hosts[i], host) == 0) {
            lua_pop(L, 1);
            return;
        }
    }
    s->hosts = mt_realloc(s->hosts, sizeof(char *) * (size_t)(s->nhosts + 1));
    s->hosts[s->nhosts++] = mt_strdup(host);
    lua_pushnil(L);
    while (lua_next(L, -2)) {
        mt_jar_set(mt_http_jar(mt_exchange_session_slot(s->w)), host, NULL, lua_tostring(L, -2),
                   lua_tostring(L, -1), false);
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
}

static int l_gc(lua_State *L)
{
    session *s = luaL_checkudata(L, 1, SESSION_MT);
    for (int i = 0; i < s->nhosts; i++) free(s->hosts[i]);
    free(s->hosts);
    s->hosts = NULL;
    s->nhosts = 0;
    return 0;
}

void mt_session_push(lua_State *L, mt_worker *w, int d)
{
    if (d && !lua_istable(L, d)) luaL_error(L, "setup must return nil or a table of options");
    if (d) mt_request_check_names(L, d);
    session *s = lua_newuserdatauv(L, sizeof(*s), 3);
    memset(s, 0, sizeof(*s));
    s->w = w;
    luaL_setmetatable(L, SESSION_MT);
    int self = lua_gettop(L);
    lua_newtable(L); /* the defaults, copied so setup's table stays the script's */
    lua_newtable(L); /* session.headers */
    if (d) {
        lua_pushnil(L);
        while (lua_next(L, d)) {
            lua_pushvalue(L, -2);
            lua_insert(L, -2);
            lua_rawset(L, -5);
        }
        if (lua_getfield(L, d, "headers") == LUA_TTABLE) {
            lua_pushnil(L);
            while (lua_next(L, -2)) {
                lua_pushvalue(L, -2);
                lua_insert(L, -2);
                lua_rawset(L, -5);
            }
        }
        lua_pop(L, 1);
        keep_seed_cookies(L, self, d);
    }
    lua_setiuservalue(L, self, UV_HEADERS);
    lua_pushnil(L); /* headers live in UV_HEADERS, not in the defaults */
    lua_setfield(L, -2, "headers");
    lua_pushnil(L); /* cookies are in the jar */
    lua_setfield(L, -2, "cookies");
    lua_pushnil(L);
    s->has_defaults = lua_next(L, -2) != 0;
    if (s->has_defaults) lua_pop(L, 2);
    lua_setiuservalue(L, self, UV_DEFAULTS);
}

static mt_http *session_slot(lua_State *L, int idx)
{
    session *s = luaL_checkudata(L, idx, SESSION_MT);
    return mt_exchange_session_slot(s->w);
}

/* For ws_connect: the session's seed cookies put in the jar for url, then
 * its headers and defaults pushed (nil when it has none). */
static void session_options(lua_State *L, int idx, const char *url)
{
    session *s = luaL_checkudata(L, idx, SESSION_MT);
    if (s->w != mt_worker_of(L)) luaL_error(L, "this session belongs to worker %d", s->w->id);
    seed_for_host(L, s, url);
    lua_getiuservalue(L, idx, UV_HEADERS);
    if (s->has_defaults)
        lua_getiuservalue(L, idx, UV_DEFAULTS);
    else
        lua_pushnil(L);
}

void mt_session_register(lua_State *L)
{
    static const char *const verbs[] = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"};
    mt_response_register(L);
    luaL_newmetatable(L, SESSION_MT);
    lua_createtable(L, 0, 8); /* methods */
    for (size_t i = 0; i < sizeof(verbs) / sizeof(*verbs); i++) {
        char lower[8];
        size_t n = strlen(verbs[i]);
        for (size_t j = 0; j <= n; j++) lower[j] = (char)tolower((unsigned char)verbs[i][j]);
        lua_pushstring(L, verbs[i]);
        lua_pushcclosure(L, l_verb, 1);
        lua_setfield(L, -2, lower);
    }
    lua_pushcfunction(L, l_session_request);
    lua_setfield(L, -2, "request");
    mt_cookies_register(L, session_slot);
    mt_ws_register(L, session_slot, session_options);
    lua_pushcclosure(L, l_index, 1);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, l_newindex);
    lua_setfield(L, -2, "__newindex");
    lua_pushcfunction(L, l_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_pushcfunction(L, l_gc);
    lua_setfield(L, -2, "__gc");
    lua_pop(L, 1);
    lua_pushcfunction(L, l_request);
    lua_setfield(L, -2, "request");
}

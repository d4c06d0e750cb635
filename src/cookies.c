/* cookies.c: the session's cookie jar for scripts (cookies.h): read every
 * live cookie, the ones a URL would get (domain, path, secure, expiry, as
 * every request sends them: jar.h), set one, or empty the jar. */
#include "molotov/cookies.h"

#include <lauxlib.h>
#include <string.h>
#include <time.h>

static void push_cookie(const mt_cookie *c, void *data)
{
    lua_State *L = data;
    lua_createtable(L, 0, 8);
    lua_pushstring(L, c->name);
    lua_setfield(L, -2, "name");
    lua_pushstring(L, c->value);
    lua_setfield(L, -2, "value");
    lua_pushstring(L, c->domain);
    lua_setfield(L, -2, "domain");
    lua_pushstring(L, c->path);
    lua_setfield(L, -2, "path");
    lua_pushboolean(L, c->secure);
    lua_setfield(L, -2, "secure");
    lua_pushboolean(L, c->http_only);
    lua_setfield(L, -2, "http_only");
    lua_pushinteger(L, (lua_Integer)c->expires);
    lua_setfield(L, -2, "expires");
    if (c->same_site[0]) {
        lua_pushstring(L, c->same_site);
        lua_setfield(L, -2, "same_site");
    }
    lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
}

void mt_cookies_push_all(lua_State *L, mt_http *h)
{
    lua_newtable(L);
    mt_jar_each(mt_http_jar(h), (long long)time(NULL), push_cookie, L);
}

static mt_http *(*slot)(lua_State *L, int idx);

typedef struct {
    lua_State *L;
    const char *url;
    long long now;
} match_ctx;

static void push_if_sent(const mt_cookie *c, void *data)
{
    match_ctx *m = data;
    if (!mt_jar_matches(c, m->url, m->now)) return;
    lua_pushstring(m->L, c->value);
    lua_setfield(m->L, -2, c->name);
}

/* session:cookies_for(url): name -> value of the cookies url would get. */
static int l_cookies_for(lua_State *L)
{
    mt_http *h = slot(L, 1);
    match_ctx m = {L, luaL_checkstring(L, 2), (long long)time(NULL)};
    lua_newtable(L);
    mt_jar_each(mt_http_jar(h), m.now, push_if_sent, &m);
    return 1;
}

static const char *opt_string(lua_State *L, int t, const char *k)
{
    if (!t || lua_getfield(L, t, k) == LUA_TNIL) return NULL;
    if (!lua_isstring(L, -1)) luaL_error(L, "set_cookie: %s must be a string", k);
    return lua_tostring(L, -1);
}

static void check_token(lua_State *L, const char *what, const char *s)
{
    if (!*s || strpbrk(s, "\t\r\n;"))
        luaL_error(L, "set_cookie: the %s must not be empty nor hold tabs, ';' or line breaks",
                   what);
}

/* session:set_cookie(name, value, { domain =, path =, secure = }). */
static int l_set_cookie(lua_State *L)
{
    mt_http *h = slot(L, 1);
    const char *name = luaL_checkstring(L, 2), *value = luaL_checkstring(L, 3);
    int t = lua_istable(L, 4) ? 4 : 0;
    const char *domain = opt_string(L, t, "domain"), *path = opt_string(L, t, "path");
    bool secure = t && lua_getfield(L, t, "secure") != LUA_TNIL && lua_toboolean(L, -1);
    if (!domain) luaL_error(L, "set_cookie: give the domain ({ domain = \"example.com\" })");
    check_token(L, "name", name);
    check_token(L, "domain", domain);
    if (strpbrk(value, "\t\r\n;")) check_token(L, "value", value);
    if (path) check_token(L, "path", path);
    mt_jar_set(mt_http_jar(h), domain, path, name, value, secure);
    return 0;
}

static int l_clear_cookies(lua_State *L)
{
    mt_jar_clear(mt_http_jar(slot(L, 1)));
    return 0;
}

void mt_cookies_register(lua_State *L, mt_http *(*slot_of)(lua_State *L, int idx))
{
    slot = slot_of;
    lua_pushcfunction(L, l_cookies_for);
    lua_setfield(L, -2, "cookies_for");
    lua_pushcfunction(L, l_set_cookie);
    lua_setfield(L, -2, "set_cookie");
    lua_pushcfunction(L, l_clear_cookies);
    lua_setfield(L, -2, "clear_cookies");
}

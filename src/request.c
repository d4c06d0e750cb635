/* request.c: a Lua request's options checked and turned into an
 * mt_http_req (request.h). The request's own options win over the
 * session's defaults; every check runs before the header list and the mime
 * body are made, so a Lua error leaks nothing. */
#include "molotov/request.h"
#include "molotov/json.h"
#include "molotov/multipart.h"
#include "molotov/stats.h"
#include "molotov/url.h"

#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>

static const char *const known_options[] = {
    "headers",
    "params",
    "body",
    "json",
    "form",
    "files",
    "timeout",
    "connect_timeout",
    "follow_redirects",
    "max_redirects",
    "auth",
    "cookies",
    "verify",
    "http_version",
    "name",
    "expect",
    "compress",
    "proxy",
    "proxy_auth",
    NULL,
};

void mt_check_option_names(lua_State *L, int idx, const char *const *known, const char *what)
{
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        lua_pop(L, 1);
        const char *k = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
        int i = 0;
        while (k && known[i] && strcmp(known[i], k) != 0) i++;
        if (!k || !known[i])
            luaL_error(L, "unknown %s option '%s'", what, luaL_tolstring(L, -1, NULL));
    }
}

void mt_request_check_names(lua_State *L, int idx)
{
    mt_check_option_names(L, idx, known_options, "request");
}

/* Pushes option k from the request options (o) or else the session defaults
 * (d); either index may be 0. Returns the type pushed. */
static int opt(lua_State *L, int o, int d, const char *k)
{
    if (o && lua_getfield(L, o, k) != LUA_TNIL) return lua_type(L, -1);
    if (o) lua_pop(L, 1);
    if (d) return lua_getfield(L, d, k);
    lua_pushnil(L);
    return LUA_TNIL;
}

static const char *text(lua_State *L, int idx, const char *what)
{
    int t = lua_type(L, idx);
    if (t != LUA_TSTRING && t != LUA_TNUMBER)
        luaL_error(L, "%s must be a string, got %s", what, luaL_typename(L, idx));
    return lua_tostring(L, idx);
}

/* Keys must be strings: converting a number key in place would break lua_next. */
static const char *key_text(lua_State *L, int idx, const char *what)
{
    if (lua_type(L, idx) != LUA_TSTRING)
        luaL_error(L, "%s must be a string, got %s", what, luaL_typename(L, idx));
    return lua_tostring(L, idx);
}

static void encode_pairs(lua_State *L, int tab, mt_buf *out, char sep)
{
    lua_pushnil(L);
    while (lua_next(L, tab)) {
        size_t kl, vl;
        key_text(L, -2, "a parameter name");
        text(L, -1, "a parameter value");
        const char *k = lua_tolstring(L, -2, &kl);
        const char *v = lua_tolstring(L, -1, &vl);
        char last = out->len ? out->data[out->len - 1] : '?';
        if (last != '?' && last != sep) mt_buf_append(out, &sep, 1);
        mt_url_encode(out, k, kl);
        mt_buf_append(out, "=", 1);
        mt_url_encode(out, v, vl);
        lua_pop(L, 1);
    }
}

static const char *build_url(lua_State *L, mt_scratch *s, const char *url, int o, int d)
{
    int sp = d && opt(L, 0, d, "params") == LUA_TTABLE ? lua_gettop(L) : 0;
    int rp = o && opt(L, o, 0, "params") == LUA_TTABLE ? lua_gettop(L) : 0;
    if (!sp && !rp) return url;
    mt_buf *b = &s->url;
    mt_buf_reset(b);
    mt_buf_appends(b, url);
    mt_buf_appends(b, strchr(url, '?') ? "&" : "?");
    size_t base = b->len;
    if (sp) encode_pairs(L, sp, b, '&');
    if (rp) encode_pairs(L, rp, b, '&');
    if (b->len == base) b->data[--b->len] = '\0'; /* empty tables: no '?' */
    return b->data;
}

static bool has_key_ci(lua_State *L, int tab, const char *name)
{
    if (!tab) return false;
    bool found = false;
    lua_pushnil(L);
    while (!found && lua_next(L, tab)) {
        if (lua_type(L, -2) == LUA_TSTRING && strcasecmp(lua_tostring(L, -2), name) == 0)
            found = true;
        lua_pop(L, 1);
    }
    if (found) lua_pop(L, 1);
    return found;
}

/* A header line, checked by check_headers already (so nothing raises
 * while a list is held); false leaves out the transport's own header. */
static void append_header(lua_State *L, mt_headers **l, int k, int v)
{
    const char *name = lua_tostring(L, k);
    bool off = lua_type(L, v) == LUA_TBOOLEAN && !lua_toboolean(L, v);
    mt_headers_add_pair(l, name, off ? NULL : lua_tostring(L, v));
}

/* The checks append_header makes, on a whole table, before anything is
 * allocated (a Lua error then leaks nothing). */
static void check_headers(lua_State *L, int t)
{
    if (!t) return;
    lua_pushnil(L);
    while (lua_next(L, t)) {
        const char *name = key_text(L, -2, "a header name");
        if (!(lua_type(L, -1) == LUA_TBOOLEAN && !lua_toboolean(L, -1))) {
            const char *value = text(L, -1, "a header value");
            if (strpbrk(value, "\r\n") || strpbrk(name, "\r\n: "))
                luaL_error(L, "header '%s' contains a line break or a bad name", name);
        }
        lua_pop(L, 1);
    }
}

/* Session headers not overridden by the request's, then the request's. */
static void build_headers(lua_State *L, int sh, int rh, mt_headers **l)
{
    if (sh) {
        lua_pushnil(L);
        while (lua_next(L, sh)) {
            if (lua_type(L, -2) != LUA_TSTRING || !has_key_ci(L, rh, lua_tostring(L, -2)))
                append_header(L, l, lua_gettop(L) - 1, lua_gettop(L));
            lua_pop(L, 1);
        }
    }
    if (rh) {
        lua_pushnil(L);
        while (lua_next(L, rh)) {
            append_header(L, l, lua_gettop(L) - 1, lua_gettop(L));
            lua_pop(L, 1);
        }
    }
}

static const char *set_body(lua_State *L, mt_reqctx *c, mt_http_req *r)
{
    int nbody = 0;
    const char *ctype = NULL;
    if (opt(L, c->o, c->d, "body") != LUA_TNIL) {
        nbody++;
        r->body = text(L, -1, "body");
        r->body_len = lua_rawlen(L, -1);
        ctype = "text/plain; charset=utf-8";
    }
    if (opt(L, c->o, c->d, "json") != LUA_TNIL) {
        nbody++;
        char err[160];
        char *s = mt_json_encode(L, -1, err, sizeof(err));
        if (!s) luaL_error(L, "json option: %s", err);
        mt_buf_reset(&c->scratch->body);
        mt_buf_appends(&c->scratch->body, s);
        free(s);
        r->body = c->scratch->body.data;
        r->body_len = c->scratch->body.len;
        ctype = "application/json";
    }
    c->files = opt(L, c->o, c->d, "files") != LUA_TNIL ? lua_gettop(L) : 0;
    if (c->files) mt_multipart_check(L, c->files);
    c->form = 0;
    if (opt(L, c->o, c->d, "form") != LUA_TNIL) {
        luaL_argexpected(L, lua_istable(L, -1), lua_gettop(L), "table for form");
        c->form = lua_gettop(L);
    }
    if (c->form && !c->files) { /* with files, the fields are parts */
        nbody++;
        mt_buf_reset(&c->scratch->body);
        encode_pairs(L, lua_gettop(L), &c->scratch->body, '&');
        r->body = c->scratch->body.data ? c->scratch->body.data : "";
        r->body_len = c->scratch->body.len;
        ctype = "application/x-www-form-urlencoded";
    }
    if (nbody > 1 || (nbody && c->files))
        luaL_error(L, "give only one of body, json and form (or files, with form)");
    r->has_body = nbody == 1;
    return ctype;
}

static double seconds(lua_State *L, mt_reqctx *c, const char *k, double dflt)
{
    if (opt(L, c->o, c->d, k) == LUA_TNIL) return dflt;
    if (!lua_isnumber(L, -1) || lua_tonumber(L, -1) <= 0)
        luaL_error(L, "%s must be a positive number of seconds", k);
    return lua_tonumber(L, -1);
}

static bool flag(lua_State *L, mt_reqctx *c, const char *k, bool dflt)
{
    if (opt(L, c->o, c->d, k) == LUA_TNIL) return dflt;
    return lua_toboolean(L, -1);
}

/* A whole number option from 0 to max. */
static lua_Integer count(lua_State *L, mt_reqctx *c, const char *k, lua_Integer dflt,
                         lua_Integer max)
{
    if (opt(L, c->o, c->d, k) == LUA_TNIL) return dflt;
    lua_Integer n = lua_isinteger(L, -1) ? lua_tointeger(L, -1) : -1;
    if (n < 0 || n > max) luaL_error(L, "%s must be a whole number from 0 to %d", k, (int)max);
    return n;
}

/* proxy and proxy_auth (request, session, then --proxy); without any, no
 * proxy at all, not even the environment's, unless --trust-env. */
/* Seconds (more than 0) to whole milliseconds, at least 1: 0 would mean
 * no timeout at all to libcurl, and at once to a timer. */
static long to_ms(double s)
{
    double ms = s * 1000;
    return ms < 1 ? 1 : (long)(ms + 0.5);
}

static void set_proxy(lua_State *L, mt_reqctx *c, mt_http_req *r)
{
    const mt_options *o = c->opt;
    r->proxy = mt_http_default_proxy(o);
    if (opt(L, c->o, c->d, "proxy") != LUA_TNIL) r->proxy = text(L, -1, "proxy");
    if (opt(L, c->o, c->d, "proxy_auth") == LUA_TNIL) return;
    int t = lua_gettop(L);
    if (!lua_istable(L, t)) luaL_error(L, "proxy_auth must be { user, password }");
    lua_rawgeti(L, t, 1);
    lua_rawgeti(L, t, 2);
    r->proxy_user = text(L, -2, "proxy_auth user");
    r->proxy_password = text(L, -1, "proxy_auth password");
}

static void set_auth(lua_State *L, mt_reqctx *c, mt_http_req *r)
{
    if (opt(L, c->o, c->d, "auth") == LUA_TNIL) return;
    int t = lua_gettop(L);
    if (!lua_istable(L, t)) luaL_error(L, "auth must be { user, password }");
    lua_rawgeti(L, t, 1);
    lua_rawgeti(L, t, 2);
    r->user = text(L, -2, "auth user");
    r->password = text(L, -1, "auth password");
}

static void set_cookies(lua_State *L, mt_reqctx *c, mt_http_req *r)
{
    if (!c->o || opt(L, c->o, 0, "cookies") == LUA_TNIL) return;
    luaL_argexpected(L, lua_istable(L, -1), lua_gettop(L), "table for cookies");
    mt_buf *b = &c->scratch->cookie;
    mt_buf_reset(b);
    lua_pushnil(L);
    while (lua_next(L, -2)) {
        mt_buf_printf(b, "%s%s=%s", b->len ? "; " : "", key_text(L, -2, "a cookie name"),
                      text(L, -1, "a cookie value"));
        lua_pop(L, 1);
    }
    r->cookie = b->len ? b->data : NULL;
}

static int version(lua_State *L, mt_reqctx *c, bool http2)
{
    if (opt(L, c->o, c->d, "http_version") == LUA_TNIL) return http2 ? 2 : 1;
    const char *v = lua_tostring(L, -1);
    if (v && (strcmp(v, "2") == 0 || strcmp(v, "2.0") == 0)) return 2;
    if (v && (strcmp(v, "1.1") == 0 || strcmp(v, "1") == 0)) return 1;
    return luaL_error(L, "http_version must be \"1.1\" or \"2\"");
}

static void expect_one(lua_State *L, mt_reqstate *st, int idx)
{
    lua_Integer code = lua_isinteger(L, idx) ? lua_tointeger(L, idx) : 0;
    if (code < 100 || code > 599)
        luaL_error(L, "expect: status codes are integers from 100 to 599");
    if (st->nexpect == MT_MAX_EXPECT)
        luaL_error(L, "expect: at most %d status codes", MT_MAX_EXPECT);
    st->expect[st->nexpect++] = (short)code;
}

/* The `expect` option: the statuses that are not failures (a code or a
 * list of them); none given, a status >= 400 is one. */
static void set_expect(lua_State *L, mt_reqctx *c, mt_reqstate *st)
{
    st->nexpect = 0;
    int t = opt(L, c->o, c->d, "expect");
    if (t == LUA_TNIL) return;
    int idx = lua_gettop(L);
    if (t == LUA_TNUMBER) {
        expect_one(L, st, idx);
        return;
    }
    if (t != LUA_TTABLE) luaL_error(L, "expect must be a status code or a list of them");
    lua_Integer n = (lua_Integer)lua_rawlen(L, idx);
    if (n == 0) luaL_error(L, "expect must list at least one status code");
    for (lua_Integer i = 1; i <= n; i++) {
        lua_rawgeti(L, idx, i);
        expect_one(L, st, lua_gettop(L));
        lua_pop(L, 1);
    }
}

void mt_request_build(lua_State *L, mt_reqctx *c, const char *method, const char *url,
                      mt_reqstate *st)
{
    const mt_options *o = c->opt;
    mt_http_req *r = &st->req;
    luaL_checkstack(L, 60, "request options");
    if (c->o) mt_request_check_names(L, c->o);
    set_expect(L, c, st);
    memset(r, 0, sizeof(*r));
    r->method = method;
    r->url = build_url(L, c->scratch, url, c->o, c->d);
    c->rh = c->o && opt(L, c->o, 0, "headers") == LUA_TTABLE ? lua_gettop(L) : 0;
    const char *ctype = set_body(L, c, r);
    /* everything that may raise, before the header list and the mime body exist */
    r->timeout_ms = to_ms(seconds(L, c, "timeout", o->timeout));
    r->connect_timeout_ms = to_ms(seconds(L, c, "connect_timeout", o->connect_timeout));
    st->follow = flag(L, c, "follow_redirects", true);
    st->max_redirects = (int)count(L, c, "max_redirects", 10, 1000);
    r->compress = flag(L, c, "compress", true);
    r->verify = flag(L, c, "verify", !o->insecure);
    set_proxy(L, c, r);
    r->http_version = version(L, c, o->http2);
    set_auth(L, c, r);
    set_cookies(L, c, r);
    if (opt(L, c->o, c->d, "name") != LUA_TNIL) c->label = text(L, -1, "name");
    check_headers(L, c->sh);
    check_headers(L, c->rh);
    mt_headers *l = NULL;
    if (ctype && !has_key_ci(L, c->sh, "content-type") && !has_key_ci(L, c->rh, "content-type"))
        mt_headers_add_pair(&l, "Content-Type", ctype);
    if (r->body_len > 1024 || c->files) mt_headers_add(&l, "Expect:");
    build_headers(L, c->sh, c->rh, &l);
    r->headers = l;
    if (c->files) r->mime = mt_multipart_build(L, c->h, c->files, c->form);
    st->slot = c->h;
    st->named = c->label != NULL;
    mt_request_set_label(st, c->label, method, r->url);
    mt_url_origin(r->url, st->origin, sizeof(st->origin));
}

void mt_request_set_label(mt_reqstate *st, const char *name, const char *method, const char *url)
{
    if (name) {
        mt_strlcpyn(st->label, sizeof(st->label), name, strlen(name));
        return;
    }
    char *end = st->label + mt_strlcpyn(st->label, 16, method, strlen(method)); /* "METHOD " */
    *end++ = ' ';
    mt_url_path(url, end, 200);
}

bool mt_request_status_failed(const mt_reqstate *st, long code)
{
    if (!st->nexpect) return mt_stats_status_failed(code);
    for (int i = 0; i < st->nexpect; i++)
        if (st->expect[i] == code) return false;
    return true;
}

const char *mt_request_text(lua_State *L, int idx, const char *what)
{
    return text(L, idx, what);
}

const char *mt_request_key_text(lua_State *L, int idx, const char *what)
{
    return key_text(L, idx, what);
}

void mt_scratch_free(mt_scratch *s)
{
    mt_buf_free(&s->url);
    mt_buf_free(&s->body);
    mt_buf_free(&s->cookie);
}

/* session.c: turns a Lua request (verb, url, options) into an mt_http_req,
 * starts it, yields the worker, and on resumption returns the response or
 * raises "<kind>: <url>". Session defaults come from setup's table;
 * per-request options override them. */
#include "molotov/session.h"
#include "molotov/cookies.h"
#include "molotov/json.h"
#include "molotov/multipart.h"
#include "molotov/response.h"
#include "molotov/ws.h"

#include <ctype.h>
#include <stdio.h>
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

static void check_option_names(lua_State *L, int idx)
{
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        lua_pop(L, 1);
        const char *k = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
        int i = 0;
        while (k && known_options[i] && strcmp(known_options[i], k) != 0) i++;
        if (!k || !known_options[i])
            luaL_error(L, "unknown request option '%s'", luaL_tolstring(L, -1, NULL));
    }
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
        mt_http_urlencode(out, k, kl);
        mt_buf_append(out, "=", 1);
        mt_http_urlencode(out, v, vl);
        lua_pop(L, 1);
    }
}

static const char *build_url(lua_State *L, mt_http *h, const char *url, int o, int d)
{
    int sp = d && opt(L, 0, d, "params") == LUA_TTABLE ? lua_gettop(L) : 0;
    int rp = o && opt(L, o, 0, "params") == LUA_TTABLE ? lua_gettop(L) : 0;
    if (!sp && !rp) return url;
    mt_buf *b = &h->scratch_url;
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

static struct curl_slist *append_header(lua_State *L, struct curl_slist *l, int k, int v)
{
    const char *name = key_text(L, k, "a header name");
    mt_buf line;
    mt_buf_init(&line);
    if (lua_type(L, v) == LUA_TBOOLEAN && !lua_toboolean(L, v)) {
        mt_buf_printf(&line, "%s:", name); /* false: do not send this header */
    } else {
        const char *value = text(L, v, "a header value");
        if (strpbrk(value, "\r\n") || strpbrk(name, "\r\n: "))
            luaL_error(L, "header '%s' contains a line break or a bad name", name);
        mt_buf_printf(&line, "%s: %s", name, value);
    }
    struct curl_slist *n = curl_slist_append(l, line.data);
    mt_buf_free(&line);
    if (!n) luaL_error(L, "out of memory building headers");
    return n;
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
static struct curl_slist *build_headers(lua_State *L, int sh, int rh, struct curl_slist *l)
{
    if (sh) {
        lua_pushnil(L);
        while (lua_next(L, sh)) {
            if (lua_type(L, -2) != LUA_TSTRING || !has_key_ci(L, rh, lua_tostring(L, -2)))
                l = append_header(L, l, lua_gettop(L) - 1, lua_gettop(L));
            lua_pop(L, 1);
        }
    }
    if (rh) {
        lua_pushnil(L);
        while (lua_next(L, rh)) {
            l = append_header(L, l, lua_gettop(L) - 1, lua_gettop(L));
            lua_pop(L, 1);
        }
    }
    return l;
}

typedef struct {
    int o, d, sh, rh; /* stack indexes: options, defaults, headers (0 = none) */
    int files, form;  /* and the files and form tables */
    mt_worker *w;
    mt_http *h;
    const mt_options *opt;
    const char *label; /* the name option, or NULL */
} req_ctx;

static const char *set_body(lua_State *L, req_ctx *c, mt_http_req *r)
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
        mt_buf_reset(&c->h->scratch_body);
        mt_buf_appends(&c->h->scratch_body, s);
        free(s);
        r->body = c->h->scratch_body.data;
        r->body_len = c->h->scratch_body.len;
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
        mt_buf_reset(&c->h->scratch_body);
        encode_pairs(L, lua_gettop(L), &c->h->scratch_body, '&');
        r->body = c->h->scratch_body.data ? c->h->scratch_body.data : "";
        r->body_len = c->h->scratch_body.len;
        ctype = "application/x-www-form-urlencoded";
    }
    if (nbody > 1 || (nbody && c->files))
        luaL_error(L, "give only one of body, json and form (or files, with form)");
    r->has_body = nbody == 1;
    return ctype;
}

static double seconds(lua_State *L, req_ctx *c, const char *k, double dflt)
{
    if (opt(L, c->o, c->d, k) == LUA_TNIL) return dflt;
    if (!lua_isnumber(L, -1) || lua_tonumber(L, -1) <= 0)
        luaL_error(L, "%s must be a positive number of seconds", k);
    return lua_tonumber(L, -1);
}

static bool flag(lua_State *L, req_ctx *c, const char *k, bool dflt)
{
    if (opt(L, c->o, c->d, k) == LUA_TNIL) return dflt;
    return lua_toboolean(L, -1);
}

/* A whole number option from 0 to max. */
static lua_Integer count(lua_State *L, req_ctx *c, const char *k, lua_Integer dflt, lua_Integer max)
{
    if (opt(L, c->o, c->d, k) == LUA_TNIL) return dflt;
    lua_Integer n = lua_isinteger(L, -1) ? lua_tointeger(L, -1) : -1;
    if (n < 0 || n > max) luaL_error(L, "%s must be a whole number from 0 to %d", k, (int)max);
    return n;
}

/* proxy and proxy_auth (request, session, then --proxy); without any, no
 * proxy at all, not even the environment's, unless --trust-env. */
static void set_proxy(lua_State *L, req_ctx *c, mt_http_req *r)
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

static void set_auth(lua_State *L, req_ctx *c, mt_http_req *r)
{
    if (opt(L, c->o, c->d, "auth") == LUA_TNIL) return;
    int t = lua_gettop(L);
    if (!lua_istable(L, t)) luaL_error(L, "auth must be { user, password }");
    lua_rawgeti(L, t, 1);
    lua_rawgeti(L, t, 2);
    r->user = text(L, -2, "auth user");
    r->password = text(L, -1, "auth password");
}

static void set_cookies(lua_State *L, req_ctx *c, mt_http_req *r)
{
    if (!c->o || opt(L, c->o, 0, "cookies") == LUA_TNIL) return;
    luaL_argexpected(L, lua_istable(L, -1), lua_gettop(L), "table for cookies");
    mt_buf *b = &c->h->scratch_cookie;
    mt_buf_reset(b);
    lua_pushnil(L);
    while (lua_next(L, -2)) {
        mt_buf_printf(b, "%s%s=%s", b->len ? "; " : "", key_text(L, -2, "a cookie name"),
                      text(L, -1, "a cookie value"));
        lua_pop(L, 1);
    }
    r->cookie = b->len ? b->data : NULL;
}

static int version(lua_State *L, req_ctx *c, bool http2)
{
    if (opt(L, c->o, c->d, "http_version") == LUA_TNIL) return http2 ? 2 : 1;
    const char *v = lua_tostring(L, -1);
    if (v && (strcmp(v, "2") == 0 || strcmp(v, "2.0") == 0)) return 2;
    if (v && (strcmp(v, "1.1") == 0 || strcmp(v, "1") == 0)) return 1;
    return luaL_error(L, "http_version must be \"1.1\" or \"2\"");
}

static void expect_one(lua_State *L, mt_worker *w, int idx)
{
    lua_Integer code = lua_isinteger(L, idx) ? lua_tointeger(L, idx) : 0;
    if (code < 100 || code > 599)
        luaL_error(L, "expect: status codes are integers from 100 to 599");
    if (w->cur.nexpect == MT_MAX_EXPECT)
        luaL_error(L, "expect: at most %d status codes", MT_MAX_EXPECT);
    w->cur.expect[w->cur.nexpect++] = (short)code;
}

/* The `expect` option: the statuses that are not failures (a code or a
 * list of them); none given, a status >= 400 is one. */
static void set_expect(lua_State *L, req_ctx *c)
{
    mt_worker *w = c->w;
    w->cur.nexpect = 0;
    int t = opt(L, c->o, c->d, "expect");
    if (t == LUA_TNIL) return;
    int idx = lua_gettop(L);
    if (t == LUA_TNUMBER) {
        expect_one(L, w, idx);
        return;
    }
    if (t != LUA_TTABLE) luaL_error(L, "expect must be a status code or a list of them");
    lua_Integer n = (lua_Integer)lua_rawlen(L, idx);
    if (n == 0) luaL_error(L, "expect must list at least one status code");
    for (lua_Integer i = 1; i <= n; i++) {
        lua_rawgeti(L, idx, i);
        expect_one(L, w, lua_gettop(L));
        lua_pop(L, 1);
    }
}

static void build(lua_State *L, req_ctx *c, const char *method, const char *url, mt_http_req *r)
{
    const mt_options *o = c->opt;
    luaL_checkstack(L, 60, "request options");
    if (c->o) check_option_names(L, c->o);
    set_expect(L, c);
    memset(r, 0, sizeof(*r));
    r->method = method;
    r->url = build_url(L, c->h, url, c->o, c->d);
    c->rh = c->o && opt(L, c->o, 0, "headers") == LUA_TTABLE ? lua_gettop(L) : 0;
    const char *ctype = set_body(L, c, r);
    /* everything that may raise, before the header list and the mime body exist */
    r->timeout_ms = (long)(seconds(L, c, "timeout", o->timeout) * 1000);
    r->connect_timeout_ms = (long)(seconds(L, c, "connect_timeout", o->connect_timeout) * 1000);
    c->w->cur.follow = flag(L, c, "follow_redirects", true);
    c->w->cur.max_redirects = (int)count(L, c, "max_redirects", 10, 1000);
    r->compress = flag(L, c, "compress", true);
    r->verify = flag(L, c, "verify", !o->insecure);
    set_proxy(L, c, r);
    r->http_version = version(L, c, o->http2);
    set_auth(L, c, r);
    set_cookies(L, c, r);
    if (opt(L, c->o, c->d, "name") != LUA_TNIL) c->label = text(L, -1, "name");
    check_headers(L, c->sh);
    check_headers(L, c->rh);
    struct curl_slist *l = NULL;
    if (ctype && !has_key_ci(L, c->sh, "content-type") && !has_key_ci(L, c->rh, "content-type")) {
        mt_buf line;
        mt_buf_init(&line);
        mt_buf_printf(&line, "Content-Type: %s", ctype);
        l = curl_slist_append(l, line.data);
        mt_buf_free(&line);
    }
    if (r->body_len > 1024 || c->files) l = curl_slist_append(l, "Expect:");
    r->headers = build_headers(L, c->sh, c->rh, l);
    if (c->files) r->mime = mt_multipart_build(L, c->h->xfer.easy, c->files, c->form);
}

/* The sending_request info table, pushed: session, request. */
static void emit_request(lua_State *L, mt_worker *w, int self, const mt_http_req *r)
{
    (void)w;
    lua_createtable(L, 0, 2);
    int info = lua_gettop(L);
    if (self) {
        lua_pushvalue(L, self);
        lua_setfield(L, info, "session");
    }
    lua_createtable(L, 0, 4);
    lua_pushstring(L, r->method);
    lua_setfield(L, -2, "method");
    lua_pushstring(L, r->url);
    lua_setfield(L, -2, "url");
    lua_newtable(L);
    for (struct curl_slist *l = r->headers; l; l = l->next) {
        const char *colon = strchr(l->data, ':');
        if (!colon) continue;
        lua_pushlstring(L, l->data, (size_t)(colon - l->data));
        lua_pushstring(L, colon[1] == ' ' ? colon + 2 : colon + 1);
        lua_rawset(L, -3);
    }
    lua_setfield(L, -2, "headers");
    if (r->has_body)
        lua_pushlstring(L, r->body, r->body_len);
    else
        lua_pushnil(L);
    lua_setfield(L, -2, "body");
    lua_setfield(L, info, "request");
}

/* Whether an answer with `code` failed: not one `expect` listed, or >= 400. */
static bool status_failed(const mt_worker *w, long code)
{
    if (!w->cur.nexpect) return mt_stats_status_failed(code);
    for (int i = 0; i < w->cur.nexpect; i++)
        if (w->cur.expect[i] == code) return false;
    return true;
}

/* Whether the answer on h is a redirect the request will follow. */
static bool will_follow(const mt_worker *w, mt_http *h, long code)
{
    char *loc = NULL;
    if (!w->cur.follow || !mt_http_is_redirect(code) || w->hops >= w->cur.max_redirects)
        return false;
    curl_easy_getinfo(h->xfer.easy, CURLINFO_REDIRECT_URL, &loc);
    return loc != NULL;
}

/* Counts the request that ended on h: in the run's statistics, or apart
 * for global_setup/global_teardown's. A hop that is followed is never a
 * failed request: `expect` judges the final answer. Returns its status. */
static long record(mt_worker *w, mt_http *h, const char *kind, uint64_t *us_out)
{
    long code = 0;
    curl_off_t us = 0;
    curl_easy_getinfo(h->xfer.easy, CURLINFO_RESPONSE_CODE, &code);
    curl_easy_getinfo(h->xfer.easy, CURLINFO_TOTAL_TIME_T, &us);
    if (us <= 0) us = (curl_off_t)((mt_now_ns() - w->req_t0) / 1000); /* failed before curl timed */
    mt_runner *r = w->runner;
    if (r->statsd) mt_statsd_request(r->statsd, w->req_method, w->req_url, code, (double)us / 1e3);
    mt_request_rec q = {.label = w->cur.label,
                        .origin = w->cur.origin,
                        .named = w->cur.named,
                        .status = kind ? 0 : code,
                        .error_kind = kind,
                        .failed =
                            kind != NULL || (status_failed(w, code) && !will_follow(w, h, code)),
                        .latency_us = (uint64_t)us,
                        .t = mt_wall_s()};
    mt_stats_request(w->id < 0 ? &r->fixture_stats : &r->stats, &q);
    if (!kind || strcmp(kind, "invalid url") != 0) w->reached_network = true;
    *us_out = (uint64_t)us;
    return code;
}

static void set_label(mt_worker *w, const char *name, const char *method, const char *url);

/* Appends this hop to resp.history ({ status =, url = }), made on the
 * first hop and kept on the coroutine's stack (w->history_idx). */
static void add_history(lua_State *L, mt_worker *w, long code, mt_http *h)
{
    if (!w->history_idx) {
        lua_newtable(L);
        w->history_idx = lua_gettop(L);
    }
    char *url = NULL;
    curl_easy_getinfo(h->xfer.easy, CURLINFO_EFFECTIVE_URL, &url);
    char *masked = url ? mt_mask_url(url) : NULL;
    lua_createtable(L, 0, 2);
    lua_pushinteger(L, code);
    lua_setfield(L, -2, "status");
    lua_pushstring(L, masked ? masked : url ? url : "");
    lua_setfield(L, -2, "url");
    lua_rawseti(L, w->history_idx, (lua_Integer)lua_rawlen(L, w->history_idx) + 1);
    free(masked);
}

/* A redirect the request follows: its hop is counted (record() did) and
 * kept in resp.history, and the request goes again to the Location, by the
 * redirect rules of mt_http_redirect_method. Returns false when this
 * answer is the response; raises past max_redirects. */
static bool follow_next(lua_State *L, mt_worker *w, mt_http *h, long code)
{
    char *loc = NULL;
    if (!w->cur.follow || !mt_http_is_redirect(code)) return false;
    curl_easy_getinfo(h->xfer.easy, CURLINFO_REDIRECT_URL, &loc);
    if (!loc) return false; /* a 3xx without a Location is the answer itself */
    luaL_checkstack(L, 4, "redirects");
    if (w->hops >= w->cur.max_redirects) {
        mt_respbuf_put(mt_http_take(h));
        luaL_error(L, "too many redirects: %s (more than %d)", w->req_url, w->cur.max_redirects);
    }
    add_history(L, w, code, h);
    w->hops++;
    lua_pushstring(L, loc); /* anchored on the stack for the hop's life */
    mt_http_req *r = &w->cur.req;
    bool keep_body;
    r->method = mt_http_redirect_method(code, r->method, &keep_body);
    if (!keep_body) r->has_body = false, r->body = NULL, r->body_len = 0, r->mime = NULL;
    r->url = lua_tostring(L, -1);
    char origin[sizeof w->cur.origin];
    mt_http_url_origin(r->url, origin, sizeof origin);
    bool other = strcmp(origin, w->cur.origin) != 0;
    if (other) r->user = r->password = NULL; /* credentials stay with their origin */
    w->req_t0 = mt_now_ns();
    if (mt_http_resend(h, w->runner->engine, r, other))
        luaL_error(L, "libcurl refused %s %s", r->method, r->url);
    w->req_method = r->method;
    w->req_url = r->url;
    if (!w->cur.named) set_label(w, NULL, r->method, r->url);
    memcpy(w->cur.origin, origin, sizeof origin);
    w->busy = h;
    w->wait = MT_WAIT_HTTP;
    return true;
}

/* After the response_received listeners: the response (at ctx) again. */
static int give_response(lua_State *L, int status, lua_KContext ctx)
{
    (void)status;
    lua_pushvalue(L, (int)ctx);
    return 1;
}

static int finish(lua_State *L, int status, lua_KContext info)
{
    (void)status;
    mt_worker *w = mt_worker_of(L);
    mt_http *h = w->busy;
    w->busy = NULL;
    w->wait = MT_WAIT_NONE;
    mt_stats *st = w->id < 0 ? &w->runner->fixture_stats : &w->runner->stats;
    CURLcode rc = h->xfer.result;
    const char *kind = rc != CURLE_OK ? mt_http_error_kind(rc, h->xfer.easy) : NULL;
    uint64_t us;
    long code = record(w, h, kind, &us);
    if (!kind && follow_next(L, w, h, code)) return lua_yieldk(L, 0, info, finish);
    if (kind) {
        mt_respbuf *buf = mt_http_take(h);
        const char *url = buf->url.data ? buf->url.data : "";
        if (strcmp(kind, "tls error") == 0 && h->errbuf[0]) /* name the certificate problem */
            lua_pushfstring(L, "%s: %s (%s)", kind, url, h->errbuf);
        else
            lua_pushfstring(L, "%s: %s", kind, url);
        mt_respbuf_put(buf);
        return lua_error(L);
    }
    mt_respbuf *buf = mt_http_take(h);
    if (buf->dropped) st->truncated++;
    (void)us;
    double elapsed = (double)(mt_now_ns() - w->first_t0) / 1e9; /* every hop */
    mt_response_push(L, code, !status_failed(w, code), elapsed, buf);
    if (w->history_idx) {
        lua_pushvalue(L, w->history_idx);
        mt_response_set_history(L, -2);
    }
    if (info && !w->lco) {
        lua_pushvalue(L, -1);
        lua_setfield(L, (int)info, "response");
        lua_pushvalue(L, (int)info);
        return mt_worker_emit(L, w, "response_received", give_response, lua_gettop(L) - 1);
    }
    return 1;
}

static mt_worker *running_worker(lua_State *L)
{
    mt_worker *w = mt_worker_of(L);
    if (!w || !lua_isyieldable(L))
        luaL_error(L, "HTTP requests can only be made from a scenario or a fixture");
    return w;
}

/* The common path of every verb: stack holds url at url_idx, options at o. */
/* The label a request's statistics go under: its name option, or
 * "METHOD /path" without the query. */
static void set_label(mt_worker *w, const char *name, const char *method, const char *url)
{
    if (name) {
        mt_strlcpyn(w->cur.label, sizeof(w->cur.label), name, strlen(name));
        return;
    }
    char *end =
        w->cur.label + mt_strlcpyn(w->cur.label, 16, method, strlen(method)); /* "METHOD " */
    *end++ = ' ';
    mt_http_url_path(url, end, 200);
}

/* Sends the request the worker holds (w->cur.req on w->cur.slot), then waits for it. */
static int send_request(lua_State *L, int status, lua_KContext info)
{
    (void)status;
    mt_worker *w = mt_worker_of(L);
    mt_http *h = w->cur.slot;
    w->req_t0 = w->first_t0 = mt_now_ns();
    w->hops = 0;
    w->history_idx = 0;
    if (mt_http_send(h, w->runner->engine, &w->cur.req))
        luaL_error(L, "libcurl refused %s %s", w->cur.req.method, w->cur.req.url);
    w->req_method = w->cur.req.method;
    w->req_url = w->cur.req.url;
    w->busy = h;
    w->wait = MT_WAIT_HTTP;
    return lua_yieldk(L, 0, info, finish);
}

/* After the sending_request listeners (which may have made requests of
 * their own): the request they were told about, back, and sent. */
static int send_pending(lua_State *L, int status, lua_KContext info)
{
    mt_worker *w = mt_worker_of(L);
    w->cur = w->pending;
    w->req_unsent = false;
    return send_request(L, status, info);
}

/* Before the sending_request listeners: the request's state kept, and its
 * strings that live in the slot's scratch buffers (which a listener's own
 * request on that slot reuses) copied onto the coroutine's stack. */
static void keep_pending(lua_State *L, mt_worker *w)
{
    mt_http_req *r = &w->cur.req;
    lua_pushstring(L, r->url);
    r->url = lua_tostring(L, -1);
    if (r->has_body) {
        lua_pushlstring(L, r->body, r->body_len);
        r->body = lua_tostring(L, -1);
    }
    if (r->cookie) {
        lua_pushstring(L, r->cookie);
        r->cookie = lua_tostring(L, -1);
    }
    w->pending = w->cur;
    w->req_unsent = true;
}

static int request(lua_State *L, mt_worker *w, mt_http *h, const char *method, int url_idx,
                   req_ctx *c, int self)
{
    const char *url = luaL_checkstring(L, url_idx);
    if (c->o && !lua_istable(L, c->o)) c->o = 0;
    mt_http_req r;
    c->w = w;
    c->h = h;
    c->opt = w->runner->opt;
    build(L, c, method, url, &r);
    w->cur.req = r;
    w->cur.slot = h;
    set_label(w, c->label, method, r.url);
    w->cur.named = c->label != NULL;
    mt_http_url_origin(r.url, w->cur.origin, sizeof(w->cur.origin));
    if (!w->runner->script->nlisteners || w->lco) return send_request(L, LUA_OK, 0);
    emit_request(L, w, self, &r);
    int info = lua_gettop(L);
    keep_pending(L, w);
    lua_pushvalue(L, info);
    return mt_worker_emit(L, w, "sending_request", send_pending, (lua_KContext)info);
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
    req_ctx c = {.o = o, .d = s->has_defaults ? o + 1 : 0, .sh = o + 2};
    return request(L, w, &w->http, method, url_idx, &c, 1);
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
    if (!w->aux) {
        w->aux = mt_calloc(1, sizeof(mt_http));
        if (mt_http_init(w->aux, w->runner->engine, w->http.xfer.done, w, w->runner->opt))
            luaL_error(L, "libcurl could not create a handle");
    }
    lua_settop(L, url_idx + 1);
    req_ctx c = {.o = url_idx + 1};
    return request(L, w, w->aux, method, url_idx, &c, 0);
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
        lua_rawgeti(L, LUA_REGISTRYINDEX, s->w->runner->script->args_ref);
    else if (strcmp(k, "cookies") == 0)
        mt_cookies_push_all(L, &s->w->http);
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
        key_text(L, -2, "a cookie name");
        text(L, -1, "a cookie value");
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
    mt_http_url_host(url, host, sizeof(host));
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
        mt_http_set_cookie(&s->w->http, host, NULL, lua_tostring(L, -2), lua_tostring(L, -1),
                           false);
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
    if (d) check_option_names(L, d);
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
    return &s->w->http;
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

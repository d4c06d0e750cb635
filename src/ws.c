/* ws.c: WebSockets as scripts see them (ws.h): session:ws_connect(url,
 * opts) (the session's headers, cookies, auth, TLS and proxy options in the
 * handshake) and the ws object: send, send_binary, receive, ping, close,
 * url, closed. The connection itself is ws_conn.c's (ws_conn.h), the
 * upgrade request ws_handshake.c's. */
#include "molotov/ws.h"
#include "molotov/http.h"
#include "molotov/request.h"
#include "molotov/ws_conn.h"
#include "molotov/ws_handshake.h"

#include <lauxlib.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

#define WS_MT "molotov.websocket"

static mt_http *(*session_slot)(lua_State *L, int idx);
static void (*session_options)(lua_State *L, int idx, const char *url);

/* ---- Lua: the ws object ---- */

static mt_ws *check(lua_State *L)
{
    mt_ws **box = luaL_checkudata(L, 1, WS_MT);
    return *box;
}

static int raise_pending(lua_State *L, mt_ws *ws)
{
    lua_pushstring(L, ws->err);
    return lua_error(L);
}

/* A call on a connection that failed or ended raises why. */
static void usable(lua_State *L, mt_ws *ws)
{
    if (ws->err[0]) raise_pending(L, ws);
    if (ws->state != MT_WS_OPEN) luaL_error(L, "closed: %s", ws->url);
    if (mt_worker_of(L) == NULL || !lua_isyieldable(L))
        luaL_error(L, "WebSocket calls can only be made from a scenario or a fixture");
}

static int k_flushed(lua_State *L, int status, lua_KContext ctx)
{
    (void)status;
    (void)ctx;
    mt_ws *ws = check(L);
    if (ws->err[0]) return raise_pending(L, ws);
    return 0;
}

/* Queues one message, sends what the socket takes, and waits for the rest
 * (so a fast sender cannot queue without bound). */
static int send_msg(lua_State *L, uint8_t opcode)
{
    mt_ws *ws = check(L);
    usable(L, ws);
    size_t n = 0;
    const char *p =
        opcode == WSLAY_PING ? luaL_optlstring(L, 2, "", &n) : luaL_checklstring(L, 2, &n);
    struct wslay_event_msg m = {opcode, (const uint8_t *)p, n};
    if (wslay_event_queue_msg(ws->ctx, &m) != 0) luaL_error(L, "cannot send on %s", ws->url);
    if (opcode != WSLAY_PING) mt_ws_count_message(ws, true, n);
    mt_ws_pump(ws);
    if (ws->err[0]) return raise_pending(L, ws);
    if (ws->state != MT_WS_OPEN || !wslay_event_want_write(ws->ctx)) return 0;
    lua_settop(L, 1);
    return mt_ws_wait_on(L, ws, MT_WS_WAIT_FLUSH, ws->timeout_ms, k_flushed);
}

static int l_send(lua_State *L)
{
    return send_msg(L, WSLAY_TEXT_FRAME);
}

static int l_send_binary(lua_State *L)
{
    return send_msg(L, WSLAY_BINARY_FRAME);
}

static int l_ping(lua_State *L)
{
    return send_msg(L, WSLAY_PING);
}

/* Returns the next message: data, kind (and the code of a close). */
static int pop(lua_State *L, mt_ws *ws)
{
    mt_ws_msg *m = ws->head;
    ws->head = m->next;
    if (!ws->head) ws->tail = NULL;
    lua_pushlstring(L, m->data, m->len);
    int kind = m->opcode;
    int code = m->code;
    free(m);
    lua_pushstring(L, kind == WSLAY_TEXT_FRAME     ? "text"
                      : kind == WSLAY_BINARY_FRAME ? "binary"
                                                   : "close");
    if (kind != WSLAY_CONNECTION_CLOSE) return 2;
    lua_pushinteger(L, code);
    return 3;
}

static int k_received(lua_State *L, int status, lua_KContext ctx)
{
    (void)status;
    (void)ctx;
    mt_ws *ws = check(L);
    if (ws->head) return pop(L, ws);
    if (ws->timed_out) {
        ws->timed_out = false;
        lua_pushfstring(L, "timeout: %s", ws->url);
        return lua_error(L);
    }
    if (ws->err[0]) return raise_pending(L, ws);
    return luaL_error(L, "closed: %s", ws->url);
}

/* ws:receive([timeout]): the next message; raises "timeout: URL" after
 * timeout seconds (default the request timeout). */
static int l_receive(lua_State *L)
{
    mt_ws *ws = check(L);
    double t = luaL_optnumber(L, 2, (double)ws->timeout_ms / 1000.0);
    luaL_argcheck(L, t > 0 && t < 1e9, 2, "timeout must be a positive number of seconds");
    if (ws->head) return pop(L, ws);
    usable(L, ws);
    lua_settop(L, 1);
    return mt_ws_wait_on(L, ws, MT_WS_WAIT_RECV, (long)(t * 1000 + 0.5), k_received);
}

static int k_closed(lua_State *L, int status, lua_KContext ctx)
{
    (void)L;
    (void)status;
    (void)ctx;
    return 0;
}

/* ws:close([code[, reason]]): the close handshake, waited for (at most the
 * request timeout); closing a closed connection does nothing. */
static int l_close(lua_State *L)
{
    mt_ws *ws = check(L);
    lua_Integer code = luaL_optinteger(L, 2, WSLAY_CODE_NORMAL_CLOSURE);
    size_t n = 0;
    const char *reason = luaL_optlstring(L, 3, "", &n);
    luaL_argcheck(L, code >= 1000 && code < 5000, 2, "a close code from 1000 to 4999");
    luaL_argcheck(L, n <= 123, 3, "a close reason of at most 123 bytes");
    if (ws->state != MT_WS_OPEN) return 0;
    if (mt_worker_of(L) == NULL || !lua_isyieldable(L))
        return luaL_error(L, "WebSocket calls can only be made from a scenario or a fixture");
    wslay_event_queue_close(ws->ctx, (uint16_t)code, (const uint8_t *)reason, n);
    mt_ws_pump(ws);
    if (ws->state != MT_WS_OPEN) return 0;
    lua_settop(L, 1);
    return mt_ws_wait_on(L, ws, MT_WS_WAIT_CLOSE, ws->timeout_ms, k_closed);
}

static int l_index(lua_State *L)
{
    mt_ws *ws = check(L);
    const char *k = luaL_checkstring(L, 2);
    if (strcmp(k, "url") == 0)
        lua_pushstring(L, ws->url);
    else if (strcmp(k, "closed") == 0)
        lua_pushboolean(L, ws->state != MT_WS_OPEN);
    else
        lua_getfield(L, lua_upvalueindex(1), k);
    return 1;
}

static int l_gc(lua_State *L)
{
    mt_ws **box = luaL_checkudata(L, 1, WS_MT);
    mt_ws *ws = *box;
    if (!ws) return 0;
    *box = NULL;
    ws->gc = true;
    if (ws->state != MT_WS_DONE) mt_ws_shut(ws);
    if (ws->handles == 0) mt_ws_free(ws);
    return 0;
}

static int l_tostring(lua_State *L)
{
    mt_ws *ws = check(L);
    lua_pushfstring(L, "<WebSocket %s%s>", ws->url, ws->state == MT_WS_OPEN ? "" : " (closed)");
    return 1;
}

/* ---- Lua: session:ws_connect(url, opts) ---- */

static const char *option(lua_State *L, int o, int d, const char *k)
{
    if (o && lua_getfield(L, o, k) != LUA_TNIL) return lua_tostring(L, -1);
    if (o) lua_pop(L, 1);
    if (d && lua_getfield(L, d, k) != LUA_TNIL) return lua_tostring(L, -1);
    if (d) lua_pop(L, 1);
    return NULL;
}

/* Whether table t (0: none) has key name, compared case-insensitively. */
static bool has_header(lua_State *L, int t, const char *name)
{
    bool found = false;
    if (!t) return false;
    lua_pushnil(L);
    while (!found && lua_next(L, t)) {
        found = lua_type(L, -2) == LUA_TSTRING && strcasecmp(lua_tostring(L, -2), name) == 0;
        lua_pop(L, 1);
    }
    if (found) lua_pop(L, 1);
    return found;
}

/* The handshake's own headers: the scenario's are not sent twice. */
static bool reserved(const char *k)
{
    static const char *const names[] = {"host",
                                        "upgrade",
                                        "connection",
                                        "sec-websocket-key",
                                        "sec-websocket-version",
                                        "sec-websocket-accept"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strcasecmp(k, names[i]) == 0) return true;
    return false;
}

/* Header lines: the session's not named by the request's (compared
 * case-insensitively), then the request's; false sends nothing. */
static void add_headers(lua_State *L, mt_buf *b, int sh, int rh)
{
    for (int pass = 0; pass < 2; pass++) {
        int t = pass ? rh : sh;
        if (!t) continue;
        lua_pushnil(L);
        while (lua_next(L, t)) {
            const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
            bool skip = !k || reserved(k) || (!pass && has_header(L, rh, k));
            if (!skip && lua_isstring(L, -1) && !strpbrk(k, "\r\n:") &&
                !strpbrk(lua_tostring(L, -1), "\r\n"))
                mt_buf_printf(b, "%s: %s\r\n", k, lua_tostring(L, -1));
            lua_pop(L, 1);
        }
    }
}

static void check_options(lua_State *L, int o)
{
    static const char *const known[] = {"headers",    "timeout", "connect_timeout",
                                        "auth",       "verify",  "proxy",
                                        "proxy_auth", "name",    NULL};
    if (o) mt_check_option_names(L, o, known, "ws_connect");
}

/* "Cookie: ...\r\n" with the jar's cookies for url, or nothing. */
static void add_cookies(mt_http *h, const char *url, mt_buf *extra)
{
    size_t at = extra->len;
    mt_buf_appends(extra, "Cookie: ");
    size_t start = extra->len;
    mt_jar_header(mt_http_jar(h), url, (long long)mt_wall_s(), extra);
    if (extra->len == start) {
        extra->len = at;
        extra->data[at] = '\0';
    } else {
        mt_buf_appends(extra, "\r\n");
    }
}

static void add_auth(lua_State *L, mt_buf *b, int o, int d)
{
    int t = 0;
    if (o && lua_getfield(L, o, "auth") == LUA_TTABLE) t = lua_gettop(L);
    if (!t && d && lua_getfield(L, d, "auth") == LUA_TTABLE) t = lua_gettop(L);
    if (!t) return;
    lua_rawgeti(L, t, 1);
    lua_rawgeti(L, t, 2);
    const char *u = lua_tostring(L, -2), *p = lua_tostring(L, -1);
    if (!u || !p) luaL_error(L, "auth must be { user, password }");
    char plain[512];
    int n = snprintf(plain, sizeof plain, "%s:%s", u, p);
    mt_buf_appends(b, "Authorization: Basic ");
    mt_buf_append_base64(b, plain, n < (int)sizeof plain ? (size_t)n : sizeof plain - 1);
    mt_buf_appends(b, "\r\n");
}

static int k_opened(lua_State *L, int status, lua_KContext ctx)
{
    (void)status;
    (void)ctx;
    mt_ws *ws = *(mt_ws **)luaL_checkudata(L, lua_gettop(L), WS_MT);
    if (ws->err[0]) return raise_pending(L, ws);
    return 1;
}

static void new_key(char out[32])
{
    unsigned char raw[16];
    if (getrandom(raw, sizeof raw, 0) != (ssize_t)sizeof raw)
        for (size_t i = 0; i < sizeof raw; i++) raw[i] = (unsigned char)(mt_now_ns() >> (i % 8));
    EVP_EncodeBlock((unsigned char *)out, raw, sizeof raw);
}

/* ws://h/p -> http://h/p (libcurl 7.88 has no ws scheme: it connects). */
static void transport_url(const char *url, mt_buf *out)
{
    bool tls = strncasecmp(url, "wss://", 6) == 0;
    mt_buf_appends(out, tls ? "https://" : "http://");
    mt_buf_appends(out, url + (tls ? 6 : 5));
}

static void configure(mt_ws *ws, lua_State *L, int o, int d, const char *url)
{
    const mt_options *opt = ws->host->opt;
    CURL *c = ws->xfer.easy;
    mt_buf u;
    mt_buf_init(&u);
    transport_url(url, &u);
    curl_easy_setopt(c, CURLOPT_URL, u.data);
    mt_buf_free(&u);
    curl_easy_setopt(c, CURLOPT_CONNECT_ONLY, 1L);
    const char *t = option(L, o, d, "connect_timeout");
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                     (long)((t ? atof(t) : opt->connect_timeout) * 1000));
    bool verify = !opt->insecure;
    if (o && lua_getfield(L, o, "verify") != LUA_TNIL)
        verify = lua_toboolean(L, -1);
    else if (d && lua_getfield(L, d, "verify") != LUA_TNIL)
        verify = lua_toboolean(L, -1);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, verify ? 1L : 0L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, verify ? 2L : 0L);
    curl_easy_setopt(c, CURLOPT_PROXY_SSL_VERIFYPEER, verify ? 1L : 0L);
    curl_easy_setopt(c, CURLOPT_PROXY_SSL_VERIFYHOST, verify ? 2L : 0L);
    if (opt->cacert) curl_easy_setopt(c, CURLOPT_CAINFO, opt->cacert);
    if (opt->cacert) curl_easy_setopt(c, CURLOPT_PROXY_CAINFO, opt->cacert);
    const char *proxy = option(L, o, d, "proxy");
    proxy = proxy ? proxy : mt_http_default_proxy(opt);
    curl_easy_setopt(c, CURLOPT_PROXY, proxy);
    curl_easy_setopt(c, CURLOPT_HTTPPROXYTUNNEL,
                     1L); /* any proxy, the environment's too: CONNECT */
    int pa = 0;
    if (o && lua_getfield(L, o, "proxy_auth") == LUA_TTABLE) pa = lua_gettop(L);
    if (!pa && d && lua_getfield(L, d, "proxy_auth") == LUA_TTABLE) pa = lua_gettop(L);
    if (pa) {
        lua_rawgeti(L, pa, 1);
        lua_rawgeti(L, pa, 2);
        curl_easy_setopt(c, CURLOPT_PROXYUSERNAME, lua_tostring(L, -2));
        curl_easy_setopt(c, CURLOPT_PROXYPASSWORD, lua_tostring(L, -1));
    }
}

/* A new connection, boxed on top of L as a ws object. */
static mt_ws *ws_new(lua_State *L, mt_worker *w, const char *url, const char *name)
{
    mt_ws **box = lua_newuserdatauv(L, sizeof(*box), 0);
    *box = NULL;
    luaL_setmetatable(L, WS_MT);
    *box = mt_ws_new(w->host, url, name);
    return *box;
}

static int l_ws_connect(lua_State *L)
{
    mt_http *h = session_slot(L, 1);
    const char *url = luaL_checkstring(L, 2);
    mt_worker *w = mt_worker_of(L);
    if (!w || !lua_isyieldable(L))
        return luaL_error(L, "WebSocket calls can only be made from a scenario or a fixture");
    if (strncasecmp(url, "ws://", 5) != 0 && strncasecmp(url, "wss://", 6) != 0)
        return luaL_error(L, "ws_connect needs a ws:// or wss:// URL, not '%s'", url);
    int o = lua_istable(L, 3) ? 3 : 0;
    lua_settop(L, 3);
    luaL_checkstack(L, 20, "ws_connect");
    check_options(L, o);
    session_options(L, 1, url); /* 4: session headers, 5: defaults */
    int sh = lua_istable(L, 4) ? 4 : 0, d = lua_istable(L, 5) ? 5 : 0;
    int rh = o && lua_getfield(L, o, "headers") == LUA_TTABLE ? lua_gettop(L) : 0;
    const char *t = option(L, o, d, "timeout"), *name = option(L, o, d, "name");
    double timeout = t ? atof(t) : w->host->opt->timeout;
    if (!(timeout > 0)) return luaL_error(L, "timeout must be a positive number of seconds");
    mt_buf extra;
    mt_buf_init(&extra);
    if (!has_header(L, sh, "authorization") && !has_header(L, rh, "authorization"))
        add_auth(L, &extra, o, d); /* an explicit Authorization header wins */
    add_headers(L, &extra, sh, rh);
    add_cookies(h, url, &extra);
    mt_ws *ws = ws_new(L, w, url, name);
    int self = lua_gettop(L);
    ws->timeout_ms = (long)(timeout * 1000 + 0.5);
    new_key(ws->key);
    mt_ws_handshake_request(&ws->out, url, ws->key, extra.data);
    mt_buf_free(&extra);
    if (mt_engine_xfer_init(w->host->engine, &ws->xfer, mt_ws_on_connected, ws)) {
        mt_ws_shut(ws);
        return luaL_error(L, "libcurl could not create a handle");
    }
    ws->xfer.keep = true;
    configure(ws, L, o, d, url);
    ws->t0 = mt_now_ns();
    w->reached_network = true;
    if (mt_engine_start(w->host->engine, &ws->xfer)) {
        mt_ws_shut(ws);
        return luaL_error(L, "libcurl refused %s", ws->url);
    }
    lua_pushvalue(L, self); /* on top for k_opened */
    return mt_ws_wait_on(L, ws, MT_WS_WAIT_OPEN, ws->timeout_ms, k_opened);
}

void mt_ws_register(lua_State *L, mt_http *(*slot_of)(lua_State *L, int idx),
                    void (*options_of)(lua_State *L, int idx, const char *url))
{
    session_slot = slot_of;
    session_options = options_of;
    lua_pushcfunction(L, l_ws_connect);
    lua_setfield(L, -2, "ws_connect");
    static const luaL_Reg methods[] = {{"send", l_send},       {"send_binary", l_send_binary},
                                       {"receive", l_receive}, {"ping", l_ping},
                                       {"close", l_close},     {NULL, NULL}};
    luaL_newmetatable(L, WS_MT);
    luaL_newlib(L, methods);
    lua_pushcclosure(L, l_index, 1);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, l_gc);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, l_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_pop(L, 1);
}

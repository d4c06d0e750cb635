/* ws.c: WebSocket connections of scenarios (ws.h). A connection goes
 * CONNECT (libcurl, CONNECT_ONLY, on the engine like any transfer) ->
 * HANDSHAKE (our upgrade request and its answer, over curl_easy_send/recv)
 * -> OPEN (wslay's event API: masking, fragments, pings answered, close
 * handshake) -> DONE. The socket is watched by a uv_poll_t of ours; a
 * worker waiting on the connection is resumed from the loop. The handshake
 * is one request in the statistics (label "WS /path"); messages and their
 * bytes are counted on that row. */
#include "molotov/ws.h"
#include "molotov/mask.h"

#include <lauxlib.h>
#include <openssl/evp.h>
#include <strings.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <wslay/wslay.h>

#define WS_MT "molotov.websocket"

enum { ST_CONNECT, ST_HANDSHAKE, ST_OPEN, ST_DONE };
enum { WAIT_NONE, WAIT_OPEN, WAIT_RECV, WAIT_FLUSH, WAIT_CLOSE };

typedef struct msg {
    struct msg *next;
    int opcode; /* WSLAY_TEXT_FRAME, WSLAY_BINARY_FRAME or WSLAY_CONNECTION_CLOSE */
    uint16_t code;
    size_t len;
    char data[];
} msg;

typedef struct mt_ws {
    mt_runner *runner;
    mt_worker *w; /* the worker waiting on it, while one does */
    mt_xfer xfer;
    uv_poll_t poll;
    uv_timer_t timer;
    int handles;  /* uv handles not yet closed */
    bool poll_on; /* poll initialised */
    bool gc;      /* its Lua object was collected */
    int state, waiting;
    wslay_event_context_ptr ctx;
    mt_buf out, in; /* handshake bytes to send; bytes read not yet parsed */
    size_t out_off, in_off;
    char key[32];
    char url[1024]; /* as given, without userinfo */
    char label[256], origin[200];
    bool named;
    msg *head, *tail;
    char err[1200]; /* what the next call raises, once set */
    bool timed_out; /* the last receive waited in vain */
    uint64_t t0;
    long timeout_ms;
    struct mt_ws *next;
} mt_ws;

static mt_http *(*session_slot)(lua_State *L, int idx);
static void (*session_options)(lua_State *L, int idx, const char *url);

/* ---- life cycle ---- */

static void free_msgs(mt_ws *ws)
{
    while (ws->head) {
        msg *m = ws->head;
        ws->head = m->next;
        free(m);
    }
    ws->tail = NULL;
}

static void ws_free(mt_ws *ws)
{
    free_msgs(ws);
    mt_buf_free(&ws->out);
    mt_buf_free(&ws->in);
    free(ws);
}

static void on_closed(uv_handle_t *h)
{
    mt_ws *ws = h->data;
    if (--ws->handles == 0 && ws->gc) ws_free(ws);
}

static void unlink_ws(mt_ws *ws)
{
    for (mt_ws **p = (mt_ws **)&ws->runner->websockets; *p; p = &(*p)->next) {
        if (*p == ws) {
            *p = ws->next;
            break;
        }
    }
}

/* Ends the connection: its transfer leaves the engine, its handles close. */
static void shut(mt_ws *ws)
{
    if (ws->state == ST_DONE) return;
    ws->state = ST_DONE;
    if (ws->ctx) wslay_event_context_free(ws->ctx);
    ws->ctx = NULL;
    if (ws->poll_on) { /* before libcurl closes the descriptor */
        uv_poll_stop(&ws->poll);
        uv_close((uv_handle_t *)&ws->poll, on_closed);
    } else {
        ws->handles--;
    }
    mt_engine_xfer_free(ws->runner->engine, &ws->xfer);
    unlink_ws(ws);
    uv_timer_stop(&ws->timer);
    uv_close((uv_handle_t *)&ws->timer, on_closed);
}

static void close_all(mt_runner *r)
{
    while (r->websockets) {
        mt_ws *ws = r->websockets;
        ws->w = NULL;
        ws->waiting = WAIT_NONE;
        shut(ws);
    }
}

/* ---- the waiting worker ---- */

static void wake(mt_ws *ws)
{
    mt_worker *w = ws->w;
    if (ws->waiting == WAIT_NONE || !w) return;
    ws->waiting = WAIT_NONE;
    ws->w = NULL;
    uv_timer_stop(&ws->timer);
    mt_worker_wake(w);
}

static void fail(mt_ws *ws, const char *kind)
{
    if (!ws->err[0]) snprintf(ws->err, sizeof ws->err, "%s: %s", kind, ws->url);
    wake(ws);
}

static void cancel_wait(mt_worker *w)
{
    mt_ws *ws = w->waiting_on;
    if (!ws || ws->w != w) return;
    ws->waiting = WAIT_NONE;
    ws->w = NULL;
    uv_timer_stop(&ws->timer);
}

static void on_timeout(uv_timer_t *t)
{
    mt_ws *ws = t->data;
    if (ws->state == ST_HANDSHAKE || ws->state == ST_CONNECT) {
        mt_request_rec q = {.label = ws->label,
                            .origin = ws->origin,
                            .named = ws->named,
                            .error_kind = "timeout",
                            .failed = true,
                            .latency_us = (mt_now_ns() - ws->t0) / 1000,
                            .t = mt_wall_s()};
        mt_stats_request(&ws->runner->stats, &q);
        fail(ws, "timeout");
        shut(ws);
        return;
    }
    if (ws->waiting == WAIT_CLOSE) { /* the peer did not answer our close: done anyway */
        shut(ws);
        wake(ws);
        return;
    }
    if (ws->waiting == WAIT_RECV) { /* the connection stays usable */
        ws->timed_out = true;
        wake(ws);
        return;
    }
    fail(ws, "timeout");
}

/* Suspends the running worker on ws until wake(); k continues. */
static int wait_on(lua_State *L, mt_ws *ws, int what, long timeout_ms, lua_KFunction k)
{
    mt_worker *w = mt_worker_of(L);
    if (ws->w && ws->w != w)
        return luaL_error(L, "%s is waited on by worker %d: one worker at a time", ws->url,
                          ws->w->id);
    ws->w = w;
    ws->waiting = what;
    w->wait = MT_WAIT_OTHER;
    w->cancel_wait = cancel_wait;
    w->waiting_on = ws;
    if (timeout_ms > 0) uv_timer_start(&ws->timer, on_timeout, (uint64_t)timeout_ms, 0);
    return lua_yieldk(L, 0, 0, k);
}

/* ---- wslay over curl_easy_send / curl_easy_recv ---- */

static ssize_t on_recv(wslay_event_context_ptr ctx, uint8_t *buf, size_t len, int flags, void *data)
{
    (void)flags;
    mt_ws *ws = data;
    if (ws->in_off < ws->in.len) { /* frames that came with the handshake's answer */
        size_t n = ws->in.len - ws->in_off < len ? ws->in.len - ws->in_off : len;
        memcpy(buf, ws->in.data + ws->in_off, n);
        ws->in_off += n;
        return (ssize_t)n;
    }
    size_t n = 0;
    CURLcode rc = curl_easy_recv(ws->xfer.easy, buf, len, &n);
    if (rc == CURLE_AGAIN) {
        wslay_event_set_error(ctx, WSLAY_ERR_WOULDBLOCK);
        return -1;
    }
    if (rc != CURLE_OK || n == 0) { /* reset, or closed without a close frame */
        if (!ws->err[0]) snprintf(ws->err, sizeof ws->err, "connection reset: %s", ws->url);
        wslay_event_set_error(ctx, WSLAY_ERR_CALLBACK_FAILURE);
        return -1;
    }
    return (ssize_t)n;
}

static ssize_t on_send(wslay_event_context_ptr ctx, const uint8_t *p, size_t len, int flags,
                       void *data)
{
    (void)flags;
    mt_ws *ws = data;
    size_t n = 0;
    CURLcode rc = curl_easy_send(ws->xfer.easy, p, len, &n);
    if (rc == CURLE_AGAIN) {
        wslay_event_set_error(ctx, WSLAY_ERR_WOULDBLOCK);
        return -1;
    }
    if (rc != CURLE_OK) {
        if (!ws->err[0]) snprintf(ws->err, sizeof ws->err, "connection reset: %s", ws->url);
        wslay_event_set_error(ctx, WSLAY_ERR_CALLBACK_FAILURE);
        return -1;
    }
    return (ssize_t)n;
}

static int on_mask(wslay_event_context_ptr ctx, uint8_t *buf, size_t len, void *data)
{
    (void)ctx;
    (void)data;
    return getrandom(buf, len, 0) == (ssize_t)len ? 0 : -1;
}

static void on_message(wslay_event_context_ptr ctx, const struct wslay_event_on_msg_recv_arg *a,
                       void *data)
{
    (void)ctx;
    mt_ws *ws = data;
    if (a->opcode != WSLAY_TEXT_FRAME && a->opcode != WSLAY_BINARY_FRAME &&
        a->opcode != WSLAY_CONNECTION_CLOSE)
        return; /* pings are answered by wslay, pongs are nothing to say */
    msg *m = mt_malloc(sizeof(*m) + a->msg_length + 1);
    m->next = NULL;
    m->opcode = a->opcode;
    m->code = a->status_code;
    size_t skip = a->opcode == WSLAY_CONNECTION_CLOSE && a->msg_length >= 2 ? 2 : 0; /* the code */
    m->len = a->msg_length - skip;
    memcpy(m->data, a->msg + skip, m->len);
    m->data[m->len] = '\0';
    if (ws->tail)
        ws->tail->next = m;
    else
        ws->head = m;
    ws->tail = m;
    if (a->opcode != WSLAY_CONNECTION_CLOSE)
        mt_stats_ws_message(&ws->runner->stats, ws->label, ws->origin, false, a->msg_length);
}

/* ---- driving the connection ---- */

static void on_poll(uv_poll_t *h, int status, int events);

static void watch(mt_ws *ws)
{
    if (ws->state == ST_DONE || !ws->poll_on) return;
    int ev = UV_READABLE;
    if ((ws->state == ST_HANDSHAKE && ws->out_off < ws->out.len) ||
        (ws->ctx && wslay_event_want_write(ws->ctx)))
        ev |= UV_WRITABLE;
    uv_poll_start(&ws->poll, ev, on_poll);
}

static void record_handshake(mt_ws *ws, long status, const char *kind)
{
    mt_request_rec q = {.label = ws->label,
                        .origin = ws->origin,
                        .named = ws->named,
                        .status = status,
                        .error_kind = status ? NULL : kind, /* no answer: a transport error */
                        .failed = kind != NULL,
                        .latency_us = (mt_now_ns() - ws->t0) / 1000,
                        .t = mt_wall_s()};
    mt_stats_request(&ws->runner->stats, &q);
}

static void open_frames(mt_ws *ws, size_t header_len)
{
    static const struct wslay_event_callbacks cb = {on_recv, on_send, on_mask,   NULL,
                                                    NULL,    NULL,    on_message};
    wslay_event_context_client_init(&ws->ctx, &cb, ws);
    ws->in_off = header_len; /* what followed the answer is the first frames */
    ws->state = ST_OPEN;
    record_handshake(ws, 101, NULL);
    wake(ws);
}

/* Sends the rest of the upgrade request, reads its answer. */
static void handshake(mt_ws *ws)
{
    while (ws->out_off < ws->out.len) {
        size_t n = 0;
        CURLcode rc = curl_easy_send(ws->xfer.easy, ws->out.data + ws->out_off,
                                     ws->out.len - ws->out_off, &n);
        if (rc == CURLE_AGAIN) return;
        if (rc != CURLE_OK) break;
        ws->out_off += n;
    }
    char buf[4096];
    size_t n = 0;
    CURLcode rc;
    while ((rc = curl_easy_recv(ws->xfer.easy, buf, sizeof buf, &n)) == CURLE_OK && n)
        mt_buf_append(&ws->in, buf, n);
    long status = 0;
    size_t hlen = 0;
    int got =
        mt_ws_handshake_parse(ws->in.data ? ws->in.data : "", ws->in.len, ws->key, &status, &hlen);
    if (got == 0) {
        open_frames(ws, hlen);
        return;
    }
    if (got == 1 && rc == CURLE_AGAIN) return;
    const char *kind = got == 1 ? "empty response"
                       : status ? "upgrade refused"
                                : "malformed response";
    record_handshake(ws, status, kind);
    if (status && status != 101)
        snprintf(ws->err, sizeof ws->err, "upgrade refused: %s (status %ld)", ws->url, status);
    fail(ws, kind);
    shut(ws);
}

static void frames(mt_ws *ws)
{
    if (wslay_event_recv(ws->ctx) != 0 || wslay_event_send(ws->ctx) != 0) {
        fail(ws, "connection reset");
        shut(ws);
        return;
    }
    if (wslay_event_get_status_code_sent(ws->ctx) == WSLAY_CODE_PROTOCOL_ERROR) {
        fail(ws, "malformed response");
        shut(ws);
        return;
    }
    bool closed = wslay_event_get_close_received(ws->ctx) && wslay_event_get_close_sent(ws->ctx) &&
                  !wslay_event_want_write(ws->ctx);
    bool ready = (ws->waiting == WAIT_RECV && ws->head) ||
                 (ws->waiting == WAIT_FLUSH && !wslay_event_want_write(ws->ctx)) ||
                 (ws->waiting == WAIT_CLOSE && closed);
    if (closed) shut(ws); /* before the worker goes on: it sees the connection closed */
    if (ready) wake(ws);
}

static void pump(mt_ws *ws)
{
    if (ws->state == ST_HANDSHAKE) handshake(ws);
    if (ws->state == ST_OPEN) frames(ws);
    watch(ws);
}

static void on_poll(uv_poll_t *h, int status, int events)
{
    (void)events;
    mt_ws *ws = h->data;
    if (status < 0) {
        if (ws->state == ST_HANDSHAKE) record_handshake(ws, 0, "connection reset");
        fail(ws, "connection reset");
        shut(ws);
        return;
    }
    pump(ws);
}

static void on_connected(mt_xfer *x)
{
    mt_ws *ws = x->data;
    if (x->result != CURLE_OK) {
        const char *kind = mt_http_error_kind(x->result, x->easy);
        mt_request_rec q = {.label = ws->label,
                            .origin = ws->origin,
                            .named = ws->named,
                            .error_kind = kind,
                            .failed = true,
                            .latency_us = (mt_now_ns() - ws->t0) / 1000,
                            .t = mt_wall_s()};
        mt_stats_request(&ws->runner->stats, &q);
        fail(ws, kind);
        shut(ws);
        return;
    }
    curl_socket_t fd = CURL_SOCKET_BAD;
    curl_easy_getinfo(x->easy, CURLINFO_ACTIVESOCKET, &fd);
    if (fd == CURL_SOCKET_BAD || uv_poll_init_socket(ws->runner->loop, &ws->poll, fd) != 0) {
        record_handshake(ws, 0, "connection reset");
        fail(ws, "connection reset");
        shut(ws);
        return;
    }
    ws->poll.data = ws;
    ws->poll_on = true;
    ws->state = ST_HANDSHAKE;
    pump(ws);
}

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
    if (ws->state != ST_OPEN) luaL_error(L, "closed: %s", ws->url);
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
    if (opcode != WSLAY_PING)
        mt_stats_ws_message(&ws->runner->stats, ws->label, ws->origin, true, n);
    pump(ws);
    if (ws->err[0]) return raise_pending(L, ws);
    if (ws->state != ST_OPEN || !wslay_event_want_write(ws->ctx)) return 0;
    lua_settop(L, 1);
    return wait_on(L, ws, WAIT_FLUSH, ws->timeout_ms, k_flushed);
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
    msg *m = ws->head;
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
    return wait_on(L, ws, WAIT_RECV, (long)(t * 1000 + 0.5), k_received);
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
    if (ws->state != ST_OPEN) return 0;
    if (mt_worker_of(L) == NULL || !lua_isyieldable(L))
        return luaL_error(L, "WebSocket calls can only be made from a scenario or a fixture");
    wslay_event_queue_close(ws->ctx, (uint16_t)code, (const uint8_t *)reason, n);
    pump(ws);
    if (ws->state != ST_OPEN) return 0;
    lua_settop(L, 1);
    return wait_on(L, ws, WAIT_CLOSE, ws->timeout_ms, k_closed);
}

static int l_index(lua_State *L)
{
    mt_ws *ws = check(L);
    const char *k = luaL_checkstring(L, 2);
    if (strcmp(k, "url") == 0)
        lua_pushstring(L, ws->url);
    else if (strcmp(k, "closed") == 0)
        lua_pushboolean(L, ws->state != ST_OPEN);
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
    if (ws->state != ST_DONE) shut(ws);
    if (ws->handles == 0) ws_free(ws);
    return 0;
}

static int l_tostring(lua_State *L)
{
    mt_ws *ws = check(L);
    lua_pushfstring(L, "<WebSocket %s%s>", ws->url, ws->state == ST_OPEN ? "" : " (closed)");
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
    if (!o) return;
    lua_pushnil(L);
    while (lua_next(L, o)) {
        lua_pop(L, 1);
        const char *k = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
        int i = 0;
        while (k && known[i] && strcmp(known[i], k) != 0) i++;
        if (!k || !known[i])
            luaL_error(L, "unknown ws_connect option '%s'", luaL_tolstring(L, -1, NULL));
    }
}

static void add_cookie(const mt_cookie *c, void *data)
{
    void **d = data;
    mt_buf *b = d[0];
    if (!mt_http_cookie_matches(c, d[1], (long long)mt_wall_s())) return;
    mt_buf_printf(b, "%s%s=%s", b->len ? "; " : "Cookie: ", c->name, c->value);
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
    char plain[512], enc[700];
    int n = snprintf(plain, sizeof plain, "%s:%s", u, p);
    EVP_EncodeBlock((unsigned char *)enc, (const unsigned char *)plain,
                    n < (int)sizeof plain ? n : (int)sizeof plain - 1);
    mt_buf_printf(b, "Authorization: Basic %s\r\n", enc);
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

/* The URL without userinfo, for messages and reports. */
static void shown_url(const char *url, char *out, size_t len)
{
    char origin[256];
    mt_http_url_origin(url, origin, sizeof origin);
    const char *p = strstr(url, "://");
    p = p ? p + 3 : url;
    snprintf(out, len, "%s%s", origin, p + strcspn(p, "/?#"));
}

static void configure(mt_ws *ws, lua_State *L, int o, int d, const char *url)
{
    const mt_options *opt = ws->runner->opt;
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
    proxy = proxy ? proxy : opt->proxy ? opt->proxy : opt->trust_env ? NULL : "";
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

static mt_ws *ws_new(lua_State *L, mt_worker *w, const char *url, const char *name)
{
    mt_ws *ws = mt_calloc(1, sizeof(*ws));
    mt_ws **box = lua_newuserdatauv(L, sizeof(*box), 0);
    *box = ws;
    luaL_setmetatable(L, WS_MT);
    ws->runner = w->runner;
    ws->handles = 2; /* timer, poll */
    uv_timer_init(w->runner->loop, &ws->timer);
    ws->timer.data = ws;
    shown_url(url, ws->url, sizeof ws->url);
    mt_http_url_origin(url, ws->origin, sizeof ws->origin);
    ws->named = name != NULL;
    if (name) {
        mt_strlcpyn(ws->label, sizeof ws->label, name, strlen(name));
    } else {
        memcpy(ws->label, "WS ", 3);
        mt_http_url_path(url, ws->label + 3, sizeof ws->label - 3);
    }
    ws->next = w->runner->websockets;
    w->runner->websockets = ws;
    w->runner->close_websockets = close_all;
    return ws;
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
    double timeout = t ? atof(t) : w->runner->opt->timeout;
    if (!(timeout > 0)) return luaL_error(L, "timeout must be a positive number of seconds");
    mt_buf extra;
    mt_buf_init(&extra);
    if (!has_header(L, sh, "authorization") && !has_header(L, rh, "authorization"))
        add_auth(L, &extra, o, d); /* an explicit Authorization header wins */
    add_headers(L, &extra, sh, rh);
    mt_buf cookie;
    mt_buf_init(&cookie);
    void *cd[2] = {&cookie, (void *)url};
    mt_http_each_cookie(h, add_cookie, cd);
    if (cookie.len) mt_buf_printf(&extra, "%s\r\n", cookie.data);
    mt_buf_free(&cookie);
    mt_ws *ws = ws_new(L, w, url, name);
    int self = lua_gettop(L);
    ws->timeout_ms = (long)(timeout * 1000 + 0.5);
    new_key(ws->key);
    mt_ws_handshake_request(&ws->out, url, ws->key, extra.data);
    mt_buf_free(&extra);
    if (mt_engine_xfer_init(w->runner->engine, &ws->xfer, on_connected, ws)) {
        shut(ws);
        return luaL_error(L, "libcurl could not create a handle");
    }
    ws->xfer.keep = true;
    configure(ws, L, o, d, url);
    ws->t0 = mt_now_ns();
    w->reached_network = true;
    if (mt_engine_start(w->runner->engine, &ws->xfer)) {
        shut(ws);
        return luaL_error(L, "libcurl refused %s", ws->url);
    }
    lua_pushvalue(L, self); /* on top for k_opened */
    return wait_on(L, ws, WAIT_OPEN, ws->timeout_ms, k_opened);
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

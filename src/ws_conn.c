/* ws_conn.c: a WebSocket connection (ws_conn.h). It goes CONNECT (libcurl,
 * CONNECT_ONLY, on the engine like any transfer) -> HANDSHAKE (our upgrade
 * request and its answer, ws_handshake.c, over curl_easy_send/recv) -> OPEN
 * (wslay's event API: masking, fragments, pings answered, close handshake)
 * -> DONE. The socket is watched by a uv_poll_t of ours; a worker waiting
 * on the connection is resumed from the loop. The handshake is one request
 * in the statistics (label "WS /path", or the connection's name); messages
 * and their bytes are counted on that row. */
#include "molotov/ws_conn.h"
#include "molotov/exchange.h"
#include "molotov/http.h"
#include "molotov/url.h"
#include "molotov/ws_handshake.h"

#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

/* ---- life cycle ---- */

static void close_all(mt_host *h);

/* The URL without userinfo, for messages and reports. */
static void shown_url(const char *url, char *out, size_t len)
{
    char origin[256];
    mt_url_origin(url, origin, sizeof origin);
    const char *p = strstr(url, "://");
    p = p ? p + 3 : url;
    snprintf(out, len, "%s%s", origin, p + strcspn(p, "/?#"));
}

mt_ws *mt_ws_new(mt_host *h, const char *url, const char *name)
{
    mt_ws *ws = mt_calloc(1, sizeof(*ws));
    ws->host = h;
    ws->handles = 2; /* timer, poll */
    uv_timer_init(h->loop, &ws->timer);
    ws->timer.data = ws;
    shown_url(url, ws->url, sizeof ws->url);
    mt_url_origin(url, ws->origin, sizeof ws->origin);
    ws->named = name != NULL;
    if (name) {
        mt_strlcpyn(ws->label, sizeof ws->label, name, strlen(name));
    } else {
        memcpy(ws->label, "WS ", 3);
        mt_url_path(url, ws->label + 3, sizeof ws->label - 3);
    }
    ws->next = h->websockets;
    h->websockets = ws;
    h->close_websockets = close_all;
    return ws;
}

static void free_msgs(mt_ws *ws)
{
    while (ws->head) {
        mt_ws_msg *m = ws->head;
        ws->head = m->next;
        free(m);
    }
    ws->tail = NULL;
}

void mt_ws_free(mt_ws *ws)
{
    free_msgs(ws);
    mt_buf_free(&ws->out);
    mt_buf_free(&ws->in);
    free(ws);
}

static void on_closed(uv_handle_t *h)
{
    mt_ws *ws = h->data;
    if (--ws->handles == 0 && ws->gc) mt_ws_free(ws);
}

static void unlink_ws(mt_ws *ws)
{
    for (mt_ws **p = (mt_ws **)&ws->host->websockets; *p; p = &(*p)->next) {
        if (*p == ws) {
            *p = ws->next;
            break;
        }
    }
}

/* Ends the connection: its transfer leaves the engine, its handles close. */
void mt_ws_shut(mt_ws *ws)
{
    if (ws->state == MT_WS_DONE) return;
    ws->state = MT_WS_DONE;
    if (ws->ctx) wslay_event_context_free(ws->ctx);
    ws->ctx = NULL;
    if (ws->poll_on) { /* before libcurl closes the descriptor */
        uv_poll_stop(&ws->poll);
        uv_close((uv_handle_t *)&ws->poll, on_closed);
    } else {
        ws->handles--;
    }
    mt_engine_xfer_free(ws->host->engine, &ws->xfer);
    unlink_ws(ws);
    uv_timer_stop(&ws->timer);
    uv_close((uv_handle_t *)&ws->timer, on_closed);
}

/* Closes every connection of the run (it is over). */
static void close_all(mt_host *h)
{
    while (h->websockets) {
        mt_ws *ws = h->websockets;
        ws->w = NULL;
        ws->waiting = MT_WS_WAIT_NONE;
        mt_ws_shut(ws);
    }
}

/* ---- the waiting worker ---- */

static void wake(mt_ws *ws)
{
    mt_worker *w = ws->w;
    if (ws->waiting == MT_WS_WAIT_NONE || !w) return;
    ws->waiting = MT_WS_WAIT_NONE;
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
    ws->waiting = MT_WS_WAIT_NONE;
    ws->w = NULL;
    uv_timer_stop(&ws->timer);
}

/* The handshake as one request of the statistics: a 101, another status,
 * or (status 0) the transport error `kind`. */
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
    mt_stats_request(ws->host->stats, &q);
}

static void on_timeout(uv_timer_t *t)
{
    mt_ws *ws = t->data;
    if (ws->state == MT_WS_HANDSHAKE || ws->state == MT_WS_CONNECT) {
        record_handshake(ws, 0, "timeout");
        fail(ws, "timeout");
        mt_ws_shut(ws);
        return;
    }
    if (ws->waiting == MT_WS_WAIT_CLOSE) { /* the peer did not answer our close: done anyway */
        mt_ws_shut(ws);
        wake(ws);
        return;
    }
    if (ws->waiting == MT_WS_WAIT_RECV) { /* the connection stays usable */
        ws->timed_out = true;
        wake(ws);
        return;
    }
    fail(ws, "timeout");
}

/* Suspends the running worker on ws until wake(); k continues. */
int mt_ws_wait_on(lua_State *L, mt_ws *ws, int what, long timeout_ms, lua_KFunction k)
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
    mt_ws_msg *m = mt_malloc(sizeof(*m) + a->msg_length + 1);
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
    if (a->opcode != WSLAY_CONNECTION_CLOSE) mt_ws_count_message(ws, false, a->msg_length);
}

/* The messages' row is the handshake's: mt_stats_request keys a request by
 * (label, origin), a named one by (name, "") whatever its host. */
void mt_ws_count_message(mt_ws *ws, bool out, size_t bytes)
{
    const char *origin = ws->named ? "" : ws->origin;
    mt_stats_ws_message(ws->host->stats, ws->label, origin, out, bytes);
}

/* ---- driving the connection ---- */

static void on_poll(uv_poll_t *h, int status, int events);

static void watch(mt_ws *ws)
{
    if (ws->state == MT_WS_DONE || !ws->poll_on) return;
    int ev = UV_READABLE;
    if ((ws->state == MT_WS_HANDSHAKE && ws->out_off < ws->out.len) ||
        (ws->ctx && wslay_event_want_write(ws->ctx)))
        ev |= UV_WRITABLE;
    uv_poll_start(&ws->poll, ev, on_poll);
}

static void open_frames(mt_ws *ws, size_t header_len)
{
    static const struct wslay_event_callbacks cb = {on_recv, on_send, on_mask,   NULL,
                                                    NULL,    NULL,    on_message};
    wslay_event_context_client_init(&ws->ctx, &cb, ws);
    ws->in_off = header_len; /* what followed the answer is the first frames */
    ws->state = MT_WS_OPEN;
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
    if (hlen && ws->w) /* the answer's Set-Cookie, into the waiting session's jar */
        mt_jar_store_headers(mt_http_jar(mt_exchange_session_slot(ws->w)), ws->url, ws->in.data,
                             hlen, (long long)mt_wall_s());
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
    mt_ws_shut(ws);
}

static void frames(mt_ws *ws)
{
    if (wslay_event_recv(ws->ctx) != 0 || wslay_event_send(ws->ctx) != 0) {
        fail(ws, "connection reset");
        mt_ws_shut(ws);
        return;
    }
    if (wslay_event_get_status_code_sent(ws->ctx) == WSLAY_CODE_PROTOCOL_ERROR) {
        fail(ws, "malformed response");
        mt_ws_shut(ws);
        return;
    }
    bool closed = wslay_event_get_close_received(ws->ctx) && wslay_event_get_close_sent(ws->ctx) &&
                  !wslay_event_want_write(ws->ctx);
    bool ready = (ws->waiting == MT_WS_WAIT_RECV && ws->head) ||
                 (ws->waiting == MT_WS_WAIT_FLUSH && !wslay_event_want_write(ws->ctx)) ||
                 (ws->waiting == MT_WS_WAIT_CLOSE && closed);
    if (closed) mt_ws_shut(ws); /* before the worker goes on: it sees the connection closed */
    if (ready) wake(ws);
}

void mt_ws_pump(mt_ws *ws)
{
    if (ws->state == MT_WS_HANDSHAKE) handshake(ws);
    if (ws->state == MT_WS_OPEN) frames(ws);
    watch(ws);
}

static void on_poll(uv_poll_t *h, int status, int events)
{
    (void)events;
    mt_ws *ws = h->data;
    if (status < 0) {
        if (ws->state == MT_WS_HANDSHAKE) record_handshake(ws, 0, "connection reset");
        fail(ws, "connection reset");
        mt_ws_shut(ws);
        return;
    }
    mt_ws_pump(ws);
}

void mt_ws_on_connected(mt_xfer *x)
{
    mt_ws *ws = x->data;
    if (x->result != CURLE_OK) {
        const char *kind = mt_http_error_kind(x->result, x->easy);
        record_handshake(ws, 0, kind);
        fail(ws, kind);
        mt_ws_shut(ws);
        return;
    }
    curl_socket_t fd = CURL_SOCKET_BAD;
    curl_easy_getinfo(x->easy, CURLINFO_ACTIVESOCKET, &fd);
    if (fd == CURL_SOCKET_BAD || uv_poll_init_socket(ws->host->loop, &ws->poll, fd) != 0) {
        record_handshake(ws, 0, "connection reset");
        fail(ws, "connection reset");
        mt_ws_shut(ws);
        return;
    }
    ws->poll.data = ws;
    ws->poll_on = true;
    ws->state = MT_WS_HANDSHAKE;
    mt_ws_pump(ws);
}

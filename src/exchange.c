/* exchange.c: a worker's requests in flight (exchange.h). A request is
 * built (request.c), told to the sending_request listeners, sent on its
 * slot, and the worker yields. When the transport reports the outcome, it
 * is recorded at once (statistics, StatsD); then the worker resumes in
 * finish(), which follows a redirect on the same slot or hands the script
 * its response (or raises "<kind>: <url>"). */
#include "molotov/exchange.h"
#include "molotov/mask.h"
#include "molotov/response.h"
#include "molotov/url.h"

#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>

/* Whether the answer is a redirect this request follows to another hop. */
static bool redirected(const mt_exchange *x, const mt_outcome *out)
{
    return x->cur.follow && mt_http_is_redirect(out->status) && out->location;
}

/* A hop that is followed is never a failed request: `expect` judges the
 * final answer. */
static bool will_follow(const mt_exchange *x, const mt_outcome *out)
{
    return redirected(x, out) && x->hops < x->cur.max_redirects;
}

/* Counts the request that ended: in the worker's statistics (the run's, or
 * apart for global_setup/global_teardown's) and StatsD. */
static void record(mt_worker *w, mt_exchange *x, const mt_outcome *out)
{
    const char *kind = out->error_kind;
    long code = out->status;
    if (w->host->statsd)
        mt_statsd_request(w->host->statsd, x->req_method, x->req_url, code,
                          (double)out->latency_us / 1e3);
    bool failed = mt_request_status_failed(&x->cur, code) && !will_follow(x, out);
    mt_request_rec q = {.label = x->cur.label,
                        .origin = x->cur.origin,
                        .named = x->cur.named,
                        .status = kind ? 0 : code,
                        .error_kind = kind,
                        .failed = kind != NULL || failed,
                        .latency_us = out->latency_us,
                        .t = mt_wall_s(),
                        .bytes_out = out->bytes_out,
                        .bytes_in = out->bytes_in,
                        .body_in = out->body_in,
                        .timing = &out->timing};
    mt_stats_request(w->stats, &q);
    if (!kind || strcmp(kind, "invalid url") != 0) w->reached_network = true;
    if (!kind && out->truncated && !redirected(x, out)) w->stats->truncated++;
}

/* The transport's completion: recorded, then the worker goes on. */
static void on_done(mt_http *h, const mt_outcome *out, void *data)
{
    (void)h;
    mt_worker *w = data;
    mt_exchange *x = w->exchange;
    x->out = *out;
    record(w, x, out);
    mt_worker_wake(w);
}

/* Appends this hop to resp.history ({ status =, url = }), made on the
 * first hop and kept on the coroutine's stack (x->history_idx). */
static void add_history(lua_State *L, mt_exchange *x)
{
    if (!x->history_idx) {
        lua_newtable(L);
        x->history_idx = lua_gettop(L);
    }
    const char *url = x->out.url;
    char *masked = url ? mt_mask_url(url) : NULL;
    lua_createtable(L, 0, 2);
    lua_pushinteger(L, x->out.status);
    lua_setfield(L, -2, "status");
    lua_pushstring(L, masked ? masked : url ? url : "");
    lua_setfield(L, -2, "url");
    lua_rawseti(L, x->history_idx, (lua_Integer)lua_rawlen(L, x->history_idx) + 1);
    free(masked);
}

/* A redirect the request follows: its hop is counted (on_done did) and
 * kept in resp.history, and the request goes again to the Location, by the
 * redirect rules of mt_http_redirect_method. Returns false when this
 * answer is the response; raises past max_redirects. */
static bool follow_next(lua_State *L, mt_worker *w, mt_exchange *x, mt_http *h)
{
    if (!redirected(x, &x->out)) return false; /* a 3xx without a Location is the answer */
    luaL_checkstack(L, 4, "redirects");
    if (x->hops >= x->cur.max_redirects) {
        mt_respbuf_put(mt_http_take(h));
        luaL_error(L, "too many redirects: %s (more than %d)", x->req_url, x->cur.max_redirects);
    }
    add_history(L, x);
    x->hops++;
    lua_pushstring(L, x->out.location); /* anchored on the stack for the hop's life */
    mt_http_req *r = &x->cur.req;
    bool keep_body;
    r->method = mt_http_redirect_method(x->out.status, r->method, &keep_body);
    if (!keep_body) r->has_body = false, r->body = NULL, r->body_len = 0, r->mime = NULL;
    r->url = lua_tostring(L, -1);
    char origin[sizeof x->cur.origin];
    mt_url_origin(r->url, origin, sizeof origin);
    bool other = strcmp(origin, x->cur.origin) != 0;
    if (other) r->user = r->password = NULL; /* credentials stay with their origin */
    if (mt_http_resend(h, r, other)) luaL_error(L, "libcurl refused %s %s", r->method, r->url);
    x->req_method = r->method;
    x->req_url = r->url;
    if (!x->cur.named) mt_request_set_label(&x->cur, NULL, r->method, r->url);
    memcpy(x->cur.origin, origin, sizeof origin);
    x->busy = h;
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

/* A transport failure raises "<kind>: <url>" (a TLS one names its problem). */
static int raise_failure(lua_State *L, mt_exchange *x, mt_http *h)
{
    const char *kind = x->out.error_kind;
    mt_respbuf *buf = mt_http_take(h);
    const char *url = buf->url.data ? buf->url.data : "";
    if (strcmp(kind, "tls error") == 0 && x->out.error_detail[0])
        lua_pushfstring(L, "%s: %s (%s)", kind, url, x->out.error_detail);
    else
        lua_pushfstring(L, "%s: %s", kind, url);
    mt_respbuf_put(buf);
    return lua_error(L);
}

/* The continuation of a request once its hop was answered (and recorded). */
static int finish(lua_State *L, int status, lua_KContext info)
{
    (void)status;
    mt_worker *w = mt_worker_of(L);
    mt_exchange *x = w->exchange;
    mt_http *h = x->busy;
    x->busy = NULL;
    w->wait = MT_WAIT_NONE;
    if (x->out.error_kind) return raise_failure(L, x, h);
    if (follow_next(L, w, x, h)) return lua_yieldk(L, 0, info, finish);
    long code = x->out.status;
    mt_respbuf *buf = mt_http_take(h);
    double elapsed = (double)(mt_now_ns() - x->first_t0) / 1e9; /* every hop */
    mt_response_push(L, code, !mt_request_status_failed(&x->cur, code), elapsed, buf);
    if (x->history_idx) {
        lua_pushvalue(L, x->history_idx);
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

/* Sends the request the worker holds (x->cur.req on x->cur.slot), then waits for it. */
static int send_request(lua_State *L, int status, lua_KContext info)
{
    (void)status;
    mt_worker *w = mt_worker_of(L);
    mt_exchange *x = w->exchange;
    mt_http *h = x->cur.slot;
    x->first_t0 = mt_now_ns();
    x->hops = 0;
    x->history_idx = 0;
    const char *why = mt_http_refusal(h, &x->cur.req);
    if (why) {
        mt_headers_free(x->cur.req.headers);
        mt_mime_free(x->cur.req.mime);
        mt_buf url;
        mt_buf_init(&url);
        mt_url_append_public(&url, x->cur.req.url);
        lua_pushstring(L, url.data);
        mt_buf_free(&url);
        luaL_error(L, "--engine native cannot send %s %s: %s (use --engine auto or curl)",
                   x->cur.req.method, lua_tostring(L, -1), why);
    }
    if (mt_http_send(h, &x->cur.req))
        luaL_error(L, "libcurl refused %s %s", x->cur.req.method, x->cur.req.url);
    x->req_method = x->cur.req.method;
    x->req_url = x->cur.req.url;
    x->busy = h;
    w->wait = MT_WAIT_HTTP;
    return lua_yieldk(L, 0, info, finish);
}

/* After the sending_request listeners (which may have made requests of
 * their own): the request they were told about, back, and sent. */
static int send_pending(lua_State *L, int status, lua_KContext info)
{
    mt_exchange *x = mt_worker_of(L)->exchange;
    x->cur = x->pending;
    x->req_unsent = false;
    return send_request(L, status, info);
}

/* Before the sending_request listeners: the request's state kept, and its
 * strings that live in the slot's scratch buffers (which a listener's own
 * request on that slot reuses) copied onto the coroutine's stack. */
static void keep_pending(lua_State *L, mt_exchange *x)
{
    mt_http_req *r = &x->cur.req;
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
    x->pending = x->cur;
    x->req_unsent = true;
}

/* The sending_request info table, pushed: session, request. */
static void push_request_info(lua_State *L, int self, const mt_http_req *r)
{
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
    for (const char *line = mt_headers_each(r->headers, NULL); line;
         line = mt_headers_each(r->headers, line)) {
        const char *colon = strchr(line, ':');
        if (!colon) continue;
        lua_pushlstring(L, line, (size_t)(colon - line));
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

/* Slot `which` of x, made on first use; raises when it cannot be (and
 * stays unmade, to be tried again). */
static mt_http *slot_of(lua_State *L, mt_exchange *x, int which)
{
    if (!x->slots[which]) {
        mt_host *host = x->w->host;
        mt_http *h = NULL;
        if (mt_http_open(host->engine, on_done, x->w, host->opt, &h))
            luaL_error(L, "libcurl could not create a handle");
        x->slots[which] = h;
    }
    return x->slots[which];
}

int mt_exchange_request(lua_State *L, mt_worker *w, int slot, const char *method, int url_idx,
                        mt_reqctx *c, int self)
{
    mt_exchange *x = w->exchange;
    const char *url = luaL_checkstring(L, url_idx);
    if (c->o && !lua_istable(L, c->o)) c->o = 0;
    c->h = slot_of(L, x, slot);
    c->scratch = &x->scratch[slot];
    c->opt = w->host->opt;
    mt_request_build(L, c, method, url, &x->cur);
    if (!w->host->script->nlisteners || w->lco) return send_request(L, LUA_OK, 0);
    push_request_info(L, self, &x->cur.req);
    int info = lua_gettop(L);
    keep_pending(L, x);
    lua_pushvalue(L, info);
    return mt_worker_emit(L, w, "sending_request", send_pending, (lua_KContext)info);
}

int mt_exchange_init(mt_worker *w)
{
    mt_exchange *x = mt_calloc(1, sizeof(*x));
    x->w = w;
    int rc = mt_http_open(w->host->engine, on_done, w, w->host->opt, &x->slots[MT_SLOT_SESSION]);
    if (rc) {
        free(x);
        return rc;
    }
    w->exchange = x;
    return MT_OK;
}

void mt_exchange_abort(mt_worker *w)
{
    mt_exchange *x = w->exchange;
    if (!x) return;
    if (x->busy) mt_http_cancel(x->busy);
    x->busy = NULL;
    if (x->req_unsent) { /* built, waiting on its sending_request listeners */
        mt_headers_free(x->pending.req.headers);
        mt_mime_free(x->pending.req.mime);
        x->req_unsent = false;
    }
}

void mt_exchange_free(mt_worker *w)
{
    mt_exchange *x = w->exchange;
    if (!x) return;
    for (int i = 0; i < MT_SLOTS; i++) {
        mt_http_close(x->slots[i]);
        mt_scratch_free(&x->scratch[i]);
    }
    free(x);
    w->exchange = NULL;
}

mt_http *mt_exchange_session_slot(mt_worker *w)
{
    return w->exchange->slots[MT_SLOT_SESSION];
}

/* native.c: the native transport's slot (native.h). A request goes out on
 * an idle connection to its host when the slot has one, else on a new one
 * (dns.c, then connect); its bytes are written with one try_write when the
 * kernel takes them; the answer is read with h1.c from a shared read
 * buffer. A request on a reused connection that dies before any byte of an
 * answer is sent again, once, on a new connection (as libcurl does). One
 * timer per slot bounds the connect and the whole request. */
#include "molotov/native.h"
#include "molotov/dns.h"
#include "molotov/h1.h"
#include "molotov/native_req.h"
#include "molotov/trace.h"
#include "molotov/url.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CONNS 4 /* connections a slot keeps, to as many hosts */

typedef struct nconn nconn;
struct nconn {
    uv_tcp_t tcp;
    uv_connect_t creq;
    uv_write_t wreq;
    mt_native *n; /* the slot, NULL once it let go of this connection */
    nconn *next;
    char host[256];
    int port;
    bool connected;
    bool writing;    /* a uv_write on it has not ended: it cannot carry another request */
    unsigned served; /* answers read on it: a reused connection has served one */
};

struct mt_native {
    uv_loop_t *loop;
    mt_native_done done;
    void *data;
    uv_timer_t timer;
    nconn *conns; /* open connections, the most recently used first */
    int nconns;
    nconn *cur; /* the connection of the request in flight */
    mt_dns_query *dns;
    mt_dns_addrs addrs;
    int addr_i;
    mt_h1 h1;
    mt_buf out, url, location;
    mt_respbuf *resp;
    size_t max_body;
    int verbose;
    mt_target t;
    bool busy, head, decode, retried;
    bool in_send;      /* within mt_native_send: a failure waits for the loop */
    const char *later; /* a failure found while sending, told from the loop */
    long timeout_ms, connect_timeout_ms;
    uint64_t t0, t_dns, t_conn, t_sent, t_first;
    uint64_t deadline, due; /* mt_now_ns: the request's bound; when the timer fires */
    size_t written;
};

static char rbuf[65536]; /* every connection's reads: one read at a time per loop */

static const char *uv_kind(int err, const char *dflt)
{
    switch (err) {
    case UV_ECONNREFUSED: return "connection refused";
    case UV_ECONNRESET:
    case UV_EPIPE: return "connection reset";
    case UV_ENETUNREACH:
    case UV_EHOSTUNREACH: return "host unreachable";
    default: return dflt;
    }
}

static void on_conn_closed(uv_handle_t *h)
{
    free(h->data);
}

/* The connection leaves its slot and closes. */
static void drop(nconn *c)
{
    mt_native *n = c->n;
    if (n) {
        for (nconn **p = &n->conns; *p; p = &(*p)->next)
            if (*p == c) {
                *p = c->next;
                n->nconns--;
                break;
            }
        if (n->cur == c) n->cur = NULL;
    }
    c->n = NULL;
    uv_close((uv_handle_t *)&c->tcp, on_conn_closed);
}

static uint64_t us_since(const mt_native *n, uint64_t t)
{
    return t ? (t - n->t0) / 1000 + 1 : 0; /* 0 means "not reached" */
}

/* An absolute Location for a redirect, resolved against the request URL. */
static void set_location(mt_native *n, long status)
{
    mt_buf_reset(&n->location);
    size_t len;
    const char *loc =
        status >= 300 && status < 400
            ? mt_h1_header(n->resp->headers.data, n->resp->headers.len, "location", &len)
            : NULL;
    if (!loc) return;
    char *rel = mt_strndup(loc, len), *abs = NULL;
    CURLU *u = curl_url();
    if (u && !curl_url_set(u, CURLUPART_URL, n->url.data, 0) &&
        !curl_url_set(u, CURLUPART_URL, rel, CURLU_NON_SUPPORT_SCHEME) &&
        !curl_url_get(u, CURLUPART_URL, &abs, 0))
        mt_buf_appends(&n->location, abs);
    curl_free(abs);
    curl_url_cleanup(u);
    free(rel);
}

static void trace_answer(const mt_native *n)
{
    const mt_respbuf *r = n->resp;
    mt_trace_headers('<', r->headers.data, r->headers.len);
    if (r->body.len) mt_trace_body('<', r->body.data, r->body.len);
}

static void fail_later(mt_native *n, const char *kind);

/* The request ended (kind NULL: answered): its outcome to the owner, last,
 * as the owner may send the next request or close the slot from there. */
static void finish(mt_native *n, const char *kind)
{
    if (n->in_send) return fail_later(n, kind ? kind : "send error"); /* never from send */
    uv_unref((uv_handle_t *)&n->timer); /* left to run: the next request may need it */
    if (kind && n->cur) drop(n->cur);
    n->cur = NULL; /* a kept connection is idle now: what comes on it is not an answer */
    mt_dns_cancel(n->dns);
    n->dns = NULL;
    n->busy = false;
    n->later = NULL;
    uint64_t now = mt_now_ns();
    long status = mt_h1_headers_done(&n->h1) ? mt_h1_status(&n->h1) : 0;
    mt_outcome o = {.status = status,
                    .error_kind = kind,
                    .error_detail = "",
                    .latency_us = (now - n->t0) / 1000,
                    .url = n->url.data,
                    .truncated = n->resp->dropped > 0,
                    .bytes_out = n->written,
                    .body_in = n->resp->wire};
    o.bytes_in = mt_h1_header_bytes(&n->h1) + o.body_in;
    o.timing = mt_timing_from_marks(us_since(n, n->t_dns), us_since(n, n->t_conn), 0,
                                    us_since(n, n->t_sent), us_since(n, n->t_first), o.latency_us);
    if (!kind) set_location(n, status);
    o.location = n->location.len && !kind ? n->location.data : NULL;
    if (n->verbose >= 2 && mt_h1_headers_done(&n->h1)) trace_answer(n);
    n->done(n->data, &o);
}

static void start_write(mt_native *n);
static void open_conn(mt_native *n);
static void connect_to_host(mt_native *n);

/* The request again on a new connection: the reused one had died. */
static void retry(mt_native *n)
{
    drop(n->cur);
    n->retried = true;
    mt_respbuf_clear(n->resp);
    mt_h1_start(&n->h1, n->resp, n->max_body, n->head, n->decode);
    n->written = 0;
    n->t_dns = n->t_conn = n->t_sent = n->t_first = 0;
    connect_to_host(n);
}

/* A reused connection that failed before any byte of the answer. */
static bool can_retry(const mt_native *n)
{
    return n->cur && n->cur->served > 0 && !n->retried && !mt_h1_started(&n->h1);
}

static void on_write(uv_write_t *req, int status)
{
    nconn *c = req->data;
    mt_native *n = c->n;
    c->writing = false;
    if (!n || n->cur != c || !n->busy || status == UV_ECANCELED) return;
    if (status == 0) {
        n->written = n->out.len;
        return;
    }
    if (can_retry(n)) return retry(n);
    finish(n, uv_kind(status, "send error"));
}

/* The request's bytes: at once when the socket takes them all (the usual
 * case), else what remains through uv_write. */
static void start_write(mt_native *n)
{
    nconn *c = n->cur;
    n->t_sent = mt_now_ns();
    uv_buf_t b = uv_buf_init(n->out.data, (unsigned)n->out.len);
    int w = uv_try_write((uv_stream_t *)&c->tcp, &b, 1);
    if (w == (int)n->out.len) {
        n->written = n->out.len;
        return;
    }
    if (w < 0 && w != UV_EAGAIN) {
        if (can_retry(n)) return retry(n);
        return finish(n, uv_kind(w, "send error"));
    }
    size_t done = w > 0 ? (size_t)w : 0;
    b = uv_buf_init(n->out.data + done, (unsigned)(n->out.len - done));
    n->written = done; /* the rest counts once written */
    c->wreq.data = c;
    int rc = uv_write(&c->wreq, (uv_stream_t *)&c->tcp, &b, 1, on_write);
    if (rc) return finish(n, uv_kind(rc, "send error"));
    c->writing = true;
}

static void on_alloc(uv_handle_t *h, size_t want, uv_buf_t *b)
{
    (void)h;
    (void)want;
    *b = uv_buf_init(rbuf, sizeof rbuf);
}

/* An answer read whole: the connection stays for the next request unless
 * the server said close or sent more than the answer. */
static void answered(mt_native *n, nconn *c, bool extra)
{
    if (extra || c->writing || !mt_h1_keep_alive(&n->h1)) /* answered before the body went */
        drop(c);
    else
        c->served++;
    finish(n, NULL);
}

static void on_eof(mt_native *n, nconn *c, int err)
{
    if (can_retry(n)) return retry(n);
    if (err != UV_EOF) return finish(n, uv_kind(err, "receive error"));
    int rc = mt_h1_eof(&n->h1);
    drop(c);
    if (rc == MT_OK) return finish(n, NULL);
    finish(n, !mt_h1_started(&n->h1)       ? "empty response"
              : mt_h1_headers_done(&n->h1) ? "partial response"
                                           : "malformed response");
}

static void on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *b)
{
    nconn *c = s->data;
    mt_native *n = c->n;
    if (nread == 0) return;
    if (!n || n->cur != c || !n->busy) { /* an idle connection closed, or spoke out of turn */
        if (c->n) drop(c);
        return;
    }
    if (nread < 0) return on_eof(n, c, (int)nread);
    if (!n->t_first) n->t_first = mt_now_ns();
    long used = mt_h1_feed(&n->h1, b->base, (size_t)nread);
    if (used < 0) return finish(n, "malformed response");
    if (mt_h1_done(&n->h1)) answered(n, c, used < nread);
}

/* Arms the slot's timer: the connect's bound until connected, then the
 * rest of the whole request's. */
static void arm(mt_native *n, bool connecting);

static void on_connect(uv_connect_t *req, int status)
{
    nconn *c = req->data;
    mt_native *n = c->n;
    if (!n || status == UV_ECANCELED) return;
    if (status < 0) {
        drop(c);
        if (++n->addr_i < n->addrs.n) return open_conn(n);
        return finish(n, uv_kind(status, "connection failed"));
    }
    c->connected = true;
    n->t_conn = mt_now_ns();
    uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read);
    arm(n, false);
    start_write(n);
}

/* Room for one more connection: the least recently used idle one goes. */
static void make_room(mt_native *n)
{
    if (n->nconns < MAX_CONNS) return;
    nconn *last = NULL;
    for (nconn *c = n->conns; c; c = c->next)
        if (c != n->cur) last = c;
    if (last) drop(last);
}

static void open_conn(mt_native *n)
{
    make_room(n);
    nconn *c = mt_calloc(1, sizeof(*c));
    c->n = n;
    c->port = n->t.port;
    memcpy(c->host, n->t.host, sizeof c->host);
    uv_tcp_init(n->loop, &c->tcp);
    c->tcp.data = c;
    c->creq.data = c;
    c->next = n->conns;
    n->conns = c;
    n->nconns++;
    n->cur = c;
    uv_tcp_nodelay(&c->tcp, 1);
    const struct sockaddr *sa = (const struct sockaddr *)&n->addrs.addr[n->addr_i];
    int rc = uv_tcp_connect(&c->creq, &c->tcp, sa, on_connect);
    if (rc == 0) return;
    drop(c);
    if (++n->addr_i < n->addrs.n) return open_conn(n);
    fail_later(n, uv_kind(rc, "connection failed"));
}

static void on_resolved(void *data, int status, const mt_dns_addrs *a)
{
    mt_native *n = data;
    n->dns = NULL;
    if (status) return finish(n, "dns failure");
    n->t_dns = mt_now_ns();
    n->addrs = *a;
    n->addr_i = 0;
    open_conn(n);
}

static void on_timer(uv_timer_t *t)
{
    mt_native *n = t->data;
    if (!n->busy) return;
    if (n->later) return finish(n, n->later);
    uint64_t now = mt_now_ns();
    if (now < n->deadline) { /* armed for an earlier request (or early): the bound is further */
        uint64_t ms = (n->deadline - now + 999999) / 1000000;
        n->due = now + ms * 1000000;
        uv_timer_start(&n->timer, on_timer, ms, 0);
        return;
    }
    mt_dns_cancel(n->dns);
    n->dns = NULL;
    finish(n, n->cur && n->cur->connected ? "timeout" : "connect timeout");
}

/* A failure found within mt_native_send: told from the loop. */
static void fail_later(mt_native *n, const char *kind)
{
    if (n->cur) drop(n->cur);
    n->later = kind;
    uv_ref((uv_handle_t *)&n->timer);
    n->due = n->deadline = mt_now_ns();
    uv_timer_start(&n->timer, on_timer, 0, 0);
}

static void arm(mt_native *n, bool connecting)
{
    uint64_t spent = (mt_now_ns() - n->t0) / 1000000;
    uint64_t total = (uint64_t)n->timeout_ms, left = total > spent ? total - spent : 0;
    uint64_t conn = (uint64_t)n->connect_timeout_ms;
    if (connecting && conn && conn > spent && conn - spent < left) left = conn - spent;
    n->deadline = n->t0 + (spent + left) * 1000000;
    uv_ref((uv_handle_t *)&n->timer);
    /* a timer that fires first is left as it is: on_timer arms it again for
     * the rest, so most requests cost no timer operation */
    if (uv_is_active((uv_handle_t *)&n->timer) && n->due <= n->deadline) return;
    n->due = n->deadline;
    uv_timer_start(&n->timer, on_timer, left, 0);
}

/* An idle connection to the request's host, most recently used first. */
static nconn *idle_conn(mt_native *n)
{
    nconn **p = &n->conns;
    for (; *p; p = &(*p)->next) {
        nconn *c = *p;
        if (!c->connected || c->writing || c->port != n->t.port || strcmp(c->host, n->t.host))
            continue;
        *p = c->next; /* to the front */
        c->next = n->conns;
        n->conns = c;
        return c;
    }
    return NULL;
}

static void connect_to_host(mt_native *n)
{
    arm(n, true);
    int rc = mt_dns_resolve(n->loop, n->t.host, n->t.port, &n->addrs, on_resolved, n, &n->dns);
    if (rc < 0) return fail_later(n, "dns failure");
    if (rc == 0) return; /* on_resolved goes on */
    n->addr_i = 0;
    open_conn(n);
}

static void begin(mt_native *n, const mt_http_req *r, const char *cookie, mt_respbuf *resp,
                  bool valid)
{
    n->busy = true;
    n->retried = false;
    n->later = NULL;
    n->resp = resp;
    n->head = strcmp(r->method, "HEAD") == 0;
    n->decode = r->compress;
    n->timeout_ms = r->timeout_ms;
    n->connect_timeout_ms = r->connect_timeout_ms;
    n->t0 = mt_now_ns();
    n->t_dns = n->t_conn = n->t_sent = n->t_first = 0;
    n->written = 0;
    mt_buf_reset(&n->url);
    if (valid && !n->t.userinfo)
        mt_buf_appends(&n->url, r->url);
    else
        mt_url_append_public(&n->url, r->url);
    if (valid && n->t.target_len == 0) mt_buf_append(&n->url, "/", 1);
    mt_buf_reset(&n->out);
    if (valid && mt_target_plain_path(&n->t, r->url, &n->location)) { /* free until the answer */
        mt_buf_reset(&n->url); /* the URL as sent, as libcurl's effective URL */
        mt_buf_printf(&n->url, "http://%s%s", n->t.authority, n->location.data);
    }
    if (valid)
        mt_native_req_write(&n->out, r, &n->t, cookie, "User-Agent: molotov/" MOLOTOV_VERSION);
    mt_h1_start(&n->h1, resp, n->max_body, n->head, n->decode);
}

static void trace_request(const mt_native *n, const mt_http_req *r)
{
    const char *end = strstr(n->out.data, "\r\n\r\n");
    size_t head = end ? (size_t)(end - n->out.data) + 4 : n->out.len;
    mt_trace_headers('>', n->out.data, head);
    if (r->has_body && r->body_len) mt_trace_body('>', r->body, r->body_len);
}

int mt_native_send(mt_native *n, const mt_http_req *r, const char *cookie, mt_respbuf *resp)
{
    bool valid = mt_target_parse(r->url, &n->t) == MT_OK;
    begin(n, r, cookie, resp, valid);
    if (!valid) return fail_later(n, "invalid url"), MT_OK;
    if (n->verbose >= 2) trace_request(n, r);
    n->in_send = true;
    nconn *c = idle_conn(n);
    if (c) {
        n->cur = c;
        arm(n, false);
        start_write(n);
    } else {
        connect_to_host(n);
    }
    n->in_send = false;
    return MT_OK;
}

mt_native *mt_native_open(uv_loop_t *loop, const mt_options *o, mt_native_done done, void *data)
{
    mt_native *n = mt_calloc(1, sizeof(*n));
    mt_native_read_env();
    n->loop = loop;
    n->done = done;
    n->data = data;
    n->max_body = (size_t)o->max_body;
    n->verbose = o->verbose;
    uv_timer_init(loop, &n->timer);
    n->timer.data = n;
    mt_h1_init(&n->h1);
    return n;
}

void mt_native_cancel(mt_native *n)
{
    if (!n->busy) return;
    uv_timer_stop(&n->timer);
    mt_dns_cancel(n->dns);
    n->dns = NULL;
    if (n->cur) drop(n->cur); /* half a request on it: it cannot carry another */
    n->busy = false;
}

static void on_timer_closed(uv_handle_t *h)
{
    mt_native *n = h->data;
    mt_h1_free(&n->h1);
    mt_buf_free(&n->out);
    mt_buf_free(&n->url);
    mt_buf_free(&n->location);
    free(n);
}

void mt_native_close(mt_native *n)
{
    if (!n) return;
    mt_native_cancel(n);
    while (n->conns) drop(n->conns);
    uv_close((uv_handle_t *)&n->timer, on_timer_closed);
}

const char *mt_native_url(const mt_native *n)
{
    return n->url.data ? n->url.data : "";
}

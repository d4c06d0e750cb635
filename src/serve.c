/* serve.c: `molotov serve`, the built-in HTTP/1.1 target. Owns the listening
 * socket, the connections (each with its fixed read buffer, a timer shared by
 * /delay and the lingering close, and the /bytes stream), request parsing,
 * the routes, and the subcommand's options, signals and duration timer.
 *
 * A connection answers its requests strictly in order. While an answer waits
 * (a /delay timer, a /bytes stream, too much queued output) the connection is
 * "busy": it keeps reading into its buffer but parses nothing more. After the
 * last answer it shuts down its sending side, then drains input for a moment
 * before closing, so that a client still sending sees the answer, not a reset.
 *
 * /limit/K/MS holds a slot in the server's in-flight count from the moment its
 * head is parsed until its answer is handed to the socket, the client's FIN
 * arrives (a client that went away frees its slot at once) or the connection
 * closes, whichever comes first. */
#include "molotov/serve.h"
#include "molotov/common.h"

#include <errno.h>
#include <math.h>
#include <netdb.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define HEAD_MAX 16384         /* request line + headers + blank line */
#define CHUNK_SIZE 65536       /* one slice of /bytes output */
#define CHUNKS_PER_WRITE 4     /* slices per streaming uv_write */
#define BYTES_MAX (4ull << 30) /* /bytes/N is capped here */
#define DELAY_MAX_MS 300000ull /* /delay/MS is capped here */
#define LIMIT_MAX_K 100000ull  /* /limit/K/MS: larger K is a 404 */
#define LIMIT_MAX_MS 60000ull  /* /limit/K/MS: larger MS is a 404 */
#define DRAIN_MAX (1u << 20)   /* stop answering while this much output is queued */
#define LINGER_MS 2000         /* how long to drain input after the last answer */
#define BACKLOG 1024
#define TRICKLE_MAX 100000ull /* /trickle/N/MS: larger N is a 404 */
#define GARBAGE "SSH-2.0-OpenSSH_9.2\r\nthis is not HTTP at all\r\n\r\n"

#define TEXT "text/plain"
#define JSON "application/json"

/* One response write: the uv request and its bytes in a single allocation. */
typedef struct {
    uv_write_t req; /* first member: the write callback casts back */
    size_t len;
    char data[];
} wblock;

typedef struct conn conn;
struct conn {
    uv_tcp_t tcp;
    uv_timer_t timer;      /* /delay, then the lingering close */
    uv_write_t stream_req; /* the /bytes slices in flight */
    uv_shutdown_t shut;
    mt_server *srv;
    conn *prev, *next;
    wblock *pending;      /* the answer, until the body is read and any delay is over */
    uint64_t body_left;   /* request body bytes still to skip */
    uint64_t stream_left; /* /bytes payload still to write */
    uint64_t trickle_left, trickle_ms; /* /trickle: bytes still to send, one per ms */
    uint64_t delay_ms;
    uint64_t due_ns;       /* uv_hrtime() when a delayed answer may go */
    size_t off, len, scan; /* unread input is buf[off, len); scan: resume point */
    int handles;           /* uv handles not yet closed */
    bool in_body, busy, draining, close_after, eof, reading, finishing, lingering, closing;
    bool limit_slot; /* holds one of srv->limit_inflight */
    bool hangup;     /* /hangup: close instead of answering */
    char buf[HEAD_MAX];
};

struct mt_server {
    uv_tcp_t listener;
    uv_loop_t *loop;
    conn *conns;
    mt_buf out;  /* scratch: the response being formatted */
    mt_buf body; /* scratch: a formatted body */
    char *xs;    /* CHUNK_SIZE bytes of 'x' for /bytes */
    char date[40];
    time_t date_at;
    _Atomic uint64_t requests;
    uint64_t next_id;
    uint64_t limit_inflight; /* /limit answers accepted and not yet handed out */
    int port;
    bool stopping, listener_closed;
};

typedef struct {
    const char *method, *target;
    size_t method_len, target_len;
    uint64_t content_length;
    bool http10, has_length, has_te, conn_close, keep_alive, expect_continue;
} request;

typedef struct {
    int status;
    const char *type;
    const char *body;
    size_t body_len;
    uint64_t stream;              /* /bytes payload, written from srv->xs */
    uint64_t delay_ms;            /* /delay, /limit */
    bool limit_slot;              /* /limit: took a slot of srv->limit_inflight */
    uint64_t trickle, trickle_ms; /* /trickle/N/MS: N bytes, one every MS ms */
    bool raw;                     /* /garbage: body only, no status line or headers */
    bool hangup;                  /* /hangup */
} response;

static void conn_process(conn *c);
static void conn_close(conn *c);
static void resume(conn *c);
static void finish(conn *c);
static void read_on(conn *c);
static void read_off(conn *c);

/* ---- small helpers ---- */

static uv_stream_t *stream(conn *c)
{
    return (uv_stream_t *)&c->tcp;
}

static bool is_tchar(unsigned char ch)
{
    if ((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z'))
        return true;
    return ch && strchr("!#$%&'*+-.^_`|~", ch) != NULL;
}

static bool all_tchar(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!is_tchar((unsigned char)p[i])) return false;
    return n > 0;
}

static bool ieq(const char *p, size_t n, const char *s)
{
    return n == strlen(s) && strncasecmp(p, s, n) == 0;
}

static bool eq(const char *p, size_t n, const char *s)
{
    return n == strlen(s) && memcmp(p, s, n) == 0;
}

/* 1 to 18 decimal digits, nothing else. */
static bool parse_u64(const char *p, size_t n, uint64_t *out)
{
    if (n == 0 || n > 18) return false;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9') return false;
        v = v * 10 + (uint64_t)(p[i] - '0');
    }
    *out = v;
    return true;
}

static const char *reason(int status)
{
    switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 411: return "Length Required";
    case 413: return "Content Too Large";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "Status";
    }
}

/* ---- request parsing ---- */

/* Finds the blank line ending the request head in buf[off, len). Returns the
 * head's length, 0 when more input is needed, or -400 / -431. */
static int find_head(conn *c)
{
    while (c->scan == 0 && c->len - c->off >= 2 && c->buf[c->off] == '\r' &&
           c->buf[c->off + 1] == '\n')
        c->off += 2; /* empty lines before a request are allowed */
    const char *p = c->buf + c->off;
    size_t n = c->len - c->off;
    for (size_t i = c->scan; i < n; i++) {
        unsigned char ch = (unsigned char)p[i];
        if (ch == '\n') {
            if (i == 0 || p[i - 1] != '\r') return -400;
            if (i == c->scan + 1) return (int)(i + 1);
            c->scan = i + 1;
        } else if (ch == '\r') {
            if (i + 1 < n && p[i + 1] != '\n') return -400;
        } else if ((ch < 0x20 && ch != '\t') || ch == 0x7f) {
            return -400;
        }
    }
    return n >= HEAD_MAX ? -431 : 0;
}

static int parse_request_line(const char *p, size_t n, request *q)
{
    const char *sp1 = memchr(p, ' ', n);
    if (!sp1) return -400;
    const char *t = sp1 + 1;
    const char *sp2 = memchr(t, ' ', (size_t)(p + n - t));
    if (!sp2 || sp2 == t) return -400;
    q->method = p;
    q->method_len = (size_t)(sp1 - p);
    q->target = t;
    q->target_len = (size_t)(sp2 - t);
    if (!all_tchar(q->method, q->method_len)) return -400;
    for (size_t i = 0; i < q->target_len; i++)
        if ((unsigned char)t[i] <= 0x20 || t[i] == 0x7f) return -400;
    const char *v = sp2 + 1;
    if (p + n - v != 8 || memcmp(v, "HTTP/1.", 7) != 0 || (v[7] != '0' && v[7] != '1')) return -400;
    q->http10 = v[7] == '0';
    return 0;
}

static int set_length(request *q, const char *v, size_t n)
{
    uint64_t len;
    if (!parse_u64(v, n, &len)) return -400;
    if (q->has_length && q->content_length != len) return -400;
    q->has_length = true;
    q->content_length = len;
    return 0;
}

static void parse_connection(request *q, const char *v, size_t n)
{
    const char *end = v + n;
    while (v < end) {
        const char *comma = memchr(v, ',', (size_t)(end - v));
        const char *e = comma ? comma : end;
        const char *s = v;
        while (s < e && (*s == ' ' || *s == '\t')) s++;
        const char *t = e;
        while (t > s && (t[-1] == ' ' || t[-1] == '\t')) t--;
        if (ieq(s, (size_t)(t - s), "close")) q->conn_close = true;
        if (ieq(s, (size_t)(t - s), "keep-alive")) q->keep_alive = true;
        v = comma ? comma + 1 : end;
    }
}

static int parse_header(const char *p, size_t n, request *q)
{
    const char *colon = memchr(p, ':', n);
    if (!colon || !all_tchar(p, (size_t)(colon - p))) return -400;
    const char *v = colon + 1, *e = p + n;
    while (v < e && (*v == ' ' || *v == '\t')) v++;
    while (e > v && (e[-1] == ' ' || e[-1] == '\t')) e--;
    size_t nl = (size_t)(colon - p), vl = (size_t)(e - v);
    if (ieq(p, nl, "content-length")) return set_length(q, v, vl);
    if (ieq(p, nl, "transfer-encoding")) q->has_te = true;
    if (ieq(p, nl, "connection")) parse_connection(q, v, vl);
    if (ieq(p, nl, "expect")) q->expect_continue = ieq(v, vl, "100-continue");
    return 0;
}

/* Parses a head of n bytes ending in CRLFCRLF, already checked by find_head.
 * Returns 0 or -400 / -411. */
static int parse_head(const char *p, size_t n, request *q)
{
    memset(q, 0, sizeof *q);
    const char *end = p + n - 2; /* the blank line */
    const char *eol = memchr(p, '\r', n);
    if (parse_request_line(p, (size_t)(eol - p), q) < 0) return -400;
    for (const char *line = eol + 2; line < end; line = eol + 2) {
        eol = memchr(line, '\r', (size_t)(p + n - line));
        int r = parse_header(line, (size_t)(eol - line), q);
        if (r < 0) return r;
    }
    return q->has_te ? -411 : 0;
}

/* ---- routes ---- */

static void set_body(response *r, int status, const char *type, const char *body)
{
    *r = (response){.status = status, .type = type, .body = body, .body_len = strlen(body)};
}

static void set_scratch_body(mt_server *s, response *r, int status, const char *type)
{
    set_body(r, status, type, "");
    r->body = s->body.data;
    r->body_len = s->body.len;
}

static void route_error(mt_server *s, response *r, int status)
{
    mt_buf_reset(&s->body);
    mt_buf_printf(&s->body, "%d %s\n", status, reason(status));
    set_scratch_body(s, r, status, TEXT);
}

static void route_items(mt_server *s, response *r)
{
    mt_buf_reset(&s->body);
    mt_buf_printf(&s->body, "{\"id\":%llu}", (unsigned long long)s->next_id++);
    set_scratch_body(s, r, 201, JSON);
}

static void route_status(mt_server *s, response *r, uint64_t code)
{
    if (code < 200 || code > 599) {
        route_error(s, r, 400);
        return;
    }
    set_body(r, (int)code, TEXT, "");
}

static void route_delay(mt_server *s, response *r, uint64_t ms)
{
    if (ms > DELAY_MAX_MS) ms = DELAY_MAX_MS;
    mt_buf_reset(&s->body);
    mt_buf_printf(&s->body, "{\"delay_ms\":%llu}", (unsigned long long)ms);
    set_scratch_body(s, r, 200, JSON);
    r->delay_ms = ms;
}

static void json_escape(mt_buf *b, const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)p[i];
        if (ch == '"' || ch == '\\')
            mt_buf_printf(b, "\\%c", ch);
        else if (ch < 0x20 || ch >= 0x7f)
            mt_buf_printf(b, "\\u%04x", ch);
        else
            mt_buf_append(b, p + i, 1);
    }
}

static void route_echo(mt_server *s, const request *q, response *r)
{
    mt_buf *b = &s->body;
    mt_buf_reset(b);
    mt_buf_appends(b, "{\"method\":\"");
    json_escape(b, q->method, q->method_len);
    mt_buf_appends(b, "\",\"path\":\"");
    json_escape(b, q->target, q->target_len);
    mt_buf_printf(b, "\",\"body_length\":%llu}", (unsigned long long)q->content_length);
    set_scratch_body(s, r, 200, JSON);
}

static void route_bytes(response *r, uint64_t n)
{
    set_body(r, 200, "application/octet-stream", "");
    r->stream = n > BYTES_MAX ? BYTES_MAX : n;
}

/* Matches prefix followed by a number, e.g. "/delay/" "250". */
static bool path_num(const char *path, size_t n, const char *prefix, uint64_t *out)
{
    size_t k = strlen(prefix);
    return n > k && memcmp(path, prefix, k) == 0 && parse_u64(path + k, n - k, out);
}

/* Matches prefix followed by two numbers, e.g. "/limit/" "10/100". */
static bool path_two(const char *path, size_t n, const char *prefix, uint64_t *a, uint64_t *b)
{
    size_t pl = strlen(prefix);
    if (n <= pl || memcmp(path, prefix, pl) != 0) return false;
    const char *p = path + pl, *end = path + n;
    const char *slash = memchr(p, '/', (size_t)(end - p));
    return slash && parse_u64(p, (size_t)(slash - p), a) &&
           parse_u64(slash + 1, (size_t)(end - slash - 1), b);
}

/* Matches "/limit/K/MS" with K <= LIMIT_MAX_K and MS <= LIMIT_MAX_MS. */
static bool path_limit(const char *path, size_t n, uint64_t *k, uint64_t *ms)
{
    return path_two(path, n, "/limit/", k, ms) && *k <= LIMIT_MAX_K && *ms <= LIMIT_MAX_MS;
}

/* /trickle/N/MS: N bytes (at most TRICKLE_MAX), one every MS ms (1..10000). */
static bool route_trickle(const char *path, size_t n, response *r)
{
    uint64_t bytes, ms;
    if (!path_two(path, n, "/trickle/", &bytes, &ms) || bytes > TRICKLE_MAX || ms < 1 || ms > 10000)
        return false;
    set_body(r, 200, TEXT, "");
    r->trickle = bytes;
    r->trickle_ms = ms;
    return true;
}

/* 503 at once when this request would make more than k /limit requests in
 * flight; otherwise takes a slot and answers 200 after ms. */
static void route_limit(mt_server *s, response *r, uint64_t k, uint64_t ms)
{
    if (s->limit_inflight + 1 > k) {
        set_body(r, 503, TEXT, "over capacity\n");
        return;
    }
    s->limit_inflight++;
    set_body(r, 200, TEXT, "ok\n");
    r->delay_ms = ms;
    r->limit_slot = true;
}

static void route(mt_server *s, const request *q, response *r)
{
    const char *path = q->target;
    const char *qm = memchr(path, '?', q->target_len);
    size_t n = qm ? (size_t)(qm - path) : q->target_len;
    bool get = eq(q->method, q->method_len, "GET") || eq(q->method, q->method_len, "HEAD");
    uint64_t v, ms;
    if (get && eq(path, n, "/"))
        set_body(r, 200, TEXT, "Hello from molotov serve\n");
    else if (get && eq(path, n, "/json"))
        set_body(r, 200, JSON, "{\"hello\":\"world\"}");
    else if (eq(q->method, q->method_len, "POST") && eq(path, n, "/items"))
        route_items(s, r);
    else if (path_num(path, n, "/status/", &v))
        route_status(s, r, v);
    else if (path_num(path, n, "/delay/", &v))
        route_delay(s, r, v);
    else if (eq(path, n, "/echo"))
        route_echo(s, q, r);
    else if (path_num(path, n, "/bytes/", &v))
        route_bytes(r, v);
    else if (path_limit(path, n, &v, &ms))
        route_limit(s, r, v, ms);
    else if (eq(path, n, "/garbage")) {
        set_body(r, 200, TEXT, GARBAGE);
        r->raw = true;
    } else if (eq(path, n, "/hangup")) {
        set_body(r, 200, TEXT, "");
        r->hangup = true;
    } else if (route_trickle(path, n, r))
        ;
    else
        route_error(s, r, 404);
}

/* ---- building and writing answers ---- */

static const char *http_date(mt_server *s)
{
    time_t now = time(NULL);
    if (now != s->date_at) {
        struct tm tm;
        gmtime_r(&now, &tm);
        strftime(s->date, sizeof s->date, "%a, %d %b %Y %H:%M:%S GMT", &tm);
        s->date_at = now;
    }
    return s->date;
}

static wblock *block_of(const char *data, size_t len)
{
    wblock *w = mt_malloc(sizeof *w + len);
    w->len = len;
    memcpy(w->data, data, len);
    return w;
}

/* Formats the whole answer (head, then the body unless head_only). */
static wblock *build_answer(conn *c, const response *r, bool keep_alive_10, bool head_only)
{
    mt_server *s = c->srv;
    mt_buf *o = &s->out;
    mt_buf_reset(o);
    mt_buf_printf(o, "HTTP/1.1 %d %s\r\nServer: molotov\r\nDate: %s\r\nContent-Type: %s\r\n",
                  r->status, reason(r->status), http_date(s), r->type);
    if (r->status != 204 && r->status != 304)
        mt_buf_printf(o, "Content-Length: %llu\r\n",
                      (unsigned long long)(r->body_len + r->stream + r->trickle));
    if (c->close_after)
        mt_buf_appends(o, "Connection: close\r\n");
    else if (keep_alive_10)
        mt_buf_appends(o, "Connection: keep-alive\r\n");
    mt_buf_appends(o, "\r\n");
    if (!head_only) mt_buf_append(o, r->body, r->body_len);
    return block_of(o->data, o->len);
}

static void on_block_written(uv_write_t *req, int status)
{
    uv_stream_t *h = req->handle;
    conn *c = h->data;
    free(req); /* the wblock: req is its first member */
    if (c->closing) return;
    if (status < 0) {
        conn_close(c);
        return;
    }
    if (c->draining && uv_stream_get_write_queue_size(h) == 0) {
        c->draining = c->busy = false;
        resume(c);
    }
}

/* Writes w; false (and the connection closing) when libuv refuses. */
static bool write_block(conn *c, wblock *w, const uv_buf_t *extra)
{
    uv_buf_t bufs[2] = {uv_buf_init(w->data, (unsigned)w->len), {0}};
    unsigned n = 1;
    if (extra && extra->len) bufs[n++] = *extra;
    if (uv_write(&w->req, stream(c), bufs, n, on_block_written) == 0) return true;
    free(w);
    conn_close(c);
    return false;
}

static void on_stream_written(uv_write_t *req, int status);

/* Gives back the connection's /limit slot, if it holds one. */
static void release_slot(conn *c)
{
    if (!c->limit_slot) return;
    c->limit_slot = false;
    c->srv->limit_inflight--;
}

static void stream_more(conn *c)
{
    uv_buf_t bufs[CHUNKS_PER_WRITE];
    unsigned n = 0;
    while (n < CHUNKS_PER_WRITE && c->stream_left) {
        size_t k = c->stream_left < CHUNK_SIZE ? (size_t)c->stream_left : CHUNK_SIZE;
        bufs[n++] = uv_buf_init(c->srv->xs, (unsigned)k);
        c->stream_left -= k;
    }
    if (uv_write(&c->stream_req, stream(c), bufs, n, on_stream_written) < 0) conn_close(c);
}

static void on_stream_written(uv_write_t *req, int status)
{
    conn *c = req->handle->data;
    if (c->closing) return;
    if (status < 0) {
        conn_close(c);
        return;
    }
    if (c->stream_left) {
        stream_more(c);
        return;
    }
    c->busy = false;
    resume(c);
}

/* /trickle: one more byte, until the announced length is sent. */
static void on_trickle(uv_timer_t *t)
{
    conn *c = t->data;
    if (c->closing || !write_block(c, block_of("x", 1), NULL)) return;
    if (--c->trickle_left) return;
    uv_timer_stop(t);
    c->busy = false;
    resume(c);
}

/* Hands the pending answer to the socket, with the first /bytes slice. */
static void send_pending(conn *c)
{
    wblock *w = c->pending;
    c->pending = NULL;
    release_slot(c);
    atomic_fetch_add_explicit(&c->srv->requests, 1, memory_order_relaxed);
    if (c->hangup) { /* the request was read: hang up without a word */
        free(w);
        c->close_after = c->busy = true;
        finish(c);
        return;
    }
    if (c->trickle_left) {
        if (!write_block(c, w, NULL)) return;
        c->busy = true;
        uv_timer_start(&c->timer, on_trickle, c->trickle_ms, c->trickle_ms);
        return;
    }
    size_t k = c->stream_left < CHUNK_SIZE ? (size_t)c->stream_left : CHUNK_SIZE;
    uv_buf_t first = uv_buf_init(c->srv->xs, (unsigned)k);
    c->stream_left -= k;
    if (!write_block(c, w, &first)) return;
    if (c->stream_left) {
        c->busy = true;
        stream_more(c);
    }
}

static void on_delay(uv_timer_t *t)
{
    conn *c = t->data;
    uint64_t now = uv_hrtime();
    if (now < c->due_ns) { /* the loop clock runs a little behind: wait the rest */
        uv_timer_start(t, on_delay, (c->due_ns - now + 999999) / 1000000, 0);
        return;
    }
    c->busy = false;
    send_pending(c);
    if (!c->busy) resume(c);
}

/* The request is fully read: answer now or after its delay. */
static void dispatch(conn *c, uint64_t delay_ms)
{
    if (delay_ms) {
        c->busy = true;
        c->due_ns = uv_hrtime() + delay_ms * 1000000;
        uv_timer_start(&c->timer, on_delay, delay_ms, 0);
        return;
    }
    send_pending(c);
    if (!c->busy && c->close_after) finish(c);
}

static void reply_error(conn *c, int status)
{
    response r;
    route_error(c->srv, &r, status);
    c->close_after = true;
    c->in_body = false;
    c->stream_left = 0;
    c->pending = build_answer(c, &r, false, false);
    dispatch(c, 0);
}

static void write_continue(conn *c)
{
    static const char msg[] = "HTTP/1.1 100 Continue\r\n\r\n";
    write_block(c, block_of(msg, sizeof msg - 1), NULL);
}

/* ---- the per-connection state machine ---- */

static void prepare(conn *c, const request *q)
{
    response r;
    route(c->srv, q, &r);
    bool head = eq(q->method, q->method_len, "HEAD");
    c->close_after = r.raw || (q->http10 ? !q->keep_alive : q->conn_close);
    if (r.raw)
        c->pending = block_of(r.body, r.body_len);
    else
        c->pending = build_answer(c, &r, q->http10 && !c->close_after, head);
    c->stream_left = head ? 0 : r.stream;
    c->trickle_left = head ? 0 : r.trickle;
    c->trickle_ms = r.trickle_ms;
    c->hangup = r.hangup;
    c->delay_ms = r.delay_ms;
    c->limit_slot = r.limit_slot;
}

/* Reads one request head. Returns false when more input is needed. */
static bool take_head(conn *c)
{
    int n = find_head(c);
    if (n == 0) return false;
    request q;
    int r = n < 0 ? n : parse_head(c->buf + c->off, (size_t)n, &q);
    if (r < 0) {
        reply_error(c, -r);
        return true;
    }
    prepare(c, &q);
    c->off += (size_t)n;
    c->scan = 0;
    c->in_body = true;
    c->body_left = q.content_length;
    if (q.expect_continue && !q.http10 && c->body_left > c->len - c->off) write_continue(c);
    return true;
}

/* Skips body bytes; once the body is all in, answers. Returns false when more
 * input is needed. */
static bool take_body(conn *c)
{
    size_t have = c->len - c->off;
    size_t k = c->body_left < have ? (size_t)c->body_left : have;
    c->off += k;
    c->body_left -= k;
    if (c->body_left) return false;
    c->in_body = false;
    dispatch(c, c->delay_ms);
    return true;
}

/* Decides what to wait for once parsing has stopped. */
static void wait_for_more(conn *c)
{
    if (c->closing || c->finishing) return;
    if (c->off) {
        memmove(c->buf, c->buf + c->off, c->len - c->off);
        c->len -= c->off;
        c->off = 0;
    }
    if (c->busy && c->len == sizeof c->buf)
        read_off(c);
    else if (!c->busy && c->eof)
        finish(c);
    else
        read_on(c);
}

/* Answers every complete request in the buffer, in order. */
static void conn_process(conn *c)
{
    while (!c->busy && !c->finishing && !c->closing) {
        if (uv_stream_get_write_queue_size(stream(c)) > DRAIN_MAX) {
            c->busy = c->draining = true;
            break;
        }
        if (!(c->in_body ? take_body(c) : take_head(c))) break;
    }
    wait_for_more(c);
}

/* After an answer that finished asynchronously: close or go on parsing. */
static void resume(conn *c)
{
    if (c->closing || c->finishing) return;
    if (c->close_after) {
        finish(c);
        return;
    }
    conn_process(c);
}

/* ---- reading, closing ---- */

static void on_alloc(uv_handle_t *h, size_t hint, uv_buf_t *b)
{
    conn *c = h->data;
    (void)hint;
    if (c->finishing) c->off = c->len = 0; /* input after the last answer is dropped */
    *b = uv_buf_init(c->buf + c->len, (unsigned)(sizeof c->buf - c->len));
}

static void read_ended(conn *c, ssize_t n)
{
    if (n != UV_EOF || c->lingering) {
        conn_close(c);
        return;
    }
    c->eof = true;
    release_slot(c); /* the client is gone, or at least no longer waiting on us */
    read_off(c);
    if (!c->busy && !c->finishing) conn_process(c);
}

static void on_read(uv_stream_t *h, ssize_t n, const uv_buf_t *b)
{
    conn *c = h->data;
    (void)b;
    if (n == UV_ENOBUFS) {
        read_off(c);
        return;
    }
    if (n < 0) {
        read_ended(c, n);
        return;
    }
    if (n == 0 || c->finishing) return;
    c->len += (size_t)n;
    if (!c->busy) {
        conn_process(c);
        return;
    }
    if (c->len == sizeof c->buf) read_off(c);
}

static void read_on(conn *c)
{
    if (c->reading || c->eof || c->closing) return;
    if (uv_read_start(stream(c), on_alloc, on_read) < 0) {
        conn_close(c);
        return;
    }
    c->reading = true;
}

static void read_off(conn *c)
{
    if (!c->reading) return;
    uv_read_stop(stream(c));
    c->reading = false;
}

static void on_linger(uv_timer_t *t)
{
    conn_close(t->data);
}

static void on_shutdown(uv_shutdown_t *req, int status)
{
    conn *c = req->handle->data;
    if (c->closing) return;
    if (status < 0 || c->eof) {
        conn_close(c);
        return;
    }
    c->lingering = true;
    c->off = c->len = 0;
    read_on(c);
    uv_timer_start(&c->timer, on_linger, LINGER_MS, 0);
}

/* After the last answer: send FIN once the writes are out, then linger. */
static void finish(conn *c)
{
    if (c->finishing || c->closing) return;
    c->finishing = true;
    if (uv_shutdown(&c->shut, stream(c), on_shutdown) < 0) conn_close(c);
}

static void server_maybe_free(mt_server *s)
{
    if (!s->stopping || !s->listener_closed || s->conns) return;
    mt_buf_free(&s->out);
    mt_buf_free(&s->body);
    free(s->xs);
    free(s);
}

static void on_conn_closed(uv_handle_t *h)
{
    conn *c = h->data;
    if (--c->handles > 0) return;
    mt_server *s = c->srv;
    if (c->prev)
        c->prev->next = c->next;
    else
        s->conns = c->next;
    if (c->next) c->next->prev = c->prev;
    free(c->pending);
    free(c);
    server_maybe_free(s);
}

static void conn_close(conn *c)
{
    if (c->closing) return;
    c->closing = true;
    release_slot(c);
    uv_close((uv_handle_t *)&c->tcp, on_conn_closed);
    uv_close((uv_handle_t *)&c->timer, on_conn_closed);
}

static void on_connection(uv_stream_t *l, int status)
{
    mt_server *s = l->data;
    if (status < 0 || s->stopping) return;
    conn *c = mt_calloc(1, sizeof *c);
    c->srv = s;
    uv_tcp_init(s->loop, &c->tcp);
    uv_timer_init(s->loop, &c->timer);
    c->tcp.data = c->timer.data = c;
    c->handles = 2;
    c->next = s->conns;
    if (s->conns) s->conns->prev = c;
    s->conns = c;
    if (uv_accept(l, stream(c)) < 0) {
        conn_close(c);
        return;
    }
    uv_tcp_nodelay(&c->tcp, 1);
    read_on(c);
}

/* ---- the server ---- */

static void ignore_sigpipe(void)
{
    struct sigaction sa;
    if (sigaction(SIGPIPE, NULL, &sa) != 0 || sa.sa_handler != SIG_DFL) return;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_IGN;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGPIPE, &sa, NULL);
}

/* A listening, non-blocking socket on host:port, or MT_EINVAL / MT_EIO. */
static int open_listener(const char *host, int port, int *fd_out)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
    hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV;
    char service[8];
    snprintf(service, sizeof service, "%d", port);
    struct addrinfo *ai;
    if (strcmp(host, "localhost") == 0) host = "127.0.0.1";
    if (getaddrinfo(host, service, &hints, &ai) != 0) return MT_EINVAL;
    int one = 1;
    int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    bool ok = fd >= 0 && setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == 0 &&
              bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, BACKLOG) == 0;
    int err = errno;
    freeaddrinfo(ai);
    if (!ok && fd >= 0) close(fd);
    errno = err;
    if (!ok) return MT_EIO;
    *fd_out = fd;
    return MT_OK;
}

static int bound_port(int fd)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0) return 0;
    if (ss.ss_family == AF_INET6) return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
    return ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

static void on_listener_closed(uv_handle_t *h)
{
    mt_server *s = h->data;
    s->listener_closed = true;
    server_maybe_free(s);
}

static mt_server *server_new(uv_loop_t *loop, int fd)
{
    mt_server *s = mt_calloc(1, sizeof *s);
    s->loop = loop;
    s->port = bound_port(fd);
    s->next_id = 1;
    atomic_init(&s->requests, 0);
    mt_buf_init(&s->out);
    mt_buf_init(&s->body);
    s->xs = mt_malloc(CHUNK_SIZE);
    memset(s->xs, 'x', CHUNK_SIZE);
    uv_tcp_init(loop, &s->listener);
    s->listener.data = s;
    return s;
}

int mt_serve_start(uv_loop_t *loop, const char *host, int port, mt_server **out)
{
    if (out) *out = NULL;
    if (!loop || !host || !out || port < 0 || port > 65535) return MT_EINVAL;
    ignore_sigpipe();
    int fd;
    int r = open_listener(host, port, &fd);
    if (r < 0) return r;
    mt_server *s = server_new(loop, fd);
    r = uv_tcp_open(&s->listener, (uv_os_sock_t)fd);
    if (r < 0) close(fd);
    if (r == 0) r = uv_listen((uv_stream_t *)&s->listener, BACKLOG, on_connection);
    if (r < 0) {
        s->stopping = true;
        uv_close((uv_handle_t *)&s->listener, on_listener_closed);
        return MT_EUV;
    }
    *out = s;
    return MT_OK;
}

int mt_serve_port(const mt_server *s)
{
    return s->port;
}

uint64_t mt_serve_requests(const mt_server *s)
{
    return atomic_load_explicit(&s->requests, memory_order_relaxed);
}

void mt_serve_stop(mt_server *s)
{
    if (!s || s->stopping) return;
    s->stopping = true;
    uv_close((uv_handle_t *)&s->listener, on_listener_closed);
    for (conn *c = s->conns; c; c = c->next) conn_close(c);
}

/* ---- the `molotov serve` subcommand ---- */

typedef struct {
    const char *host;
    int port;
    double duration; /* seconds; 0 = until a signal */
} serve_opts;

typedef struct {
    mt_server *srv;
    uv_signal_t sigint, sigterm;
    uv_timer_t timer;
} runner;

static void usage(void)
{
    fputs("usage: molotov serve [--host H] [--port N] [--duration S]\n"
          "\n"
          "Serves a small HTTP/1.1 target to load-test:\n"
          "  GET /, GET /json, POST /items, /status/CODE, /delay/MS, /echo, /bytes/N,\n"
          "  /limit/K/MS, and faults: /garbage, /hangup, /trickle/N/MS\n"
          "\n"
          "  --host H      address to listen on (default 127.0.0.1)\n"
          "  --port N      port to listen on (default 8080, 0 = any free port)\n"
          "  --duration S  stop after S seconds (default: until SIGINT/SIGTERM)\n"
          "  -h, --help    show this help\n",
          stdout);
}

static int bad_value(const char *name, const char *val)
{
    fprintf(stderr, "molotov serve: invalid value for %s: '%s'\n", name, val);
    return -1;
}

static int apply_opt(serve_opts *o, const char *name, const char *val)
{
    char *end;
    if (strcmp(name, "--host") == 0) {
        if (!*val) return bad_value(name, val);
        o->host = val;
    } else if (strcmp(name, "--port") == 0) {
        errno = 0;
        long p = strtol(val, &end, 10);
        if (!*val || *end || errno || p < 0 || p > 65535) return bad_value(name, val);
        o->port = (int)p;
    } else {
        errno = 0;
        double d = strtod(val, &end);
        if (!*val || *end || errno || !(d > 0) || d > 1e9) return bad_value(name, val);
        o->duration = d;
    }
    return 0;
}

/* Returns 0 to run, 1 for --help, -1 after printing a bad option. */
static int parse_opts(int argc, char **argv, serve_opts *o)
{
    static const char *const names[] = {"--host", "--port", "--duration"};
    *o = (serve_opts){.host = "127.0.0.1", .port = 8080};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *eqs = strchr(a, '=');
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) return 1;
        size_t n = eqs ? (size_t)(eqs - a) : strlen(a);
        const char *name = NULL;
        for (size_t k = 0; k < sizeof names / sizeof *names; k++)
            if (eq(a, n, names[k])) name = names[k];
        if (!name) {
            fprintf(stderr, "molotov serve: unknown option '%s' (see --help)\n", a);
            return -1;
        }
        if (!eqs && i + 1 >= argc) {
            fprintf(stderr, "molotov serve: option %s needs a value\n", name);
            return -1;
        }
        if (apply_opt(o, name, eqs ? eqs + 1 : argv[++i]) < 0) return -1;
    }
    return 0;
}

static void close_handle(uv_handle_t *h)
{
    if (!uv_is_closing(h)) uv_close(h, NULL);
}

static void runner_stop(runner *r)
{
    mt_serve_stop(r->srv);
    r->srv = NULL;
    close_handle((uv_handle_t *)&r->sigint);
    close_handle((uv_handle_t *)&r->sigterm);
    close_handle((uv_handle_t *)&r->timer);
}

static void on_stop_signal(uv_signal_t *h, int signum)
{
    (void)signum;
    runner_stop(h->data);
}

static void on_duration(uv_timer_t *t)
{
    runner_stop(t->data);
}

static void runner_init(uv_loop_t *loop, runner *r, double duration)
{
    uv_signal_init(loop, &r->sigint);
    uv_signal_init(loop, &r->sigterm);
    uv_timer_init(loop, &r->timer);
    r->sigint.data = r->sigterm.data = r->timer.data = r;
    uv_signal_start(&r->sigint, on_stop_signal, SIGINT);
    uv_signal_start(&r->sigterm, on_stop_signal, SIGTERM);
    if (duration > 0) uv_timer_start(&r->timer, on_duration, (uint64_t)ceil(duration * 1000), 0);
}

static void print_listening(const char *host, int port)
{
    const char *l = strchr(host, ':') ? "[" : "", *r = *l ? "]" : "";
    printf("molotov serve: listening on http://%s%s%s:%d\n", l, host, r, port);
    fflush(stdout);
}

int mt_serve_main(int argc, char **argv)
{
    serve_opts o;
    int r = parse_opts(argc, argv, &o);
    if (r > 0) usage();
    if (r != 0) return r > 0 ? 0 : 2;
    uv_loop_t loop;
    if (uv_loop_init(&loop) != 0) {
        fprintf(stderr, "molotov serve: cannot create the event loop\n");
        return 1;
    }
    runner rn = {0};
    runner_init(&loop, &rn, o.duration);
    r = mt_serve_start(&loop, o.host, o.port, &rn.srv);
    if (r == MT_OK) print_listening(o.host, mt_serve_port(rn.srv));
    if (r != MT_OK) {
        fprintf(stderr, "molotov serve: cannot listen on %s:%d: %s\n", o.host, o.port,
                r == MT_EIO ? strerror(errno) : mt_strerror(r));
        runner_stop(&rn);
    }
    uv_run(&loop, UV_RUN_DEFAULT);
    uv_loop_close(&loop);
    return r == MT_OK ? 0 : 1;
}

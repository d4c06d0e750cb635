/* conn.c: molotov-serve's connections: each with its fixed read buffer, a
 * timer shared by /delay, /trickle and the lingering close, and the /bytes
 * stream; the per-connection state machine (heads, bodies skipped, answers in
 * order), the writer, reading, shutting down and closing.
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
#include "conn.h"

#include "molotov/common.h"

#include <stdlib.h>
#include <string.h>

#define CHUNKS_PER_WRITE 4   /* slices per streaming uv_write */
#define DRAIN_MAX (1u << 20) /* stop answering while this much output is queued */
#define LINGER_MS 2000       /* how long to drain input after the last answer */

/* One response write: the uv request and its bytes in a single allocation. */
typedef struct {
    uv_write_t req; /* first member: the write callback casts back */
    size_t len;
    char data[];
} wblock;

typedef mt_serve_conn conn;
struct mt_serve_conn {
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
    bool limit_slot; /* holds one of srv->routes.limit_inflight */
    bool hangup;     /* /hangup: close instead of answering */
    char buf[MT_SERVE_HEAD_MAX];
};

static void conn_process(conn *c);
static void conn_close(conn *c);
static void resume(conn *c);
static void finish(conn *c);
static void read_on(conn *c);
static void read_off(conn *c);

static uv_stream_t *stream(conn *c)
{
    return (uv_stream_t *)&c->tcp;
}

static wblock *block_of(const char *data, size_t len)
{
    wblock *w = mt_malloc(sizeof *w + len);
    w->len = len;
    memcpy(w->data, data, len);
    return w;
}

/* The whole answer r (head, then the body unless head_only) as one block. */
static wblock *build_answer(conn *c, const mt_serve_resp *r, bool keep_alive_10, bool head_only)
{
    mt_serve_connhdr h = c->close_after  ? MT_SERVE_CONN_CLOSE
                         : keep_alive_10 ? MT_SERVE_CONN_KEEP_ALIVE
                                         : MT_SERVE_CONN_NONE;
    const mt_buf *o = mt_serve_format(&c->srv->routes, r, h, head_only);
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
    mt_serve_limit_release(&c->srv->routes);
}

static void stream_more(conn *c)
{
    uv_buf_t bufs[CHUNKS_PER_WRITE];
    unsigned n = 0;
    while (n < CHUNKS_PER_WRITE && c->stream_left) {
        size_t k =
            c->stream_left < MT_SERVE_CHUNK_SIZE ? (size_t)c->stream_left : MT_SERVE_CHUNK_SIZE;
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
    size_t k = c->stream_left < MT_SERVE_CHUNK_SIZE ? (size_t)c->stream_left : MT_SERVE_CHUNK_SIZE;
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
    mt_serve_resp r;
    mt_serve_route_error(&c->srv->routes, &r, status);
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

static void prepare(conn *c, const mt_serve_req *q)
{
    mt_serve_resp r;
    mt_serve_route(&c->srv->routes, q, &r);
    bool head = mt_serve_eq(q->method, q->method_len, "HEAD");
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
    int n = mt_serve_find_head(c->buf, c->len, &c->off, &c->scan);
    if (n == 0) return false;
    mt_serve_req q;
    int r = n < 0 ? n : mt_serve_parse_head(c->buf + c->off, (size_t)n, &q);
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
    s->conn_gone(s);
}

static void conn_close(conn *c)
{
    if (c->closing) return;
    c->closing = true;
    release_slot(c);
    uv_close((uv_handle_t *)&c->tcp, on_conn_closed);
    uv_close((uv_handle_t *)&c->timer, on_conn_closed);
}

void mt_serve_conn_accept(mt_server *s)
{
    conn *c = mt_calloc(1, sizeof *c);
    c->srv = s;
    uv_tcp_init(s->loop, &c->tcp);
    uv_timer_init(s->loop, &c->timer);
    c->tcp.data = c->timer.data = c;
    c->handles = 2;
    c->next = s->conns;
    if (s->conns) s->conns->prev = c;
    s->conns = c;
    if (uv_accept((uv_stream_t *)&s->listener, stream(c)) < 0) {
        conn_close(c);
        return;
    }
    uv_tcp_nodelay(&c->tcp, 1);
    read_on(c);
}

void mt_serve_conn_close_all(mt_server *s)
{
    for (conn *c = s->conns; c; c = c->next) conn_close(c);
}

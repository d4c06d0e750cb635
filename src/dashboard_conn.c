/* dashboard_conn.c: the dashboard's connections (dashboard_conn.h):
 * reading a request head with http_parser (at most MT_DASHBOARD_MAX_HEAD
 * bytes, its Host header kept), handing it to the owner once complete
 * (past the set's cap of connections, a 503 and the close at once), writing answers and
 * events from shared reference-counted messages, and ending a connection:
 * a shutdown after what is queued, or a close at once. */
#include "molotov/dashboard_conn.h"

#include "molotov/common.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

/* ---- messages ---- */

mt_dash_msg *mt_dash_msg_new(size_t cap)
{
    mt_dash_msg *m = mt_malloc(sizeof *m + cap + 1);
    m->refs = 1;
    m->len = 0;
    return m;
}

void mt_dash_msg_add(mt_dash_msg *m, const char *data, size_t n)
{
    memcpy(m->data + m->len, data, n);
    m->len += n;
}

void mt_dash_msg_unref(mt_dash_msg *m)
{
    if (m && --m->refs == 0) free(m);
}

/* ---- closing ---- */

static void on_closed(uv_handle_t *h)
{
    mt_dash_conn *c = h->data;
    mt_dash_conns *set = c->set;
    *c->pprev = c->next;
    if (c->next) c->next->pprev = c->pprev;
    if (!c->refused) set->open--;
    free(c);
    set->on_closed(set->owner);
}

void mt_dash_conn_close(mt_dash_conn *c)
{
    c->ending = true;
    if (!uv_is_closing((uv_handle_t *)&c->tcp)) uv_close((uv_handle_t *)&c->tcp, on_closed);
}

static void on_shutdown(uv_shutdown_t *req, int status)
{
    (void)status; /* sent, or cancelled by a close: closed either way */
    mt_dash_conn_close(req->data);
}

void mt_dash_conn_end(mt_dash_conn *c)
{
    if (c->ending) return;
    c->ending = true;
    c->shutdown.data = c;
    if (uv_shutdown(&c->shutdown, (uv_stream_t *)&c->tcp, on_shutdown)) mt_dash_conn_close(c);
}

/* ---- writing ---- */

typedef struct {
    uv_write_t req;
    mt_dash_msg *m;
} wreq;

static void on_written(uv_write_t *req, int status)
{
    wreq *w = (wreq *)req;
    mt_dash_conn *c = req->data;
    mt_dash_msg_unref(w->m);
    free(w);
    if (status < 0) mt_dash_conn_close(c); /* the reader left */
}

void mt_dash_conn_write(mt_dash_conn *c, mt_dash_msg *m)
{
    if (c->ending) return;
    wreq *w = mt_malloc(sizeof *w);
    w->m = m;
    m->refs++;
    w->req.data = c;
    uv_buf_t b = uv_buf_init(m->data, (unsigned)m->len);
    if (uv_write(&w->req, (uv_stream_t *)&c->tcp, &b, 1, on_written)) {
        mt_dash_msg_unref(m);
        free(w);
        mt_dash_conn_close(c);
    }
}

int mt_dash_conn_method(const mt_dash_conn *c)
{
    return (int)c->parser.method;
}

const char *mt_dash_conn_host(const mt_dash_conn *c)
{
    return c->has_host ? c->host : NULL;
}

const char *mt_dash_conn_path(mt_dash_conn *c)
{
    c->url[strcspn(c->url, "?#")] = '\0';
    return c->url;
}

size_t mt_dash_conn_queued(const mt_dash_conn *c)
{
    return uv_stream_get_write_queue_size((const uv_stream_t *)&c->tcp);
}

static const char *reason(int status)
{
    switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 403: return "Forbidden";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 414: return "URI Too Long";
    case 431: return "Request Header Fields Too Large";
    case 503: return "Service Unavailable";
    default: return "Internal Server Error";
    }
}

void mt_dash_conn_answer(mt_dash_conn *c, int status, const char *type, const char *extra,
                         const char *body, size_t len)
{
    char head[512];
    int n = snprintf(head, sizeof head,
                     "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
                     "Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n"
                     "Connection: close\r\n%s\r\n",
                     status, reason(status), type, len, extra ? extra : "");
    bool head_only = c->head_done && c->parser.method == HTTP_HEAD;
    mt_dash_msg *m = mt_dash_msg_new((size_t)n + (head_only ? 0 : len));
    mt_dash_msg_add(m, head, (size_t)n);
    if (!head_only) mt_dash_msg_add(m, body, len);
    mt_dash_conn_write(c, m);
    mt_dash_msg_unref(m);
    mt_dash_conn_end(c);
}

void mt_dash_conn_text(mt_dash_conn *c, int status, const char *extra, const char *text)
{
    mt_dash_conn_answer(c, status, "text/plain; charset=utf-8", extra, text, strlen(text));
}

/* ---- reading ---- */

static int on_url(http_parser *p, const char *at, size_t n)
{
    mt_dash_conn *c = p->data;
    if (c->url_len + n >= sizeof c->url) {
        c->url_long = true;
        return 0;
    }
    memcpy(c->url + c->url_len, at, n);
    c->url_len += n;
    c->url[c->url_len] = '\0';
    return 0;
}

/* A header's name, maybe in pieces: kept when short (Host is). */
static int on_header_field(http_parser *p, const char *at, size_t n)
{
    mt_dash_conn *c = p->data;
    if (c->in_value) c->field_len = 0; /* a new header */
    c->in_value = false;
    if (c->field_len + n < sizeof c->field) memcpy(c->field + c->field_len, at, n);
    c->field_len += n;
    return 0;
}

/* A header's value, maybe in pieces: Host's kept (one, of a sane size). */
static int on_header_value(http_parser *p, const char *at, size_t n)
{
    mt_dash_conn *c = p->data;
    if (!c->in_value) { /* its first piece */
        c->in_value = true;
        c->in_host = c->field_len == 4 && !strncasecmp(c->field, "host", 4);
        if (c->in_host && c->has_host) c->host_bad = true;
        c->has_host |= c->in_host;
    }
    if (!c->in_host || c->host_bad) return 0;
    if (c->host_len + n >= sizeof c->host) {
        c->host_bad = true;
        return 0;
    }
    memcpy(c->host + c->host_len, at, n);
    c->host_len += n;
    c->host[c->host_len] = '\0';
    return 0;
}

/* The head is complete: the request is answered now, its body (if any)
 * never parsed, nor anything else on this connection. */
static int on_headers_complete(http_parser *p)
{
    mt_dash_conn *c = p->data;
    c->head_done = true;
    http_parser_pause(p, 1);
    if (c->url_long)
        mt_dash_conn_text(c, 414, NULL, "URI too long\n");
    else if (c->host_bad)
        mt_dash_conn_text(c, 400, NULL, "one Host header, of at most 255 bytes\n");
    else
        c->set->on_request(c, c->set->owner);
    return 0;
}

static const http_parser_settings SETTINGS = {.on_url = on_url,
                                              .on_header_field = on_header_field,
                                              .on_header_value = on_header_value,
                                              .on_headers_complete = on_headers_complete};

static void on_alloc(uv_handle_t *h, size_t hint, uv_buf_t *buf)
{
    (void)hint;
    mt_dash_conn *c = h->data;
    *buf = uv_buf_init(c->rbuf, sizeof c->rbuf);
}

static void on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
    mt_dash_conn *c = s->data;
    if (nread == UV_EOF && c->ending) return; /* the answer goes on; its shutdown closes */
    if (nread < 0) {                          /* gone: before its answer, or from the events */
        mt_dash_conn_close(c);
        return;
    }
    /* after the head, input is read and dropped: none is left unread when
     * the connection closes (which would reset it, and lose the answer) */
    if (c->head_done || c->ending || nread == 0) return;
    size_t room = MT_DASHBOARD_MAX_HEAD - c->head_bytes;
    size_t n = (size_t)nread < room ? (size_t)nread : room;
    c->head_bytes += n;
    http_parser_execute(&c->parser, &SETTINGS, buf->base, n);
    if (c->head_done) return;
    if (HTTP_PARSER_ERRNO(&c->parser) != HPE_OK)
        mt_dash_conn_text(c, 400, NULL, "bad request\n");
    else if (c->head_bytes >= MT_DASHBOARD_MAX_HEAD)
        mt_dash_conn_text(c, 431, NULL, "request head over 8 KB\n");
}

/* Past the cap: the 503 written now if it fits (what the client sent
 * read first, so the close does not reset the answer), then closed, its
 * descriptor given back at once. */
static void refuse(mt_dash_conn *c)
{
    static const char answer[] = "HTTP/1.1 503 Service Unavailable\r\n"
                                 "Content-Type: text/plain; charset=utf-8\r\n"
                                 "Content-Length: 17\r\nRetry-After: 5\r\n"
                                 "Connection: close\r\n\r\ntoo many clients\n";
    uv_os_fd_t fd;
    char sink[4096];
    if (uv_fileno((uv_handle_t *)&c->tcp, &fd) == 0)
        while (recv(fd, sink, sizeof sink, MSG_DONTWAIT) > 0) continue;
    uv_buf_t b = uv_buf_init((char *)answer, sizeof answer - 1);
    uv_try_write((uv_stream_t *)&c->tcp, &b, 1);
    mt_dash_conn_close(c);
}

int mt_dash_conn_accept(mt_dash_conns *set, uv_stream_t *server)
{
    mt_dash_conn *c = mt_calloc(1, sizeof *c);
    c->set = set;
    c->since = uv_now(server->loop);
    c->refused = set->max > 0 && set->open >= set->max; /* then not counted */
    uv_tcp_init(server->loop, &c->tcp);
    c->tcp.data = c;
    c->next = set->list;
    if (c->next) c->next->pprev = &c->next;
    c->pprev = &set->list;
    set->list = c;
    set->open += !c->refused;
    http_parser_init(&c->parser, HTTP_REQUEST);
    c->parser.data = c;
    if (uv_accept(server, (uv_stream_t *)&c->tcp)) {
        mt_dash_conn_close(c);
        return MT_EUV;
    }
    if (c->refused) {
        refuse(c);
        return MT_OK;
    }
    if (uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read)) {
        mt_dash_conn_close(c);
        return MT_EUV;
    }
    return MT_OK;
}

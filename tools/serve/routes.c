/* routes.c: molotov-serve's router and answers: the routes of serve.h (hello,
 * /json, /items, /status, /delay, /echo, /bytes, /limit and the faults
 * /garbage, /hangup, /trickle), error answers, reason phrases, the cached
 * Date header and the formatting of a whole answer. */
#include "routes.h"

#include <string.h>
#include <strings.h>

#define BYTES_MAX (4ull << 30) /* /bytes/N is capped here */
#define DELAY_MAX_MS 300000ull /* /delay/MS is capped here */
#define LIMIT_MAX_K 100000ull  /* /limit/K/MS: larger K is a 404 */
#define LIMIT_MAX_MS 60000ull  /* /limit/K/MS: larger MS is a 404 */
#define TRICKLE_MAX 100000ull  /* /trickle/N/MS: larger N is a 404 */
#define GARBAGE "SSH-2.0-OpenSSH_9.2\r\nthis is not HTTP at all\r\n\r\n"

#define TEXT "text/plain"
#define JSON "application/json"

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

static void set_body(mt_serve_resp *r, int status, const char *type, const char *body)
{
    *r = (mt_serve_resp){.status = status, .type = type, .body = body, .body_len = strlen(body)};
}

static void set_scratch_body(mt_serve_routes *rt, mt_serve_resp *r, int status, const char *type)
{
    set_body(r, status, type, "");
    r->body = rt->body.data;
    r->body_len = rt->body.len;
}

void mt_serve_route_error(mt_serve_routes *rt, mt_serve_resp *r, int status)
{
    mt_buf_reset(&rt->body);
    mt_buf_printf(&rt->body, "%d %s\n", status, reason(status));
    set_scratch_body(rt, r, status, TEXT);
}

static void route_items(mt_serve_routes *rt, mt_serve_resp *r)
{
    mt_buf_reset(&rt->body);
    mt_buf_printf(&rt->body, "{\"id\":%llu}", (unsigned long long)rt->next_id++);
    set_scratch_body(rt, r, 201, JSON);
}

static void route_status(mt_serve_routes *rt, mt_serve_resp *r, uint64_t code)
{
    if (code < 200 || code > 599) {
        mt_serve_route_error(rt, r, 400);
        return;
    }
    set_body(r, (int)code, TEXT, "");
}

static void route_delay(mt_serve_routes *rt, mt_serve_resp *r, uint64_t ms)
{
    if (ms > DELAY_MAX_MS) ms = DELAY_MAX_MS;
    mt_buf_reset(&rt->body);
    mt_buf_printf(&rt->body, "{\"delay_ms\":%llu}", (unsigned long long)ms);
    set_scratch_body(rt, r, 200, JSON);
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

static void route_echo(mt_serve_routes *rt, const mt_serve_req *q, mt_serve_resp *r)
{
    mt_buf *b = &rt->body;
    mt_buf_reset(b);
    mt_buf_appends(b, "{\"method\":\"");
    json_escape(b, q->method, q->method_len);
    mt_buf_appends(b, "\",\"path\":\"");
    json_escape(b, q->target, q->target_len);
    mt_buf_printf(b, "\",\"body_length\":%llu}", (unsigned long long)q->content_length);
    set_scratch_body(rt, r, 200, JSON);
}

static void route_bytes(mt_serve_resp *r, uint64_t n)
{
    set_body(r, 200, "application/octet-stream", "");
    r->stream = n > BYTES_MAX ? BYTES_MAX : n;
}

/* Matches prefix followed by a number, e.g. "/delay/" "250". */
static bool path_num(const char *path, size_t n, const char *prefix, uint64_t *out)
{
    size_t k = strlen(prefix);
    return n > k && memcmp(path, prefix, k) == 0 && mt_serve_parse_u64(path + k, n - k, out);
}

/* Matches prefix followed by two numbers, e.g. "/limit/" "10/100". */
static bool path_two(const char *path, size_t n, const char *prefix, uint64_t *a, uint64_t *b)
{
    size_t pl = strlen(prefix);
    if (n <= pl || memcmp(path, prefix, pl) != 0) return false;
    const char *p = path + pl, *end = path + n;
    const char *slash = memchr(p, '/', (size_t)(end - p));
    return slash && mt_serve_parse_u64(p, (size_t)(slash - p), a) &&
           mt_serve_parse_u64(slash + 1, (size_t)(end - slash - 1), b);
}

/* Matches "/limit/K/MS" with K <= LIMIT_MAX_K and MS <= LIMIT_MAX_MS. */
static bool path_limit(const char *path, size_t n, uint64_t *k, uint64_t *ms)
{
    return path_two(path, n, "/limit/", k, ms) && *k <= LIMIT_MAX_K && *ms <= LIMIT_MAX_MS;
}

/* /trickle/N/MS: N bytes (at most TRICKLE_MAX), one every MS ms (1..10000). */
static bool route_trickle(const char *path, size_t n, mt_serve_resp *r)
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
static void route_limit(mt_serve_routes *rt, mt_serve_resp *r, uint64_t k, uint64_t ms)
{
    if (rt->limit_inflight + 1 > k) {
        set_body(r, 503, TEXT, "over capacity\n");
        return;
    }
    rt->limit_inflight++;
    set_body(r, 200, TEXT, "ok\n");
    r->delay_ms = ms;
    r->limit_slot = true;
}

void mt_serve_route(mt_serve_routes *rt, const mt_serve_req *q, mt_serve_resp *r)
{
    const char *path = q->target;
    const char *qm = memchr(path, '?', q->target_len);
    size_t n = qm ? (size_t)(qm - path) : q->target_len;
    bool get = mt_serve_eq(q->method, q->method_len, "GET") ||
               mt_serve_eq(q->method, q->method_len, "HEAD");
    uint64_t v, ms;
    if (get && mt_serve_eq(path, n, "/"))
        set_body(r, 200, TEXT, "Hello from molotov serve\n");
    else if (get && mt_serve_eq(path, n, "/json"))
        set_body(r, 200, JSON, "{\"hello\":\"world\"}");
    else if (mt_serve_eq(q->method, q->method_len, "POST") && mt_serve_eq(path, n, "/items"))
        route_items(rt, r);
    else if (path_num(path, n, "/status/", &v))
        route_status(rt, r, v);
    else if (path_num(path, n, "/delay/", &v))
        route_delay(rt, r, v);
    else if (mt_serve_eq(path, n, "/echo"))
        route_echo(rt, q, r);
    else if (path_num(path, n, "/bytes/", &v))
        route_bytes(r, v);
    else if (path_limit(path, n, &v, &ms))
        route_limit(rt, r, v, ms);
    else if (mt_serve_eq(path, n, "/garbage")) {
        set_body(r, 200, TEXT, GARBAGE);
        r->raw = true;
    } else if (mt_serve_eq(path, n, "/hangup")) {
        set_body(r, 200, TEXT, "");
        r->hangup = true;
    } else if (route_trickle(path, n, r))
        ;
    else
        mt_serve_route_error(rt, r, 404);
}

static const char *http_date(mt_serve_routes *rt)
{
    time_t now = time(NULL);
    if (now != rt->date_at) {
        struct tm tm;
        gmtime_r(&now, &tm);
        strftime(rt->date, sizeof rt->date, "%a, %d %b %Y %H:%M:%S GMT", &tm);
        rt->date_at = now;
    }
    return rt->date;
}

void mt_serve_limit_release(mt_serve_routes *rt)
{
    rt->limit_inflight--;
}

void mt_serve_routes_init(mt_serve_routes *rt)
{
    memset(rt, 0, sizeof *rt);
    mt_buf_init(&rt->out);
    mt_buf_init(&rt->body);
    rt->next_id = 1;
}

void mt_serve_routes_free(mt_serve_routes *rt)
{
    mt_buf_free(&rt->out);
    mt_buf_free(&rt->body);
}

/* The whole answer, head then body: see routes.h. */
const mt_buf *mt_serve_format(mt_serve_routes *rt, const mt_serve_resp *r, mt_serve_connhdr conn,
                              bool head_only)
{
    mt_buf *o = &rt->out;
    mt_buf_reset(o);
    mt_buf_printf(o, "HTTP/1.1 %d %s\r\nServer: molotov\r\nDate: %s\r\nContent-Type: %s\r\n",
                  r->status, reason(r->status), http_date(rt), r->type);
    if (r->status != 204 && r->status != 304)
        mt_buf_printf(o, "Content-Length: %llu\r\n",
                      (unsigned long long)(r->body_len + r->stream + r->trickle));
    if (conn == MT_SERVE_CONN_CLOSE)
        mt_buf_appends(o, "Connection: close\r\n");
    else if (conn == MT_SERVE_CONN_KEEP_ALIVE)
        mt_buf_appends(o, "Connection: keep-alive\r\n");
    mt_buf_appends(o, "\r\n");
    if (!head_only) mt_buf_append(o, r->body, r->body_len);
    return o;
}

/* parse.c: molotov-serve's request parsing: the end of a head in the
 * connection's buffer (bare LF, bare CR and control bytes refused, 16 KiB at
 * most), the request line (a token method, a target without spaces or
 * controls, HTTP/1.0 or 1.1) and the headers the server acts on
 * (Content-Length, Transfer-Encoding, Connection, Expect). */
#include "parse.h"

#include <string.h>
#include <strings.h>

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

bool mt_serve_ieq(const char *p, size_t n, const char *s)
{
    return n == strlen(s) && strncasecmp(p, s, n) == 0;
}

bool mt_serve_eq(const char *p, size_t n, const char *s)
{
    return n == strlen(s) && memcmp(p, s, n) == 0;
}

bool mt_serve_parse_u64(const char *p, size_t n, uint64_t *out)
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

/* The head's end in buf[*off, len): see parse.h. */
int mt_serve_find_head(const char *buf, size_t len, size_t *off, size_t *scan)
{
    while (*scan == 0 && len - *off >= 2 && buf[*off] == '\r' && buf[*off + 1] == '\n')
        *off += 2; /* empty lines before a request are allowed */
    const char *p = buf + *off;
    size_t n = len - *off;
    for (size_t i = *scan; i < n; i++) {
        unsigned char ch = (unsigned char)p[i];
        if (ch == '\n') {
            if (i == 0 || p[i - 1] != '\r') return -400;
            if (i == *scan + 1) return (int)(i + 1);
            *scan = i + 1;
        } else if (ch == '\r') {
            if (i + 1 < n && p[i + 1] != '\n') return -400;
        } else if ((ch < 0x20 && ch != '\t') || ch == 0x7f) {
            return -400;
        }
    }
    return n >= MT_SERVE_HEAD_MAX ? -431 : 0;
}

static int parse_request_line(const char *p, size_t n, mt_serve_req *q)
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

static int set_length(mt_serve_req *q, const char *v, size_t n)
{
    uint64_t len;
    if (!mt_serve_parse_u64(v, n, &len)) return -400;
    if (q->has_length && q->content_length != len) return -400;
    q->has_length = true;
    q->content_length = len;
    return 0;
}

static void parse_connection(mt_serve_req *q, const char *v, size_t n)
{
    const char *end = v + n;
    while (v < end) {
        const char *comma = memchr(v, ',', (size_t)(end - v));
        const char *e = comma ? comma : end;
        const char *s = v;
        while (s < e && (*s == ' ' || *s == '\t')) s++;
        const char *t = e;
        while (t > s && (t[-1] == ' ' || t[-1] == '\t')) t--;
        if (mt_serve_ieq(s, (size_t)(t - s), "close")) q->conn_close = true;
        if (mt_serve_ieq(s, (size_t)(t - s), "keep-alive")) q->keep_alive = true;
        v = comma ? comma + 1 : end;
    }
}

static int parse_header(const char *p, size_t n, mt_serve_req *q)
{
    const char *colon = memchr(p, ':', n);
    if (!colon || !all_tchar(p, (size_t)(colon - p))) return -400;
    const char *v = colon + 1, *e = p + n;
    while (v < e && (*v == ' ' || *v == '\t')) v++;
    while (e > v && (e[-1] == ' ' || e[-1] == '\t')) e--;
    size_t nl = (size_t)(colon - p), vl = (size_t)(e - v);
    if (mt_serve_ieq(p, nl, "content-length")) return set_length(q, v, vl);
    if (mt_serve_ieq(p, nl, "transfer-encoding")) q->has_te = true;
    if (mt_serve_ieq(p, nl, "connection")) parse_connection(q, v, vl);
    if (mt_serve_ieq(p, nl, "expect")) q->expect_continue = mt_serve_ieq(v, vl, "100-continue");
    return 0;
}

/* A head checked by mt_serve_find_head: see parse.h. */
int mt_serve_parse_head(const char *p, size_t n, mt_serve_req *q)
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

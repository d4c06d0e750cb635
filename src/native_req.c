/* native_req.c: the requests the native transport serves and their bytes
 * (native_req.h). The header order and defaults follow libcurl's, checked
 * against it byte for byte by tests/e2e/test_engines.py; the request's own
 * "Name:" line (no value) removes a header of ours, as with libcurl. */
#include "molotov/native_req.h"
#include "molotov/url.h"

#include <ctype.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The environment's proxy for plain http, which libcurl would use. */
static int env_proxy_set = -1; /* -1: not read yet */

void mt_native_read_env(void)
{
    static const char *const names[] = {"http_proxy", "all_proxy", "ALL_PROXY"};
    env_proxy_set = 0;
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        const char *v = getenv(names[i]);
        if (v && *v) env_proxy_set = 1;
    }
}

static bool env_proxy(void)
{
    if (env_proxy_set < 0) mt_native_read_env();
    return env_proxy_set;
}

/* Bytes beyond ASCII: libcurl's to encode or refuse. */
static bool ascii(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s >= 0x80) return false;
    return true;
}

static bool names(const mt_headers *l, const char *name, size_t n);

bool mt_native_serves(const mt_http_req *r, const char **why)
{
    if (strncasecmp(r->url, "http://", 7) != 0) {
        *why = strncasecmp(r->url, "https://", 8) == 0 ? "https" : "a scheme other than http";
        return false;
    }
    *why = !ascii(r->url)                               ? "a URL with bytes beyond ASCII"
           : r->http_version == 2                       ? "HTTP/2"
           : r->mime                                    ? "a multipart body"
           : names(r->headers, "transfer-encoding", 17) ? "a Transfer-Encoding of the script's"
           : (r->proxy && *r->proxy) || (!r->proxy && env_proxy()) ? "a proxy"
                                                                   : NULL;
    return *why == NULL;
}

/* No space nor control character (libcurl refuses them too). */
static bool plain(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] <= ' ' || (unsigned char)s[i] == 0x7f) return false;
    return true;
}

static int parse_port(const char *p, size_t n)
{
    if (n == 0 || n > 5) return n == 0 ? 80 : -1;
    int port = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9') return -1;
        port = port * 10 + (p[i] - '0');
    }
    return port > 0 && port < 65536 ? port : -1;
}

/* host[:port] or [v6][:port] into t. */
static int parse_authority(const char *a, size_t n, mt_target *t)
{
    const char *port = NULL, *end = a + n, *host = a, *host_end;
    if (*a == '[') {
        host_end = memchr(a, ']', n);
        if (!host_end) return MT_EINVAL;
        host = a + 1;
        if (host_end + 1 < end && host_end[1] != ':') return MT_EINVAL;
        port = host_end + 1 < end ? host_end + 2 : end;
    } else {
        host_end = memchr(a, ':', n);
        port = host_end ? host_end + 1 : end;
        if (!host_end) host_end = end;
    }
    t->port = parse_port(port, (size_t)(end - port));
    size_t hn = (size_t)(host_end - host);
    if (t->port < 0 || hn == 0 || hn >= sizeof t->host) return MT_EINVAL;
    mt_strlcpyn(t->host, sizeof t->host, host, hn);
    size_t shown =
        t->port == 80 && port[-1] == ':' ? (size_t)(port - 1 - a) : n; /* less ":80", ":" */
    mt_strlcpyn(t->authority, sizeof t->authority, a, shown);
    return MT_OK;
}

int mt_target_parse(const char *url, mt_target *t)
{
    if (strncasecmp(url, "http://", 7) != 0) return MT_EINVAL;
    const char *a = url + 7;
    size_t n = strcspn(a, "/?#");
    size_t rest = strcspn(a + n, "#");
    if (!plain(a, n + rest)) return MT_EINVAL;
    const char *at = memchr(a, '@', n);
    t->userinfo = at ? a : NULL;
    t->userinfo_len = at ? (size_t)(at - a) : 0;
    if (at) n -= (size_t)(at + 1 - a), a = at + 1;
    if (n >= sizeof t->authority || parse_authority(a, n, t)) return MT_EINVAL;
    t->target = a + n;
    t->target_len = rest;
    return MT_OK;
}

/* Whether the path has a "." or ".." segment. */
static bool dotted(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i] != '.' || (i && p[i - 1] != '/')) continue;
        size_t k = i + (i + 1 < n && p[i + 1] == '.');
        if (k + 1 >= n || p[k + 1] == '/' || p[k + 1] == '?') return true;
    }
    return false;
}

bool mt_target_plain_path(mt_target *t, const char *url, mt_buf *scratch)
{
    size_t path = strcspn(t->target, "?");
    if (path > t->target_len) path = t->target_len;
    if (!dotted(t->target, path)) return false;
    bool done = false;
    CURLU *u = curl_url();
    char *p = NULL, *q = NULL;
    if (u && !curl_url_set(u, CURLUPART_URL, url, 0) && !curl_url_get(u, CURLUPART_PATH, &p, 0)) {
        curl_url_get(u, CURLUPART_QUERY, &q, 0);
        mt_buf_reset(scratch);
        mt_buf_appends(scratch, p);
        if (q) mt_buf_printf(scratch, "?%s", q);
        t->target = scratch->data;
        t->target_len = scratch->len;
        done = true;
    }
    curl_free(p);
    curl_free(q);
    curl_url_cleanup(u);
    return done;
}

/* Whether the request's own lines name header `name` (length n). */
static bool names(const mt_headers *l, const char *name, size_t n)
{
    for (const char *s = mt_headers_each(l, NULL); s; s = mt_headers_each(l, s)) {
        if (strncasecmp(s, name, n) == 0 && (s[n] == ':' || s[n] == ';')) return true;
    }
    return false;
}

static void add(mt_buf *out, const mt_headers *l, const char *name, const char *value)
{
    size_t n = strlen(name);
    if (names(l, name, n)) return;
    mt_buf_append(out, name, n);
    mt_buf_append(out, ": ", 2);
    mt_buf_appends(out, value);
    mt_buf_append(out, "\r\n", 2);
}

/* Appends s percent-decoded. */
static void append_decoded(mt_buf *out, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        char hex[3] = {0};
        if (s[i] == '%' && i + 2 < n && isxdigit((unsigned char)s[i + 1]) &&
            isxdigit((unsigned char)s[i + 2])) {
            memcpy(hex, s + i + 1, 2);
            sscanf(hex, "%x", &v);
            char c = (char)v;
            mt_buf_append(out, &c, 1);
            i += 2;
        } else {
            mt_buf_append(out, s + i, 1);
        }
    }
}

/* Basic auth: the request's `auth`, else the URL's user:password (as
 * libcurl: the option wins), unless the request gives its own header. */
static void add_basic_auth(mt_buf *out, const mt_http_req *r, const mt_target *t)
{
    if ((!r->user && !t->userinfo) || names(r->headers, "authorization", 13)) return;
    mt_buf plain;
    mt_buf_init(&plain);
    if (r->user) {
        mt_buf_printf(&plain, "%s:%s", r->user, r->password ? r->password : "");
    } else {
        const char *colon = memchr(t->userinfo, ':', t->userinfo_len);
        size_t un = colon ? (size_t)(colon - t->userinfo) : t->userinfo_len;
        append_decoded(&plain, t->userinfo, un);
        mt_buf_append(&plain, ":", 1);
        if (colon) append_decoded(&plain, colon + 1, t->userinfo_len - un - 1);
    }
    mt_buf_appends(out, "Authorization: Basic ");
    mt_buf_append_base64(out, plain.data, plain.len);
    mt_buf_append(out, "\r\n", 2);
    mt_buf_free(&plain);
}

/* The request's own Host line, or NULL. */
static const char *own_host(const mt_headers *l)
{
    for (const char *s = mt_headers_each(l, NULL); s; s = mt_headers_each(l, s))
        if (strncasecmp(s, "host:", 5) == 0) return s;
    return NULL;
}

/* The request's own lines: "Name:" removes ours and sends nothing,
 * "Name;" sends the header empty, anything else goes as it is (but Host,
 * which goes first, where libcurl puts it). */
static void add_own(mt_buf *out, const mt_headers *l)
{
    for (const char *s = mt_headers_each(l, NULL); s; s = mt_headers_each(l, s)) {
        size_t n = strlen(s);
        const char *colon = memchr(s, ':', n);
        if (colon && colon[1 + strspn(colon + 1, " \t")] == '\0') continue;
        if (strncasecmp(s, "host:", 5) == 0) continue;
        if (!colon && n && s[n - 1] == ';') {
            mt_buf_append(out, s, n - 1);
            mt_buf_append(out, ":\r\n", 3);
            continue;
        }
        mt_buf_append(out, s, n);
        mt_buf_append(out, "\r\n", 2);
    }
}

static bool sends_body(const mt_http_req *r)
{
    return r->has_body || strcmp(r->method, "POST") == 0;
}

void mt_native_req_write(mt_buf *out, const mt_http_req *r, const mt_target *t, const char *cookie,
                         const char *ua)
{
    const mt_headers *l = r->headers;
    mt_buf_appends(out, r->method);
    mt_buf_append(out, " ", 1);
    if (t->target_len == 0 || t->target[0] != '/') mt_buf_append(out, "/", 1);
    mt_buf_append(out, t->target, t->target_len);
    mt_buf_append(out, " HTTP/1.1\r\n", 11);
    const char *host = own_host(l);
    if (!host) {
        add(out, l, "Host", t->authority);
    } else if (host[5 + strspn(host + 5, " \t")]) { /* "Host:" alone sends none */
        mt_buf_appends(out, host);
        mt_buf_append(out, "\r\n", 2);
    }
    add_basic_auth(out, r, t);
    add(out, l, "Accept", "*/*");
    if (r->compress) add(out, l, "Accept-Encoding", MT_NATIVE_ENCODINGS);
    if (cookie && *cookie) add(out, NULL, "Cookie", cookie);
    if (!names(l, "user-agent", 10)) {
        mt_buf_appends(out, ua);
        mt_buf_append(out, "\r\n", 2);
    }
    add_own(out, l);
    if (sends_body(r)) {
        char len[32];
        snprintf(len, sizeof len, "%zu", r->has_body ? r->body_len : 0);
        add(out, l, "Content-Length", len);
        add(out, l, "Content-Type", "application/x-www-form-urlencoded");
    }
    mt_buf_append(out, "\r\n", 2);
    if (r->has_body) mt_buf_append(out, r->body, r->body_len);
}

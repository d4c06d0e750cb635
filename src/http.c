/* http.c: transport.h's slot: sends a request through the native client
 * when it can serve it (start_native), else drives the slot's easy handle
 * through it. On libcurl, options that never change are set once; each
 * request sets only what it varies. Response bytes go into pooled buffers handed to the
 * Lua response object; a finished transfer's outcome goes to the owner. */
#include "molotov/http.h"
#include "molotov/mask.h"
#include "molotov/native_req.h"
#include "molotov/trace.h"
#include "molotov/url.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static size_t on_body(char *p, size_t size, size_t n, void *userp)
{
    mt_http *h = userp;
    mt_respbuf *r = h->resp;
    size_t len = size * n, room = r->body.len < h->max_body ? h->max_body - r->body.len : 0;
    size_t keep = len < room ? len : room;
    if (keep) mt_buf_append(&r->body, p, keep);
    r->dropped += len - keep; /* read and counted, not kept: memory stays bounded */
    return len;
}

static size_t on_header(char *p, size_t size, size_t n, void *userp)
{
    mt_http *h = userp;
    size_t len = size * n;
    /* a new status line (redirect, 100 Continue): keep only the last block */
    if (len > 5 && memcmp(p, "HTTP/", 5) == 0) mt_buf_reset(&h->resp->headers);
    mt_buf_append(&h->resp->headers, p, len);
    return len;
}

static int on_debug(CURL *easy, curl_infotype type, char *p, size_t n, void *userp)
{
    (void)easy;
    (void)userp;
    switch (type) {
    case CURLINFO_HEADER_OUT: mt_trace_headers('>', p, n); break;
    case CURLINFO_HEADER_IN: mt_trace_headers('<', p, n); break;
    case CURLINFO_DATA_OUT: mt_trace_body('>', p, n); break;
    case CURLINFO_DATA_IN: mt_trace_body('<', p, n); break;
    default: break;
    }
    return 0;
}

static uint64_t info_off(CURL *c, CURLINFO what)
{
    curl_off_t v = 0;
    return curl_easy_getinfo(c, what, &v) == CURLE_OK && v > 0 ? (uint64_t)v : 0;
}

static uint64_t info_long(CURL *c, CURLINFO what)
{
    long v = 0;
    return curl_easy_getinfo(c, what, &v) == CURLE_OK && v > 0 ? (uint64_t)v : 0;
}

/* Where the exchange's time went and the bytes it moved, from curl's
 * counters (a reused connection's DNS, connect and TLS are 0). */
static void read_wire(CURL *c, mt_outcome *o)
{
    o->timing = mt_timing_from_marks(
        info_off(c, CURLINFO_NAMELOOKUP_TIME_T), info_off(c, CURLINFO_CONNECT_TIME_T),
        info_off(c, CURLINFO_APPCONNECT_TIME_T), info_off(c, CURLINFO_PRETRANSFER_TIME_T),
        info_off(c, CURLINFO_STARTTRANSFER_TIME_T), info_off(c, CURLINFO_TOTAL_TIME_T));
    o->body_in = info_off(c, CURLINFO_SIZE_DOWNLOAD_T);
    o->bytes_in = info_long(c, CURLINFO_HEADER_SIZE) + o->body_in;
    uint64_t req = info_long(c, CURLINFO_REQUEST_SIZE), up = info_off(c, CURLINFO_SIZE_UPLOAD_T);
    /* curl counts a small body sent along with the headers (under 64 KiB) in
     * its request size, a larger one apart */
    o->bytes_out = up < 65536 && req > up ? req : req + up;
}

/* The Set-Cookie lines of the hop that ended go into the slot's jar. */
static void store_cookies(mt_http *h, const char *url)
{
    const mt_buf *b = &h->resp->headers;
    if (url && b->len) mt_jar_store_headers(h->jar, url, b->data, b->len, (long long)mt_wall_s());
}

/* The transfer on h ended: its outcome, read out of the handle, to the owner. */
static void on_xfer_done(mt_xfer *x)
{
    mt_http *h = x->data;
    CURL *c = x->easy;
    mt_outcome o = {.error_detail = h->errbuf, .truncated = h->resp->dropped > 0};
    curl_off_t us = 0;
    char *url = NULL, *loc = NULL;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &o.status);
    curl_easy_getinfo(c, CURLINFO_TOTAL_TIME_T, &us);
    if (us <= 0) us = (curl_off_t)((mt_now_ns() - h->t0) / 1000); /* failed before curl timed */
    o.latency_us = (uint64_t)us;
    if (x->result != CURLE_OK) o.error_kind = mt_http_error_kind(x->result, c);
    curl_easy_getinfo(c, CURLINFO_EFFECTIVE_URL, &url);
    curl_easy_getinfo(c, CURLINFO_REDIRECT_URL, &loc);
    o.url = url;
    o.location = loc;
    read_wire(c, &o);
    store_cookies(h, url);
    h->done(h, &o, h->data);
}

/* The options that never change (callbacks, user agent; curl's cookie
 * engine stays off: the slot's jar is ours, jar.h) and
 * the run's options that hold for every request. */
static void configure(mt_http *h, const mt_options *o)
{
    CURL *c = h->xfer.easy;
    h->max_body = (size_t)o->max_body;
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, h);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, h);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, h->errbuf);
    h->ua.data = (char *)"User-Agent: molotov/" MOLOTOV_VERSION;
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L); /* the exchange follows, hop by hop */
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    if (o->cacert) curl_easy_setopt(c, CURLOPT_CAINFO, o->cacert);
    if (o->cacert) curl_easy_setopt(c, CURLOPT_PROXY_CAINFO, o->cacert); /* an https:// proxy */
    if (o->verbose >= 2) {
        curl_easy_setopt(c, CURLOPT_DEBUGFUNCTION, on_debug);
        curl_easy_setopt(c, CURLOPT_VERBOSE, 1L);
    }
}

static void on_native_done(void *data, const mt_outcome *o)
{
    mt_http *h = data;
    store_cookies(h, o->url);
    h->done(h, o, h->data);
}

CURL *mt_http_easy(mt_http *h)
{
    if (h->xfer.easy) return h->xfer.easy;
    if (mt_engine_xfer_init(h->engine, &h->xfer, on_xfer_done, h)) return NULL;
    configure(h, h->opt);
    return h->xfer.easy;
}

int mt_http_open(mt_engine *e, mt_http_done done, void *data, const mt_options *o, mt_http **out)
{
    *out = NULL;
    mt_http *h = mt_calloc(1, sizeof(*h));
    h->engine = e;
    h->opt = o;
    if (strcmp(o->engine, "curl") == 0 && !mt_http_easy(h)) { /* else made when first needed */
        free(h);
        return MT_ECURL;
    }
    h->done = done;
    h->data = data;
    h->resp = mt_respbuf_get();
    h->jar = mt_jar_new();
    mt_buf_init(&h->cookie_line);
    h->verbose = o->verbose;
    h->only_native = strcmp(o->engine, "native") == 0;
    if (strcmp(o->engine, "curl") != 0)
        h->native = mt_native_open(mt_engine_loop(e), o, on_native_done, h);
    *out = h;
    return MT_OK;
}

void mt_http_close(mt_http *h)
{
    if (!h) return;
    mt_engine_xfer_free(h->engine, &h->xfer);
    mt_native_close(h->native);
    mt_headers_free(h->headers);
    curl_slist_free_all(h->curl_list);
    curl_mime_free(h->mime);
    mt_respbuf_put(h->resp);
    mt_jar_free(h->jar);
    mt_buf_free(&h->cookie_line);
    free(h);
}

mt_jar *mt_http_jar(mt_http *h)
{
    return h->jar;
}

void mt_http_cancel(mt_http *h)
{
    if (h->on_native) return mt_native_cancel(h->native);
    if (h->xfer.easy) mt_engine_cancel(h->engine, &h->xfer);
}

void mt_mime_free(mt_mime *m)
{
    curl_mime_free((curl_mime *)m);
}

static void set_method(CURL *c, const mt_http_req *r)
{
    const char *m = r->method;
    curl_easy_setopt(c, CURLOPT_NOBODY, 0L);
    if (strcmp(m, "HEAD") == 0) {
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, NULL);
        curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
        return;
    }
    if (r->mime) {
        curl_easy_setopt(c, CURLOPT_MIMEPOST, (curl_mime *)r->mime);
    } else if (r->has_body || strcmp(m, "POST") == 0) {
        curl_easy_setopt(c, CURLOPT_POST, 1L);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)r->body_len);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, r->has_body ? r->body : "");
    } else {
        curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
    }
    /* a body makes curl say POST: any other method with one (a GET too) is named */
    bool body = r->mime || r->has_body;
    bool standard = strcmp(m, "POST") == 0 || (strcmp(m, "GET") == 0 && !body);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, standard ? NULL : m);
}

/* libcurl before 7.89 breaks a reused HTTP/2 prior-knowledge connection
 * ("Error in the HTTP2 framing layer" on every second request, curl issue
 * 10634): such connections are not reused there. */
static bool h2c_reuse_broken(void)
{
    static int broken = -1;
    if (broken < 0) broken = curl_version_info(CURLVERSION_NOW)->version_num < 0x075900;
    return broken;
}

static void set_http_version(CURL *c, const mt_http_req *r)
{
    long v = CURL_HTTP_VERSION_1_1;
    bool forbid_reuse = false;
    if (r->http_version == 2 && strncasecmp(r->url, "https:", 6) == 0) {
        v = CURL_HTTP_VERSION_2TLS;
    } else if (r->http_version == 2) {
        v = CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE;
        forbid_reuse = h2c_reuse_broken();
    }
    curl_easy_setopt(c, CURLOPT_HTTP_VERSION, v);
    curl_easy_setopt(c, CURLOPT_FORBID_REUSE, forbid_reuse ? 1L : 0L);
}

const char *mt_http_default_proxy(const mt_options *o)
{
    return o->proxy ? o->proxy : o->trust_env ? NULL : "";
}

/* The proxy: none ("", not even the environment's, as Molotov's aiohttp
 * without trust_env), the request's, or the environment's (NULL). */
static void set_proxy(mt_http *h, const mt_http_req *r, bool fresh)
{
    CURL *c = h->xfer.easy;
    const char *want = r->proxy ? r->proxy : "\1";
    if (fresh || strcmp(want, h->applied.proxy) != 0) {
        curl_easy_setopt(c, CURLOPT_PROXY, r->proxy);
        mt_strlcpyn(h->applied.proxy, sizeof h->applied.proxy, want, strlen(want));
    }
    if (fresh || r->proxy_user || h->applied.proxy_auth) {
        curl_easy_setopt(c, CURLOPT_PROXYUSERNAME, r->proxy_user);
        curl_easy_setopt(c, CURLOPT_PROXYPASSWORD, r->proxy_user ? r->proxy_password : NULL);
        h->applied.proxy_auth = r->proxy_user != NULL;
    }
}

/* Options most requests repeat: set only when they differ from what the
 * handle already holds (each setopt costs, some copy strings). */
static void set_sticky(mt_http *h, const mt_http_req *r)
{
    CURL *c = h->xfer.easy;
    bool fresh = !h->applied.valid;
    bool basic = r->user || mt_url_has_userinfo(r->url); /* a URL's user:pass is basic auth too */
    if (fresh || basic || h->applied.auth) {
        curl_easy_setopt(c, CURLOPT_HTTPAUTH, basic ? (long)CURLAUTH_BASIC : (long)CURLAUTH_NONE);
        curl_easy_setopt(c, CURLOPT_USERNAME, r->user);
        curl_easy_setopt(c, CURLOPT_PASSWORD, r->user ? r->password : NULL);
        h->applied.auth = basic;
    }
    if (fresh || r->timeout_ms != h->applied.timeout_ms)
        curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, h->applied.timeout_ms = r->timeout_ms);
    if (fresh || r->connect_timeout_ms != h->applied.connect_timeout_ms)
        curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                         h->applied.connect_timeout_ms = r->connect_timeout_ms);
    if (fresh || r->compress != h->applied.compress) /* "": every encoding this build decodes */
        curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING,
                         (h->applied.compress = r->compress) ? "" : NULL);
    if (fresh || r->verify != h->applied.verify) {
        h->applied.verify = r->verify;
        curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, r->verify ? 1L : 0L);
        curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, r->verify ? 2L : 0L);
        curl_easy_setopt(c, CURLOPT_PROXY_SSL_VERIFYPEER, r->verify ? 1L : 0L);
        curl_easy_setopt(c, CURLOPT_PROXY_SSL_VERIFYHOST, r->verify ? 2L : 0L);
    }
    set_proxy(h, r, fresh);
    bool h2c = r->http_version == 2 && strncasecmp(r->url, "https:", 6) != 0;
    if (fresh || r->http_version != h->applied.http_version || h2c != h->applied.h2c) {
        h->applied.http_version = r->http_version;
        h->applied.h2c = h2c;
        set_http_version(c, r);
    }
    h->applied.valid = true;
}

/* The request's headers after our User-Agent, unless they name their own.
 * (A header list costs libcurl less than CURLOPT_USERAGENT, which it
 * formats twice per request.) */
static bool has_header(const mt_headers *l, const char *name, size_t n)
{
    for (const char *s = mt_headers_each(l, NULL); s; s = mt_headers_each(l, s))
        if (strncasecmp(s, name, n) == 0 && s[n] == ':') return true;
    return false;
}

/* The request's lines as libcurl takes them (a list of its own: the curl
 * path allocates per request anyway), after our User-Agent unless they
 * name their own. (A header list costs libcurl less than CURLOPT_USERAGENT,
 * which it formats twice per request.) */
static struct curl_slist *curl_lines(mt_http *h)
{
    const mt_headers *l = h->headers;
    for (const char *s = mt_headers_each(l, NULL); s; s = mt_headers_each(l, s)) {
        struct curl_slist *n = curl_slist_append(h->curl_list, s);
        if (!n) {
            fprintf(stderr, "molotov: out of memory\n");
            abort();
        }
        h->curl_list = n;
    }
    if (has_header(l, "user-agent", 10)) return h->curl_list;
    h->ua.next = h->curl_list;
    return &h->ua;
}

/* A "Cookie:" line ahead of l: the jar's cookies for the hop's URL, then
 * the request's own (r->cookie; left out when the script gives a Cookie
 * header of its own, as libcurl's CURLOPT_COOKIE did). None when both are
 * empty. The line and its node are the slot's: no allocation per request. */
static void cookie_line(mt_http *h, const mt_http_req *r, const char *prefix)
{
    mt_buf *b = &h->cookie_line;
    mt_buf_reset(b);
    mt_buf_appends(b, prefix);
    const char *own = r->cookie && !has_header(h->headers, "cookie", 6) ? r->cookie : NULL;
    if (mt_jar_count(h->jar) || own)
        mt_jar_cookie_value(h->jar, r->url, own, (long long)mt_wall_s(), b);
}

static struct curl_slist *with_cookies(mt_http *h, const mt_http_req *r, struct curl_slist *l)
{
    mt_buf *b = &h->cookie_line;
    cookie_line(h, r, "Cookie: ");
    if (b->len == 8) return l;
    h->cookie_node.data = b->data;
    h->cookie_node.next = l;
    return &h->cookie_node;
}

static void free_request(mt_http *h)
{
    mt_headers_free(h->headers);
    h->headers = NULL;
    curl_slist_free_all(h->curl_list);
    h->curl_list = NULL;
    curl_mime_free(h->mime);
    h->mime = NULL;
}

const char *mt_http_refusal(const mt_http *h, const mt_http_req *r)
{
    const char *why = NULL;
    return h->only_native && !mt_native_serves(r, &why) ? why : NULL;
}

/* -v: which transport a request took, and why not the native one. */
static void say_route(const mt_http_req *r, bool native, const char *why)
{
    mt_buf url;
    mt_buf_init(&url);
    mt_url_append_public(&url, r->url);
    fprintf(stderr, "* %s %s: %s%s%s\n", r->method, url.data, native ? "native" : "curl",
            why ? ", for " : "", why ? why : "");
    mt_buf_free(&url);
}

/* The request on the native transport when it can serve it (with the
 * slot's headers: a redirect hop's have lost some lines). */
static bool start_native(mt_http *h, const mt_http_req *r, int *rc)
{
    const char *why = h->native ? NULL : "--engine curl";
    bool native = h->native && mt_native_serves(r, &why);
    if (h->verbose) say_route(r, native, native ? NULL : why);
    h->on_native = native;
    if (!native) return false;
    mt_http_req own = *r;
    own.headers = h->headers;
    cookie_line(h, r, "");
    *rc = mt_native_send(h->native, &own, h->cookie_line.data, h->resp);
    return true;
}

static int start(mt_http *h, const mt_http_req *r)
{
    int rc;
    if (start_native(h, r, &rc)) return rc;
    CURL *c = mt_http_easy(h);
    if (!c) {
        free_request(h);
        return MT_ECURL;
    }
    h->errbuf[0] = '\0';
    curl_easy_setopt(c, CURLOPT_URL, r->url);
    set_method(c, r);
    curl_slist_free_all(h->curl_list); /* a redirect hop's lines may have changed */
    h->curl_list = NULL;
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, with_cookies(h, r, curl_lines(h)));
    set_sticky(h, r);
    rc = mt_engine_start(h->engine, &h->xfer);
    if (rc) free_request(h);
    return rc;
}

int mt_http_send(mt_http *h, const mt_http_req *r)
{
    h->t0 = mt_now_ns();
    free_request(h);
    h->headers = r->headers;
    h->mime = (curl_mime *)r->mime;
    return start(h, r);
}

/* The header list without the lines named `name` (a "name:" prefix). */
static mt_headers *without_header(mt_headers *l, const char *name)
{
    mt_headers *out = NULL;
    size_t n = strlen(name);
    for (const char *s = mt_headers_each(l, NULL); s; s = mt_headers_each(l, s))
        if (strncasecmp(s, name, n) != 0 || s[n] != ':') mt_headers_add(&out, s);
    mt_headers_free(l);
    return out;
}

int mt_http_resend(mt_http *h, const mt_http_req *r, bool drop_auth)
{
    h->t0 = mt_now_ns();
    if (drop_auth) h->headers = without_header(h->headers, "authorization");
    if (!r->has_body && !r->mime) {
        h->headers = without_header(h->headers, "content-type");
        curl_mime_free(h->mime);
        h->mime = NULL;
    }
    mt_respbuf_clear(h->resp);
    return start(h, r);
}

bool mt_http_is_redirect(long status)
{
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

const char *mt_http_redirect_method(long status, const char *method, bool *keep_body)
{
    bool head = strcmp(method, "HEAD") == 0;
    if ((status == 303 && !head) || ((status == 301 || status == 302) && !strcmp(method, "POST"))) {
        *keep_body = false;
        return "GET";
    }
    *keep_body = true;
    return method;
}

mt_respbuf *mt_http_take(mt_http *h)
{
    free_request(h);
    if (h->on_native) {
        mt_buf_appends(&h->resp->url, mt_native_url(h->native));
    } else {
        char *url = NULL;
        curl_easy_getinfo(h->xfer.easy, CURLINFO_EFFECTIVE_URL, &url);
        if (url) mt_url_append_public(&h->resp->url, url);
        curl_off_t wire = 0;
        curl_easy_getinfo(h->xfer.easy, CURLINFO_SIZE_DOWNLOAD_T, &wire);
        h->resp->wire = wire > 0 ? (uint64_t)wire : 0;
    }
    mt_respbuf *r = h->resp;
    h->resp = mt_respbuf_get();
    return r;
}

const char *mt_http_reason(long status)
{
    static const struct {
        short code;
        const char *text;
    } reasons[] = {
        {100, "Continue"},
        {101, "Switching Protocols"},
        {200, "OK"},
        {201, "Created"},
        {202, "Accepted"},
        {204, "No Content"},
        {206, "Partial Content"},
        {301, "Moved Permanently"},
        {302, "Found"},
        {303, "See Other"},
        {304, "Not Modified"},
        {307, "Temporary Redirect"},
        {308, "Permanent Redirect"},
        {400, "Bad Request"},
        {401, "Unauthorized"},
        {403, "Forbidden"},
        {404, "Not Found"},
        {405, "Method Not Allowed"},
        {408, "Request Timeout"},
        {409, "Conflict"},
        {410, "Gone"},
        {413, "Content Too Large"},
        {418, "I'm a Teapot"},
        {422, "Unprocessable Content"},
        {429, "Too Many Requests"},
        {500, "Internal Server Error"},
        {501, "Not Implemented"},
        {502, "Bad Gateway"},
        {503, "Service Unavailable"},
        {504, "Gateway Timeout"},
    };
    for (size_t i = 0; i < sizeof reasons / sizeof *reasons; i++)
        if (reasons[i].code == status) return reasons[i].text;
    return "";
}

static const char *os_kind(CURL *easy, const char *dflt)
{
    long err = 0;
    curl_easy_getinfo(easy, CURLINFO_OS_ERRNO, &err);
    switch (err) {
    case ECONNREFUSED: return "connection refused";
    case ECONNRESET: return "connection reset";
    case EPIPE: return "connection reset";
    case ENETUNREACH:
    case EHOSTUNREACH: return "host unreachable";
    default: return dflt;
    }
}

/* Whether the transfer reached the server. A reused connection has a connect
 * time of 0: a request that went out was connected. */
static bool connected(CURL *easy)
{
    curl_off_t connect_us = 0;
    long sent = 0;
    curl_easy_getinfo(easy, CURLINFO_CONNECT_TIME_T, &connect_us);
    curl_easy_getinfo(easy, CURLINFO_REQUEST_SIZE, &sent);
    return connect_us > 0 || sent > 0;
}

const char *mt_http_error_kind(CURLcode rc, CURL *easy)
{
    switch (rc) {
    case CURLE_OK: return "ok";
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY: return "dns failure";
    case CURLE_COULDNT_CONNECT: return os_kind(easy, "connection failed");
    case CURLE_OPERATION_TIMEDOUT: return connected(easy) ? "timeout" : "connect timeout";
    case CURLE_SEND_ERROR: return os_kind(easy, "send error");
    case CURLE_RECV_ERROR: return os_kind(easy, "receive error");
    case CURLE_GOT_NOTHING: return "empty response";
    case CURLE_PARTIAL_FILE: return "partial response";
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_BAD_CONTENT_ENCODING: return "malformed response";
    case CURLE_TOO_MANY_REDIRECTS: return "too many redirects";
    case CURLE_URL_MALFORMAT: return "invalid url";
    case CURLE_UNSUPPORTED_PROTOCOL: /* also curl's word for an HTTP/0.9 answer */
        return connected(easy) ? "malformed response" : "invalid url";
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH: return "tls error";
    case CURLE_WRITE_ERROR: return "body too large";
    default: return "transport error";
    }
}

/* http.h: one reusable HTTP client slot (an easy handle plus its buffers),
 * request configuration, response capture and transport-error kinds. No Lua. */
#ifndef MOLOTOV_HTTP_H
#define MOLOTOV_HTTP_H

#include "molotov/common.h"
#include "molotov/engine.h"
#include "molotov/options.h"

#include <stdbool.h>
#include <stdint.h>

/* What a response leaves behind: raw body, raw header block of the last
 * response (after redirects) and the final URL. Pooled: no malloc per request
 * in the steady state. */
typedef struct mt_respbuf {
    mt_buf body, headers, url;
    uint64_t dropped; /* body bytes received beyond the slot's max_body */
    uint64_t wire;    /* body bytes as received, before any decoding */
    struct mt_respbuf *next;
} mt_respbuf;

mt_respbuf *mt_respbuf_get(void);
void mt_respbuf_put(mt_respbuf *r);
void mt_respbuf_drain_pool(void); /* frees the pooled buffers (at exit) */

typedef struct {
    const char *method; /* upper case */
    const char *url;
    struct curl_slist *headers; /* owned by the slot until mt_http_done */
    const char *body;
    size_t body_len;
    bool has_body;
    const char *cookie;          /* "a=b; c=d" sent besides the jar, or NULL */
    const char *user, *password; /* basic auth when user != NULL */
    long timeout_ms, connect_timeout_ms;
    bool verify;
    bool compress;     /* send Accept-Encoding and decode the body */
    int http_version;  /* 1 or 2 */
    const char *proxy; /* "http://host:port", "" for none, NULL: the environment's */
    const char *proxy_user, *proxy_password;
    curl_mime *mime; /* multipart body (files), owned by the slot once sent */
} mt_http_req;

typedef struct {
    mt_xfer xfer;
    mt_respbuf *resp;
    struct curl_slist *headers;
    curl_mime *mime;
    struct curl_slist ua; /* "User-Agent: molotov/..." ahead of headers, not allocated */
    mt_buf scratch_url, scratch_body, scratch_cookie; /* for the session layer */
    size_t max_body; /* body bytes kept per response (--max-body); the rest is discarded */
    char errbuf[CURL_ERROR_SIZE];
    /* what the handle holds already, so a request sets only what changed */
    struct {
        bool valid, auth, cookie, proxy_auth;
        long timeout_ms, connect_timeout_ms;
        bool verify, compress;
        int http_version;
        bool h2c;
        char proxy[256]; /* the proxy the handle holds ("" none; "\1" the environment's) */
    } applied;
} mt_http;

/* Creates the slot's easy handle with the options that never change (cookie
 * jar on, callbacks, user agent) and the run's options that hold for every
 * request (--max-body, --cacert, -vv tracing). Returns MT_OK or MT_ECURL. */
int mt_http_init(mt_http *h, mt_engine *e, mt_xfer_cb done, void *data, const mt_options *o);
void mt_http_free(mt_http *h, mt_engine *e);

/* Configures the next request and starts it. Returns MT_OK, or MT_ECURL if
 * curl refused it (the headers are freed in both cases when it fails). */
int mt_http_send(mt_http *h, mt_engine *e, const mt_http_req *r);

/* The proxy of a request that names none: --proxy, else "" (no proxy, not
 * even the environment's, as Molotov's aiohttp), or NULL with --trust-env
 * (libcurl reads http_proxy and friends). */
const char *mt_http_default_proxy(const mt_options *o);

/* A redirect's next hop on the same slot: the request r (its URL, method
 * and body as the redirect rules made them) with the headers of the hop
 * before, less Authorization when drop_auth (another origin) and less
 * Content-Type when the body was dropped. The previous answer is
 * discarded. Returns MT_OK or MT_ECURL. */
int mt_http_resend(mt_http *h, mt_engine *e, const mt_http_req *r, bool drop_auth);

/* Whether status is a redirect that is followed (301, 302, 303, 307, 308). */
bool mt_http_is_redirect(long status);

/* The method of the hop after a `status` redirect of `method`: 303 turns
 * everything but HEAD into GET, 301 and 302 turn POST into GET (as
 * browsers and aiohttp do), 307 and 308 keep it. *keep_body says whether
 * the body goes along. */
const char *mt_http_redirect_method(long status, const char *method, bool *keep_body);

/* After completion: frees per-request state; returns the response buffers
 * (the caller owns them, see mt_respbuf_put) and gives the slot fresh ones. */
mt_respbuf *mt_http_take(mt_http *h);

/* One cookie of a jar, pointing into a line of curl's cookie list. */
typedef struct {
    const char *domain, *path, *name, *value; /* NUL-terminated */
    bool subdomains, secure, http_only;
    long long expires; /* Unix seconds, 0 for a session cookie */
} mt_cookie;

/* Parses one line of CURLINFO_COOKIELIST (Netscape format, modified in
 * place). Returns false when it is not a cookie line. */
bool mt_http_cookie_parse(char *line, mt_cookie *c);

/* Whether c would be sent to url at Unix time now (domain, path, secure,
 * expiry). */
bool mt_http_cookie_matches(const mt_cookie *c, const char *url, long long now);

/* Calls fn for every cookie in the slot's jar. */
void mt_http_each_cookie(mt_http *h, void (*fn)(const mt_cookie *, void *), void *data);

/* Puts one cookie for `domain` (exact match; path "/" when NULL) in the
 * slot's jar / empties the jar. */
void mt_http_set_cookie(mt_http *h, const char *domain, const char *path, const char *name,
                        const char *value, bool secure);
void mt_http_clear_cookies(mt_http *h);

/* A short name for a transport failure: "connection refused", "timeout",
 * "dns failure", "tls error", ... */
const char *mt_http_error_kind(CURLcode rc, CURL *easy);

/* The standard reason phrase of a status ("Not Found"), or "". */
const char *mt_http_reason(long status);

/* The host of url without userinfo, port or [] ("" when there is none). */
void mt_http_url_host(const char *url, char *out, size_t outlen);

/* "scheme://host:port" of url, without userinfo (the scheme lower-cased;
 * the authority as written). */
void mt_http_url_origin(const char *url, char *out, size_t outlen);

/* The path of url without query or fragment ("/" when there is none). */
void mt_http_url_path(const char *url, char *out, size_t outlen);

/* Appends s percent-encoded (RFC 3986 unreserved kept) to out. */
void mt_http_urlencode(mt_buf *out, const char *s, size_t n);

#endif

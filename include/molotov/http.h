/* http.h: libcurl's side of transport.h: one reusable HTTP client slot (an
 * easy handle plus its buffers), request configuration, response capture,
 * transport-error kinds, cookie-jar access, and URL helpers. No Lua. */
#ifndef MOLOTOV_HTTP_H
#define MOLOTOV_HTTP_H

#include "molotov/common.h"
#include "molotov/engine.h"
#include "molotov/native.h"
#include "molotov/options.h"
#include "molotov/transport.h"

#include <stdbool.h>
#include <stdint.h>

/* The slot behind transport.h's mt_http: an easy handle set up once. */
struct mt_http {
    mt_xfer xfer;
    mt_engine *engine;
    const mt_options *opt; /* the run's, for an easy handle made late */
    mt_http_done done; /* its owner's completion callback */
    void *data;
    uint64_t t0; /* when the request in flight was sent (monotonic ns) */
    mt_respbuf *resp;
    struct curl_slist *headers;
    curl_mime *mime;
    struct curl_slist ua; /* "User-Agent: molotov/..." ahead of headers, not allocated */
    size_t max_body;      /* body bytes kept per response (--max-body); the rest is discarded */
    char errbuf[CURL_ERROR_SIZE];
    mt_native *native; /* the native transport's slot (NULL with --engine curl) */
    bool on_native;    /* the request in flight went native */
    bool only_native;  /* --engine native */
    int verbose;
    /* what the handle holds already, so a request sets only what changed */
    struct {
        bool valid, auth, cookie, proxy_auth;
        long timeout_ms, connect_timeout_ms;
        bool verify, compress;
        int http_version;
        bool h2c;
        char proxy[256]; /* the proxy the handle holds ("" none; "\1" the environment's) */
    } applied;
};

/* The proxy of a request that names none: --proxy, else "" (no proxy, not
 * even the environment's, as Molotov's aiohttp), or NULL with --trust-env
 * (libcurl reads http_proxy and friends). */
const char *mt_http_default_proxy(const mt_options *o);

/* The slot's easy handle, made on first use (a slot whose requests all go
 * native never has one), or NULL when libcurl could not make it. */
CURL *mt_http_easy(mt_http *h);

/* Why --engine native cannot send r (a request's first hop), or NULL. */
const char *mt_http_refusal(const mt_http *h, const mt_http_req *r);

/* Whether status is a redirect that is followed (301, 302, 303, 307, 308). */
bool mt_http_is_redirect(long status);

/* The method of the hop after a `status` redirect of `method`: 303 turns
 * everything but HEAD into GET, 301 and 302 turn POST into GET (as
 * browsers and aiohttp do), 307 and 308 keep it. *keep_body says whether
 * the body goes along. */
const char *mt_http_redirect_method(long status, const char *method, bool *keep_body);

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

#endif

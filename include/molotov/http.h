/* http.h: transport.h's slot: each request to the native client (native.h)
 * when it can serve it (--engine), else to the slot's libcurl easy handle
 * (made on first use), with request configuration, response capture,
 * transport-error kinds and URL helpers. The slot's cookie jar is ours
 * (jar.h), shared by both. No Lua. */
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
    mt_http_done done;     /* its owner's completion callback */
    void *data;
    uint64_t t0; /* when the request in flight was sent (monotonic ns) */
    mt_respbuf *resp;
    mt_headers *headers;          /* the request's own lines (pooled) */
    struct curl_slist *curl_list; /* the same for libcurl, made when it sends them */
    curl_mime *mime;
    struct curl_slist ua;          /* "User-Agent: molotov/..." ahead of headers, not allocated */
    mt_jar *jar;                   /* the slot's cookies (the session's, for its slot) */
    mt_buf cookie_line;            /* "Cookie: ..." of the request in flight */
    struct curl_slist cookie_node; /* that line ahead of the headers */
    size_t max_body; /* body bytes kept per response (--max-body); the rest is discarded */
    char errbuf[CURL_ERROR_SIZE];
    mt_native *native; /* the native transport's slot (NULL with --engine curl) */
    bool on_native;    /* the request in flight went native */
    bool only_native;  /* --engine native */
    int verbose;
    /* what the handle holds already, so a request sets only what changed */
    struct {
        bool valid, auth, proxy_auth;
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

/* A short name for a transport failure: "connection refused", "timeout",
 * "dns failure", "tls error", ... */
const char *mt_http_error_kind(CURLcode rc, CURL *easy);

/* The standard reason phrase of a status ("Not Found"), or "". */
const char *mt_http_reason(long status);

#endif

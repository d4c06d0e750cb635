/* native_req.h: what the native transport writes: which requests it can
 * serve, the parts of their URL it needs, and the request's bytes, header
 * for header as libcurl writes them (Host, Authorization, Accept,
 * Accept-Encoding, Cookie, then the request's own lines, Content-Type and
 * Content-Length), so a server sees the same request from both. */
#ifndef MOLOTOV_NATIVE_REQ_H
#define MOLOTOV_NATIVE_REQ_H

#include "molotov/common.h"
#include "molotov/transport.h"

#include <stdbool.h>

/* The encodings the native transport decodes (zlib), as it asks for them. */
#define MT_NATIVE_ENCODINGS "deflate, gzip"

/* The parts of an http:// URL the native transport uses. */
typedef struct {
    char host[256];      /* for the lookup: no [] around an IPv6 address */
    char authority[262]; /* for Host: as written, less a default :80 */
    int port;
    const char *target; /* path and query, into the URL; "" means "/" */
    size_t target_len;
    const char *userinfo; /* "user:password" (percent-encoded) into the URL, or NULL */
    size_t userinfo_len;
} mt_target;

/* Whether the native transport can send r; when not, *why says why
 * ("https", "HTTP/2", "a proxy", "a multipart body", ...). An http:// URL
 * that is not valid is served: the native transport fails it as libcurl
 * does ("invalid url"). */
bool mt_native_serves(const mt_http_req *r, const char **why);

/* Reads the environment's proxies (http_proxy, all_proxy, ALL_PROXY) for
 * mt_native_serves: once per slot opened (mt_native_open), not per request. */
void mt_native_read_env(void);

/* Splits an http:// URL. Returns MT_OK, or MT_EINVAL when it is not one
 * that can be sent (no host, a bad port, a space or control character). */
int mt_target_parse(const char *url, mt_target *t);

/* A path with "." or ".." segments made plain in scratch, as libcurl sends
 * it (RFC 3986 5.2.4), t->target then pointing there: returns true. False,
 * and nothing done (no cost), for the usual path without them. */
bool mt_target_plain_path(mt_target *t, const char *url, mt_buf *scratch);

/* Appends the request's bytes to out: method and target, the headers
 * (cookie: "a=b; c=d" or NULL; ua: the "User-Agent: ..." line sent unless
 * the request names its own) and the body. */
void mt_native_req_write(mt_buf *out, const mt_http_req *r, const mt_target *t, const char *cookie,
                         const char *ua);

#endif

/* jar.h: a session's cookie jar, shared by every transport (RFC 6265):
 * Set-Cookie lines stored for the URL they came from (Expires, Max-Age,
 * Domain, checked against the public suffix list through libpsl, Path,
 * Secure, HttpOnly, SameSite, the __Secure- and __Host- prefixes), the
 * Cookie header a URL gets (domain, path, secure and expiry matched; longer
 * paths first, then the older), and the jar as scripts see it (cookies.h).
 * Bounded: at most MT_JAR_MAX_COOKIES cookies, MT_JAR_MAX_PER_DOMAIN of one
 * domain (RFC 6265 6.1's figures; the expired, then the oldest go first), of
 * at most MT_JAR_MAX_COOKIE_BYTES of name and value each. No Lua, no curl. */
#ifndef MOLOTOV_JAR_H
#define MOLOTOV_JAR_H

#include "molotov/common.h"

#include <stdbool.h>
#include <stddef.h>

#define MT_JAR_MAX_COOKIES 3000
#define MT_JAR_MAX_PER_DOMAIN 50
#define MT_JAR_MAX_COOKIE_BYTES 4096 /* name and value */

typedef struct mt_jar mt_jar;

/* One cookie of a jar; the strings live in the jar until it changes. */
typedef struct {
    const char *domain, *path, *name, *value; /* NUL-terminated */
    const char *same_site;                    /* "Strict", "Lax", "None" or "" when not given */
    bool subdomains;                          /* a Domain cookie (false: host-only) */
    bool secure, http_only;
    long long expires; /* Unix seconds, 0 for a session cookie */
} mt_cookie;

mt_jar *mt_jar_new(void);
void mt_jar_free(mt_jar *j); /* NULL is fine */

/* Stores every Set-Cookie line of a response's header block (as received:
 * "HTTP/1.1 200 OK\r\n...") for the request's url, at Unix time now. */
void mt_jar_store_headers(mt_jar *j, const char *url, const char *block, size_t len, long long now);

/* Stores one Set-Cookie value (what follows "Set-Cookie:") for url.
 * Returns true if it was stored (or deleted a cookie: an expiry in the
 * past), false if it was refused. */
bool mt_jar_store(mt_jar *j, const char *url, const char *value, size_t len, long long now);

/* Appends "a=b; c=d", the cookies url gets at time now, to out (nothing
 * when none matches). No allocation when out has room. */
void mt_jar_header(mt_jar *j, const char *url, long long now, mt_buf *out);

/* Appends a request's Cookie value to out: the jar's cookies for url, then
 * `extra` (the request's own "a=b; c=d", or NULL), "; " between. Every
 * transport builds its Cookie header with it. No allocation when out has
 * room. */
void mt_jar_cookie_value(mt_jar *j, const char *url, const char *extra, long long now, mt_buf *out);

/* Calls fn for every cookie that has not expired at time now, in the order
 * they are sent. */
void mt_jar_each(mt_jar *j, long long now, void (*fn)(const mt_cookie *, void *), void *data);

/* Puts a session cookie for exactly `domain` (host-only) with path "/"
 * when NULL, replacing one of the same name, domain and path. */
void mt_jar_set(mt_jar *j, const char *domain, const char *path, const char *name,
                const char *value, bool secure);

/* Empties the jar. */
void mt_jar_clear(mt_jar *j);

/* How many cookies the jar holds (expired ones not yet dropped included). */
size_t mt_jar_count(const mt_jar *j);

/* Whether c would be sent to url at Unix time now (domain, path, secure,
 * expiry). */
bool mt_jar_matches(const mt_cookie *c, const char *url, long long now);

/* A cookie-date (RFC 6265 5.1.1: "Sun, 06 Nov 1994 08:49:37 GMT", the
 * RFC 850 and asctime forms and the variants servers send) as Unix
 * seconds. Returns false when it is not one. */
bool mt_jar_parse_date(const char *s, size_t n, long long *out);

#endif

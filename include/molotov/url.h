/* url.h: what molotov reads out of a URL: its authority, host, origin and
 * path (userinfo left out), and percent-encoding (RFC 3986). No allocation
 * but the mt_buf appended to. */
#ifndef MOLOTOV_URL_H
#define MOLOTOV_URL_H

#include "molotov/common.h"

#include <stdbool.h>
#include <stddef.h>

/* Where the authority of url starts (after "scheme://" and any userinfo)
 * and, in *n, how long it is. */
const char *mt_url_authority(const char *url, size_t *n);

/* The host of url without userinfo, port or [] ("" when there is none). */
void mt_url_host(const char *url, char *out, size_t outlen);

/* "scheme://host:port" of url, without userinfo (the scheme lower-cased;
 * the authority as written). */
void mt_url_origin(const char *url, char *out, size_t outlen);

/* The path of url without query or fragment ("/" when there is none). */
void mt_url_path(const char *url, char *out, size_t outlen);

/* Whether url carries a userinfo ("user:pass@") before its host. */
bool mt_url_has_userinfo(const char *url);

/* Appends url to out without its userinfo ("user:pass@"): URLs end up in
 * responses, failure messages and reports. */
void mt_url_append_public(mt_buf *out, const char *url);

/* Appends s percent-encoded (RFC 3986 unreserved kept) to out. */
void mt_url_encode(mt_buf *out, const char *s, size_t n);

#endif

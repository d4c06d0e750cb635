/* url.c: what molotov reads out of a URL (url.h): its authority, host,
 * origin and path, and percent-encoding for params and forms. */
#include "molotov/url.h"

#include <stdbool.h>
#include <string.h>

/* Where the authority of url starts and how long it is. */
const char *mt_url_authority(const char *url, size_t *n)
{
    const char *p = strstr(url, "://");
    p = p ? p + 3 : url;
    *n = strcspn(p, "/?#");
    const char *at = memchr(p, '@', *n);
    if (at) {
        *n -= (size_t)(at + 1 - p);
        p = at + 1;
    }
    return p;
}

void mt_url_host(const char *url, char *out, size_t outlen)
{
    size_t n;
    const char *p = mt_url_authority(url, &n);
    if (*p == '[') {
        const char *close = memchr(p, ']', n);
        n = close ? (size_t)(close - p - 1) : n - 1;
        p++;
    } else {
        const char *colon = memchr(p, ':', n);
        if (colon) n = (size_t)(colon - p);
    }
    mt_strlcpyn(out, outlen, p, n);
}

void mt_url_origin(const char *url, char *out, size_t outlen)
{
    size_t n;
    const char *p = mt_url_authority(url, &n), *sep = strstr(url, "://");
    size_t scheme = sep && sep < p ? (size_t)(sep - url) : 0;
    if (outlen < 4) {
        if (outlen) *out = '\0';
        return;
    }
    size_t k = scheme ? mt_strlcpyn(out, outlen - 3, url, scheme) : 0;
    if (scheme) k += mt_strlcpyn(out + k, outlen - k, "://", 3);
    for (size_t i = 0; i < k; i++)
        if (out[i] >= 'A' && out[i] <= 'Z') out[i] = (char)(out[i] - 'A' + 'a');
    mt_strlcpyn(out + k, outlen - k, p, n);
}

void mt_url_path(const char *url, char *out, size_t outlen)
{
    size_t n;
    const char *p = mt_url_authority(url, &n);
    p += n;
    n = strcspn(p, "?#");
    if (n == 0)
        mt_strlcpyn(out, outlen, "/", 1);
    else
        mt_strlcpyn(out, outlen, p, n);
}

void mt_url_encode(mt_buf *out, const char *s, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        bool plain = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                     (ch >= '0' && ch <= '9') || ch == '-' || ch == '.' || ch == '_' || ch == '~';
        if (plain) {
            mt_buf_append(out, s + i, 1);
        } else {
            char enc[3] = {'%', hex[ch >> 4], hex[ch & 15]};
            mt_buf_append(out, enc, 3);
        }
    }
}

bool mt_url_has_userinfo(const char *url)
{
    size_t n;
    const char *host = mt_url_authority(url, &n), *sep = strstr(url, "://");
    return sep && host > sep + 3;
}

void mt_url_append_public(mt_buf *out, const char *url)
{
    if (mt_url_has_userinfo(url)) { /* "scheme://" then what follows "user:pass@" */
        size_t n;
        mt_buf_append(out, url, (size_t)(strstr(url, "://") + 3 - url));
        url = mt_url_authority(url, &n);
    }
    mt_buf_appends(out, url);
}

/* mask.c: secrets kept out of what molotov prints and writes: the values of
 * Authorization, Proxy-Authorization, Cookie and Set-Cookie headers, Bearer
 * tokens, and the password of a URL's userinfo. Failure messages, -vv
 * traces and the command line in reports all go through here. */
#include "molotov/mask.h"
#include "molotov/common.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const SECRET_NAMES[] = {"proxy-authorization", "authorization", "set-cookie",
                                           "cookie"};

/* The length of a secret header name at p followed by ':' or '=' (quotes,
 * brackets and spaces allowed between), with the value's start in *value
 * and its closing quote (or 0) in *quote; 0 when there is none. */
static size_t secret_at(const char *p, const char **value, char *quote)
{
    for (size_t i = 0; i < sizeof SECRET_NAMES / sizeof *SECRET_NAMES; i++) {
        size_t n = strlen(SECRET_NAMES[i]);
        if (strncasecmp(p, SECRET_NAMES[i], n) != 0) continue;
        const char *q = p + n + strspn(p + n, "\"'] ");
        if (*q != ':' && *q != '=') return 0;
        q += 1 + strspn(q + 1, " ");
        *quote = (*q == '"' || *q == '\'') ? *q++ : 0;
        *value = q;
        return n;
    }
    return 0;
}

bool mt_is_secret_header(const char *p, size_t n)
{
    for (size_t i = 0; i < sizeof SECRET_NAMES / sizeof *SECRET_NAMES; i++) {
        size_t l = strlen(SECRET_NAMES[i]);
        if (n > l && p[l] == ':' && strncasecmp(p, SECRET_NAMES[i], l) == 0) return true;
    }
    return false;
}

/* msg with the values of Authorization, Cookie and Set-Cookie headers and
 * of "Bearer" tokens replaced by ***; NULL when there is nothing to mask. */
char *mt_mask_secrets(const char *msg)
{
    if (!strcasestr(msg, "cookie") && !strcasestr(msg, "authorization") &&
        !strcasestr(msg, "bearer "))
        return NULL;
    mt_buf b;
    mt_buf_init(&b);
    for (const char *p = msg; *p;) {
        const char *value;
        char quote = 0;
        size_t n = secret_at(p, &value, &quote);
        const char *stop = quote ? "\r\n\"'" : "\r\n,";
        if (!n && strncasecmp(p, "bearer ", 7) == 0) {
            value = p + 7;
            stop = " \t\r\n\"',;";
            n = 1;
        }
        if (!n) {
            mt_buf_append(&b, p++, 1);
            continue;
        }
        mt_buf_append(&b, p, (size_t)(value - p));
        mt_buf_appends(&b, "***");
        p = value + strcspn(value, stop);
        if (quote && *p == quote) mt_buf_append(&b, p++, 1);
    }
    return b.data;
}

void mt_print_masked(FILE *out, const char *text, const char *end)
{
    char *masked = mt_mask_secrets(text);
    fprintf(out, "%s%s", masked ? masked : text, end);
    free(masked);
}

char *mt_mask_url(const char *url)
{
    const char *scheme = strstr(url, "://");
    if (!scheme) return NULL;
    const char *auth = scheme + 3, *end = auth + strcspn(auth, "/?#");
    const char *at = NULL;
    for (const char *p = auth; p < end; p++)
        if (*p == '@') at = p;
    const char *colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
    if (!colon) return NULL;
    mt_buf b;
    mt_buf_init(&b);
    mt_buf_append(&b, url, (size_t)(colon + 1 - url));
    mt_buf_appends(&b, "***");
    mt_buf_appends(&b, at);
    return b.data;
}

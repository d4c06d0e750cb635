/* ws_handshake.c: the WebSocket opening handshake of RFC 6455, section 4
 * (ws_handshake.h): the client's upgrade request and the check of the
 * server's answer (101, Upgrade, Connection and Sec-WebSocket-Accept, which
 * is the base64 SHA-1 of the key and the protocol's GUID, from OpenSSL). */
#include "molotov/ws_handshake.h"

#include <openssl/evp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define WS_GUID "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

void mt_ws_handshake_request(mt_buf *out, const char *url, const char *key, const char *extra)
{
    const char *p = strstr(url, "://");
    p = p ? p + 3 : url;
    size_t alen = strcspn(p, "/?#");
    const char *at = memchr(p, '@', alen);
    if (at) { /* userinfo never reaches the Host header */
        alen -= (size_t)(at + 1 - p);
        p = at + 1;
    }
    const char *path = p + alen;
    size_t plen = strcspn(path, "#");
    mt_buf_printf(out, "GET %s%.*s HTTP/1.1\r\n", *path == '/' ? "" : "/", (int)plen, path);
    mt_buf_printf(out, "Host: %.*s\r\n", (int)alen, p);
    mt_buf_appends(out, "Upgrade: websocket\r\nConnection: Upgrade\r\n");
    mt_buf_printf(out, "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n", key);
    if (extra) mt_buf_appends(out, extra);
    mt_buf_appends(out, "\r\n");
}

/* The value of header `name` in the block [p, end), or NULL; *n its length. */
static const char *header(const char *p, const char *end, const char *name, size_t *n)
{
    size_t len = strlen(name);
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        const char *stop = eol ? eol : end;
        if ((size_t)(stop - p) > len && p[len] == ':' && strncasecmp(p, name, len) == 0) {
            const char *v = p + len + 1, *ve = stop;
            while (v < ve && (*v == ' ' || *v == '\t')) v++;
            while (ve > v && (ve[-1] == '\r' || ve[-1] == ' ' || ve[-1] == '\t')) ve--;
            *n = (size_t)(ve - v);
            return v;
        }
        p = stop + 1;
    }
    return NULL;
}

static bool has_token(const char *v, size_t n, const char *token)
{
    size_t t = strlen(token);
    for (size_t i = 0; v && i + t <= n; i++)
        if (strncasecmp(v + i, token, t) == 0) return true;
    return false;
}

static void accept_of(const char *key, char out[64])
{
    char in[128];
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    int n = snprintf(in, sizeof in, "%s%s", key, WS_GUID);
    EVP_Digest(in, (size_t)n, md, &mdlen, EVP_sha1(), NULL);
    EVP_EncodeBlock((unsigned char *)out, md, (int)mdlen);
}

int mt_ws_handshake_parse(const char *buf, size_t len, const char *key, long *status,
                          size_t *header_len)
{
    *status = 0;
    *header_len = 0;
    const char *end = NULL;
    for (size_t i = 0; i + 3 < len && !end; i++)
        if (memcmp(buf + i, "\r\n\r\n", 4) == 0) end = buf + i + 4;
    if (!end) return len > 65536 ? -1 : 1; /* an endless header block is no answer */
    *header_len = (size_t)(end - buf);
    if (len < 12 || memcmp(buf, "HTTP/1.", 7) != 0 || buf[8] != ' ') return -1;
    char code[4] = {buf[9], buf[10], buf[11], 0};
    *status = strtol(code, NULL, 10);
    if (*status != 101) return -1;
    const char *eol = memchr(buf, '\n', *header_len);
    size_t n = 0;
    const char *v = header(eol + 1, end, "upgrade", &n);
    if (!has_token(v, n, "websocket")) return -1;
    v = header(eol + 1, end, "connection", &n);
    if (!has_token(v, n, "upgrade")) return -1;
    char want[64];
    accept_of(key, want);
    v = header(eol + 1, end, "sec-websocket-accept", &n);
    return v && n == strlen(want) && memcmp(v, want, n) == 0 ? 0 : -1;
}

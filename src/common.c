/* common.c: error names, the out-of-memory wrapper, mt_buf (base64 too),
 * whole-file reads and the clock. */
#include "molotov/common.h"

#include <errno.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char *mt_strerror(int err)
{
    switch (err) {
    case MT_OK: return "ok";
    case MT_EINVAL: return "invalid argument";
    case MT_ENOENT: return "no such file";
    case MT_ESCRIPT: return "script error";
    case MT_EIO: return "i/o error";
    case MT_ECURL: return "libcurl error";
    case MT_EUV: return "libuv error";
    case MT_ESTOPPED: return "stopped";
    case MT_EPROTO: return "protocol error";
    default: return "unknown error";
    }
}

static void *oom(size_t n)
{
    fprintf(stderr, "molotov: out of memory (%zu bytes)\n", n);
    abort();
}

void *mt_malloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    return p ? p : oom(n);
}

void *mt_calloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    return p ? p : oom(n * size);
}

void *mt_realloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    return q ? q : oom(n);
}

char *mt_strndup(const char *s, size_t n)
{
    char *d = mt_malloc(n + 1);
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

size_t mt_strlcpyn(char *out, size_t outlen, const char *s, size_t n)
{
    if (n >= outlen) n = outlen - 1;
    memcpy(out, s, n);
    out[n] = '\0';
    return n;
}

char *mt_strdup(const char *s)
{
    return mt_strndup(s, strlen(s));
}

void mt_buf_init(mt_buf *b)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

void mt_buf_free(mt_buf *b)
{
    free(b->data);
    mt_buf_init(b);
}

void mt_buf_reset(mt_buf *b)
{
    b->len = 0;
    if (b->data) b->data[0] = '\0';
}

static void buf_reserve(mt_buf *b, size_t extra)
{
    size_t need = b->len + extra + 1;
    if (need <= b->cap) return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need) cap *= 2;
    b->data = mt_realloc(b->data, cap);
    b->cap = cap;
}

void mt_buf_append(mt_buf *b, const void *data, size_t n)
{
    buf_reserve(b, n);
    if (n) memcpy(b->data + b->len, data, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void mt_buf_appends(mt_buf *b, const char *s)
{
    mt_buf_append(b, s, strlen(s));
}

void mt_buf_append_base64(mt_buf *b, const void *data, size_t n)
{
    size_t out = 4 * ((n + 2) / 3);
    buf_reserve(b, out);
    EVP_EncodeBlock((unsigned char *)b->data + b->len, data, (int)n); /* NUL-terminates */
    b->len += out;
}

void mt_buf_printf(mt_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n <= 0) return;
    buf_reserve(b, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

int mt_error(char *err, size_t errlen, int rc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return rc;
}

uint64_t mt_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

double mt_now_s(void)
{
    return (double)mt_now_ns() / 1e9;
}

int64_t mt_wall_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME_COARSE, &ts);
    return (int64_t)ts.tv_sec;
}

double mt_wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int mt_read_file(const char *path, mt_buf *out)
{
    FILE *f = fopen(path, "rb");
    if (!f) return errno == ENOENT ? MT_ENOENT : MT_EIO;
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) mt_buf_append(out, chunk, n);
    int rc = ferror(f) ? MT_EIO : MT_OK;
    fclose(f);
    return rc;
}

/* common.h: what every module shares: error codes and their names, the one
 * out-of-memory wrapper, a growable byte buffer, file reads and the clocks. */
#ifndef MOLOTOV_COMMON_H
#define MOLOTOV_COMMON_H

#include <stddef.h>
#include <stdint.h>

/* Errors are returned as negative codes; mt_strerror() names them. */
enum {
    MT_OK = 0,
    MT_EINVAL = -1,   /* bad argument or option value */
    MT_ENOENT = -2,   /* file not found */
    MT_ESCRIPT = -3,  /* scenario script error */
    MT_EIO = -4,      /* I/O or system call failure */
    MT_ECURL = -5,    /* libcurl refused to set up a transfer */
    MT_EUV = -6,      /* libuv failure */
    MT_ESTOPPED = -7, /* the run was stopped */
    MT_EPROTO = -8,   /* the peer broke the protocol */
};

/* Returns a static string naming an MT_E* code ("unknown error" otherwise). */
const char *mt_strerror(int err);

/* Allocation that never returns NULL: on out-of-memory it prints and aborts. */
void *mt_malloc(size_t n);
void *mt_calloc(size_t n, size_t size);
void *mt_realloc(void *p, size_t n);
char *mt_strdup(const char *s);
char *mt_strndup(const char *s, size_t n);

/* Copies at most n bytes of s into out (outlen > 0), cut to fit, and
 * NUL-terminates it; returns the length copied. */
size_t mt_strlcpyn(char *out, size_t outlen, const char *s, size_t n);

/* The command's exit codes besides 0 and 1 (docs/cli.md). */
#define MT_EXIT_USAGE 2         /* usage, configuration or script error */
#define MT_EXIT_THRESHOLDS 99   /* a threshold failed */
#define MT_EXIT_INTERRUPTED 130 /* Ctrl-C */

/* A growable byte buffer, always NUL-terminated after its len bytes. */
typedef struct {
    char *data;
    size_t len;
    size_t cap;
} mt_buf;

void mt_buf_init(mt_buf *b);
void mt_buf_free(mt_buf *b);
void mt_buf_reset(mt_buf *b); /* len = 0, keeps the memory */
void mt_buf_append(mt_buf *b, const void *data, size_t n);
void mt_buf_appends(mt_buf *b, const char *s);
void mt_buf_printf(mt_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void mt_buf_append_base64(mt_buf *b, const void *data, size_t n); /* RFC 4648, padded */

/* Writes the message into err (a caller's buffer of errlen bytes) and
 * returns rc: `return mt_error(err, errlen, MT_EINVAL, "bad %s", x);`. */
int mt_error(char *err, size_t errlen, int rc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Appends the whole file at path to out. Returns MT_OK, MT_ENOENT when it
 * does not exist, or MT_EIO (errno says why). */
int mt_read_file(const char *path, mt_buf *out);

/* Monotonic time in nanoseconds / seconds since an arbitrary origin. */
uint64_t mt_now_ns(void);
double mt_now_s(void);

/* Wall-clock time: the current Unix second (timelines are keyed on it, so
 * runs on several machines line up). */
int64_t mt_wall_s(void);

/* Wall-clock time in Unix seconds, with fractions. */
double mt_wall_now(void);

#endif

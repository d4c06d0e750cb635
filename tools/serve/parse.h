/* parse.h: molotov-serve's request parsing: finding the end of a request
 * head in a connection's buffer, the request line and the headers that
 * matter to the server, and the byte-string helpers the router shares. */
#ifndef MOLOTOV_SERVE_PARSE_H
#define MOLOTOV_SERVE_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MT_SERVE_HEAD_MAX 16384 /* request line + headers + blank line */

/* One parsed request head; method and target point into the parsed bytes. */
typedef struct {
    const char *method, *target;
    size_t method_len, target_len;
    uint64_t content_length;
    bool http10, has_length, has_te, conn_close, keep_alive, expect_continue;
} mt_serve_req;

/* Finds the blank line ending the request head in buf[*off, len), skipping
 * empty lines before a request (which moves *off) while *scan is 0; *scan is
 * where the next call resumes. Returns the head's length from *off, 0 when
 * more input is needed, or -400 (a bare LF or CR, a control byte) or -431
 * (no end within MT_SERVE_HEAD_MAX bytes). */
int mt_serve_find_head(const char *buf, size_t len, size_t *off, size_t *scan);

/* Parses a head of n bytes ending in CRLFCRLF, already checked by
 * mt_serve_find_head, into *q. Returns 0, -400 (a malformed request line or
 * header, conflicting Content-Length) or -411 (Transfer-Encoding). */
int mt_serve_parse_head(const char *p, size_t n, mt_serve_req *q);

/* 1 to 18 decimal digits, nothing else, into *out. */
bool mt_serve_parse_u64(const char *p, size_t n, uint64_t *out);

/* p[0, n) equals s exactly (mt_serve_eq) or ignoring ASCII case (mt_serve_ieq). */
bool mt_serve_eq(const char *p, size_t n, const char *s);
bool mt_serve_ieq(const char *p, size_t n, const char *s);

#endif

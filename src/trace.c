/* trace.c: -vv's lines (trace.h): header blocks line by line, secret
 * headers masked; bodies shortened to 512 bytes, secrets masked. */
#include "molotov/trace.h"
#include "molotov/mask.h"

#include <stdio.h>
#include <string.h>

/* -vv: headers as sent and received, secrets masked, bodies shortened. */
void mt_trace_headers(char prefix, const char *p, size_t n)
{
    while (n) {
        const char *eol = memchr(p, '\n', n);
        size_t len = eol ? (size_t)(eol - p) + 1 : n;
        size_t show = len;
        while (show && (p[show - 1] == '\n' || p[show - 1] == '\r')) show--;
        if (show && mt_is_secret_header(p, show)) {
            const char *colon = memchr(p, ':', show);
            fprintf(stderr, "%c %.*s: ***\n", prefix, (int)(colon - p), p);
        } else if (show) {
            fprintf(stderr, "%c %.*s\n", prefix, (int)show, p);
        }
        p += len;
        n -= len;
    }
}

/* -vv: the first 512 bytes of a body, NULs shown as '.', secrets masked. */
void mt_trace_body(char prefix, const char *p, size_t n)
{
    char text[513];
    size_t show = n < 512 ? n : 512;
    for (size_t i = 0; i < show; i++) text[i] = p[i] ? p[i] : '.';
    text[show] = '\0';
    fprintf(stderr, "%c [%zu bytes] ", prefix, n);
    mt_print_masked(stderr, text, n > show ? "...\n" : "\n");
}

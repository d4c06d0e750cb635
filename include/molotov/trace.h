/* trace.h: -vv's lines on stderr, the same for both transports: headers as
 * sent ('>') and received ('<') with secrets masked, and the first 512 bytes
 * of bodies. */
#ifndef MOLOTOV_TRACE_H
#define MOLOTOV_TRACE_H

#include <stddef.h>

/* One line per header of the block p..p+n, prefixed. */
void mt_trace_headers(char prefix, const char *p, size_t n);

/* "[N bytes] " then the body's first 512 bytes (NULs as '.'), masked. */
void mt_trace_body(char prefix, const char *p, size_t n);

#endif

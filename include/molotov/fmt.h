/* fmt.h: how figures are written for a person to read, the same in the
 * live line, the summary, the capacity table and the merge's parts: a
 * duration in the unit that suits it, a label shortened in the middle. */
#ifndef MOLOTOV_FMT_H
#define MOLOTOV_FMT_H

#include <stddef.h>
#include <stdint.h>

/* A duration in us as "850us", "2.1ms" or "1.25s". */
void mt_fmt_us(uint64_t us, char *buf, size_t len);

/* label into out, shortened to `width` columns in the middle ("GET /ab...yz"). */
void mt_fmt_shorten(const char *label, size_t width, char *out, size_t outlen);

#endif

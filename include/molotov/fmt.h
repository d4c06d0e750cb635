/* fmt.h: how figures are written for a person to read, the same in the
 * live view, the summary, the capacity table and the merge's parts: a
 * duration in the unit that suits it, counts with thousands separators,
 * elapsed seconds, byte sizes, a label shortened in the middle. */
#ifndef MOLOTOV_FMT_H
#define MOLOTOV_FMT_H

#include <stddef.h>
#include <stdint.h>

/* A duration in us as "850us", "2.1ms" or "1.25s". */
void mt_fmt_us(uint64_t us, char *buf, size_t len);

/* A count with thousands separators: "12,345,678". */
void mt_fmt_count(uint64_t n, char *buf, size_t len);

/* A non-negative number with `digits` decimals (0 to 3) and thousands
 * separators: "1,909.0". */
void mt_fmt_num(double v, int digits, char *buf, size_t len);

/* Seconds as a clock reads: "4.2s" under a minute, "1m05s", "2h03m". */
void mt_fmt_secs(double s, char *buf, size_t len);

/* Bytes: "512 B", "1.5 KiB", "12.0 MiB", "3.2 GiB" (powers of 1024). */
void mt_fmt_bytes(uint64_t n, char *buf, size_t len);

/* label into out, shortened to `width` columns in the middle ("GET /ab...yz"). */
void mt_fmt_shorten(const char *label, size_t width, char *out, size_t outlen);

#endif

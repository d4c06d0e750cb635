/* fmt.c: figures written for a person to read (fmt.h): durations and
 * shortened labels, shared by the console, sizing and merge. */
#include "molotov/fmt.h"
#include "molotov/common.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

void mt_fmt_us(uint64_t us, char *buf, size_t len)
{
    if (us < 1000)
        snprintf(buf, len, "%" PRIu64 "us", us);
    else if (us < 1000000)
        snprintf(buf, len, "%.1fms", (double)us / 1e3);
    else
        snprintf(buf, len, "%.2fs", (double)us / 1e6);
}

void mt_fmt_shorten(const char *label, size_t width, char *out, size_t outlen)
{
    size_t n = strlen(label);
    if (n <= width || width < 5) {
        mt_strlcpyn(out, outlen, label, n);
        return;
    }
    size_t head = (width - 3 + 1) / 2, tail = width - 3 - head;
    snprintf(out, outlen, "%.*s...%s", (int)head, label, label + n - tail);
}

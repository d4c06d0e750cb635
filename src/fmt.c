/* fmt.c: figures written for a person to read (fmt.h): durations, counts,
 * elapsed seconds, byte sizes and shortened labels, shared by the console,
 * the live view, sizing and merge. */
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

void mt_fmt_count(uint64_t n, char *buf, size_t len)
{
    char digits[32], out[40];
    int nd = snprintf(digits, sizeof digits, "%" PRIu64, n);
    size_t k = 0;
    for (int i = 0; i < nd; i++) {
        if (i && (nd - i) % 3 == 0) out[k++] = ',';
        out[k++] = digits[i];
    }
    out[k] = '\0';
    snprintf(buf, len, "%s", out);
}

void mt_fmt_num(double v, int digits, char *buf, size_t len)
{
    if (!(v >= 0) || v > 1e18) v = 0; /* NaN and the absurd print as 0 */
    if (digits < 0) digits = 0;
    if (digits > 3) digits = 3;
    char fixed[48], whole[40];
    snprintf(fixed, sizeof fixed, "%.*f", digits, v);
    char *dot = strchr(fixed, '.');
    uint64_t w = 0;
    for (const char *p = fixed; *p && p != dot; p++) w = w * 10 + (uint64_t)(*p - '0');
    mt_fmt_count(w, whole, sizeof whole);
    snprintf(buf, len, "%s%s", whole, dot ? dot : "");
}

void mt_fmt_secs(double s, char *buf, size_t len)
{
    if (!(s >= 0)) s = 0;
    if (s < 59.95) {
        snprintf(buf, len, "%.1fs", s);
        return;
    }
    uint64_t t = (uint64_t)(s + 0.5);
    if (t < 3600)
        snprintf(buf, len, "%" PRIu64 "m%02" PRIu64 "s", t / 60, t % 60);
    else
        snprintf(buf, len, "%" PRIu64 "h%02" PRIu64 "m", t / 3600, t / 60 % 60);
}

void mt_fmt_bytes(uint64_t n, char *buf, size_t len)
{
    static const char *units[] = {"KiB", "MiB", "GiB", "TiB"};
    if (n < 1024) {
        snprintf(buf, len, "%" PRIu64 " B", n);
        return;
    }
    double v = (double)n / 1024;
    int u = 0;
    while (v >= 1023.95 && u < 3) {
        v /= 1024;
        u++;
    }
    snprintf(buf, len, "%.1f %s", v, units[u]);
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

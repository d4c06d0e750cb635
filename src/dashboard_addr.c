/* dashboard_addr.c: --dashboard's address (dashboard_addr.h): its forms
 * parsed at option time, the guess of whether the argument after a bare
 * --dashboard is one, and the Host names a request may give. */
#include "molotov/dashboard_addr.h"
#include "molotov/common.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define DIGITS "0123456789"

static int syntax(const char *addr, char *err, size_t errlen)
{
    return mt_error(err, errlen, MT_EINVAL,
                    "expected PORT, HOST, HOST:PORT, :PORT or [IPv6]:PORT, got '%s'", addr);
}

static int parse_port(const char *p, const char *addr, int *port, char *err, size_t errlen)
{
    size_t n = strspn(p, DIGITS);
    if (!n || p[n]) return syntax(addr, err, errlen);
    long v = n > 6 ? 99999999 : strtol(p, NULL, 10);
    if (v > 65535) return mt_error(err, errlen, MT_EINVAL, "port %s is over 65535", p);
    *port = (int)v;
    return MT_OK;
}

/* The host part (hl bytes at h; none: 127.0.0.1) into a, numeric. */
static int parse_host(const char *h, size_t hl, bool v6, mt_dash_addr *a, char *err, size_t errlen)
{
    char name[64];
    unsigned char bin[16];
    if (hl >= sizeof name)
        return mt_error(err, errlen, MT_EINVAL, "'%.*s' is not an IP address", (int)hl, h);
    snprintf(name, sizeof name, "%.*s", (int)hl, h);
    if (!hl && !v6) snprintf(name, sizeof name, "127.0.0.1");
    if (!v6 && !strcasecmp(name, "localhost")) snprintf(name, sizeof name, "127.0.0.1");
    if (inet_pton(v6 ? AF_INET6 : AF_INET, name, bin) != 1)
        return mt_error(
            err, errlen, MT_EINVAL,
            v6 ? "'%s' is not an IPv6 address" : "'%s' is not an IP address or localhost", name);
    inet_ntop(v6 ? AF_INET6 : AF_INET, bin, a->host, sizeof a->host);
    a->v6 = v6;
    size_t len = v6 ? 16 : 4, zeros = 0;
    while (zeros < len && !bin[zeros]) zeros++;
    a->any = zeros == len;
    return MT_OK;
}

int mt_dash_addr_parse(const char *addr, mt_dash_addr *a, char *err, size_t errlen)
{
    memset(a, 0, sizeof *a);
    if (!addr) addr = "";
    const char *host = addr, *port = NULL, *colon = strchr(addr, ':');
    size_t hl = strlen(addr);
    bool v6 = false;
    if (addr[0] == '[') { /* [IPv6] or [IPv6]:PORT */
        const char *end = strchr(addr, ']');
        if (!end || (end[1] && end[1] != ':')) return syntax(addr, err, errlen);
        host = addr + 1;
        hl = (size_t)(end - host);
        port = end[1] ? end + 2 : NULL;
        v6 = true;
    } else if (colon && strchr(colon + 1, ':')) { /* a bare IPv6 address */
        v6 = true;
    } else if (colon) { /* HOST:PORT or :PORT */
        hl = (size_t)(colon - addr);
        port = colon + 1;
    } else if (*addr && !addr[strspn(addr, DIGITS)]) { /* PORT */
        hl = 0;
        port = addr;
    }
    if (port && parse_port(port, addr, &a->port, err, errlen)) return MT_EINVAL;
    return parse_host(host, hl, v6, a, err, errlen);
}

bool mt_dash_addr_like(const char *s)
{
    const char *colon = strchr(s, ':');
    if (!*s || strchr(s, '/')) return false;
    if (s[0] == '[' || (colon && strchr(colon + 1, ':'))) return true; /* IPv6 */
    if (colon) return colon[1] && !colon[1 + strspn(colon + 1, DIGITS)];
    return !strcasecmp(s, "localhost") || !s[strspn(s, DIGITS ".")];
}

/* The name of a Host value without its port ("[::1]:80": "::1", v6), or
 * false when it is not NAME, NAME:PORT, [IPv6] or [IPv6]:PORT. */
static bool host_name(const char *host, char *name, size_t len, bool *v6)
{
    size_t n = strlen(host);
    while (n && (host[n - 1] == ' ' || host[n - 1] == '\t')) n--;
    const char *end = host + n, *port = NULL, *start = host;
    *v6 = host[0] == '[';
    if (*v6) {
        const char *close = memchr(host, ']', n);
        if (!close) return false;
        start = host + 1;
        port = close + 1 < end ? close + 1 : NULL;
        end = close;
    } else {
        const char *colon = memchr(host, ':', n);
        if (colon && memchr(colon + 1, ':', (size_t)(host + n - colon - 1))) return false;
        port = colon;
        end = colon ? colon : end;
    }
    if (port) {
        size_t pl = (size_t)(host + n - port - 1), d = strspn(port + 1, DIGITS);
        if (port[0] != ':' || !pl || (d < pl)) return false;
    }
    size_t nl = (size_t)(end - start);
    if (!nl || nl >= len) return false;
    memcpy(name, start, nl);
    name[nl] = '\0';
    return true;
}

bool mt_dash_addr_host_ok(const mt_dash_addr *a, const char *host)
{
    char name[256], self[256];
    unsigned char ip[16], bound[16];
    bool v6;
    if (!host) return true;
    if (!host_name(host, name, sizeof name, &v6)) return false;
    if (!v6 && !strcasecmp(name, "localhost")) return true;
    if (inet_pton(v6 ? AF_INET6 : AF_INET, name, ip) == 1) {
        static const unsigned char lo4[4] = {127, 0, 0, 1}, lo6[16] = {[15] = 1};
        if (a->any || !memcmp(ip, v6 ? lo6 : lo4, v6 ? 16 : 4)) return true;
        return v6 == a->v6 && inet_pton(v6 ? AF_INET6 : AF_INET, a->host, bound) == 1 &&
               !memcmp(ip, bound, v6 ? 16 : 4);
    }
    if (v6 || !a->any || gethostname(self, sizeof self)) return false;
    self[sizeof self - 1] = '\0';
    return !strcasecmp(name, self);
}

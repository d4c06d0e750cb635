/* dashboard_addr.h: --dashboard's address and the Host names it answers.
 *
 * ADDR is PORT, HOST, HOST:PORT, :PORT, [IPv6], [IPv6]:PORT or a bare
 * IPv6 address (no port then); HOST is a numeric IPv4 address or
 * "localhost" (127.0.0.1); left out: 127.0.0.1; no port or 0: a free one.
 *
 * The Host check against DNS rebinding (a web page whose name is made to
 * resolve to 127.0.0.1 would otherwise read the run's events): a request
 * is answered when its Host (any port, or none) is localhost, 127.0.0.1,
 * [::1] or the bound address; bound to every address (0.0.0.0 or ::), any
 * numeric address and this machine's host name too. A request without a
 * Host (HTTP/1.0) is answered: a browser always sends one. */
#ifndef MOLOTOV_DASHBOARD_ADDR_H
#define MOLOTOV_DASHBOARD_ADDR_H

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    char host[64]; /* numeric: "127.0.0.1", "::1", "0.0.0.0" */
    int port;      /* 0: a free one */
    bool v6;
    bool any; /* every address: 0.0.0.0 or :: */
} mt_dash_addr;

/* Parses ADDR (NULL or "": 127.0.0.1 and a free port) into a. Returns
 * MT_OK, or MT_EINVAL with one line in err (no option name in it). */
int mt_dash_addr_parse(const char *addr, mt_dash_addr *a, char *err, size_t errlen);

/* Whether s, the argument after a bare "--dashboard", is meant as its
 * address (one of the forms above, even a wrong port) rather than the
 * scenario or another argument. */
bool mt_dash_addr_like(const char *s);

/* Whether a request whose Host header is host (NULL: none) is answered. */
bool mt_dash_addr_host_ok(const mt_dash_addr *a, const char *host);

#endif

/* statsd.c: a non-blocking UDP StatsD client for per-request metrics. */
#include "molotov/statsd.h"
#include "molotov/common.h"
#include "molotov/url.h"

#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct mt_statsd {
    int fd;
    char hostname[256];
    mt_buf line;
};

/* "udp://HOST:PORT" into host and port. */
static int split_address(const char *address, char *host, size_t hostlen, char *port,
                         size_t portlen)
{
    if (strncmp(address, "udp://", 6) != 0) return MT_EINVAL;
    const char *h = address + 6, *colon;
    if (*h == '[') {
        const char *close = strchr(h, ']');
        if (!close || close[1] != ':') return MT_EINVAL;
        snprintf(host, hostlen, "%.*s", (int)(close - h - 1), h + 1);
        colon = close + 1;
    } else {
        colon = strrchr(h, ':');
        if (!colon || colon == h) return MT_EINVAL;
        snprintf(host, hostlen, "%.*s", (int)(colon - h), h);
    }
    snprintf(port, portlen, "%s", colon + 1);
    return *port ? MT_OK : MT_EINVAL;
}

static int connect_udp(const char *host, const char *port, char *err, size_t errlen)
{
    struct addrinfo hints = {.ai_socktype = SOCK_DGRAM}, *res = NULL;
    int rc = getaddrinfo(host, port, &hints, &res);
    if (rc) {
        snprintf(err, errlen, "--statsd-address: cannot resolve %s:%s (%s)", host, port,
                 gai_strerror(rc));
        return -1;
    }
    int fd = socket(res->ai_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, res->ai_addr, res->ai_addrlen) < 0) {
        snprintf(err, errlen, "--statsd-address: %s", strerror(errno));
        if (fd >= 0) close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    return fd;
}

int mt_statsd_open(const char *address, mt_statsd **out, char *err, size_t errlen)
{
    char host[256], port[32];
    if (split_address(address, host, sizeof(host), port, sizeof(port))) {
        snprintf(err, errlen, "--statsd-address: expected udp://HOST:PORT, got '%s'", address);
        return MT_EINVAL;
    }
    int fd = connect_udp(host, port, err, errlen);
    if (fd < 0) return MT_EIO;
    mt_statsd *s = mt_calloc(1, sizeof(*s));
    s->fd = fd;
    if (gethostname(s->hostname, sizeof(s->hostname) - 1)) strcpy(s->hostname, "localhost");
    mt_buf_init(&s->line);
    *out = s;
    return MT_OK;
}

void mt_statsd_request(mt_statsd *s, const char *method, const char *url, long status, double ms)
{
    char host[256], path[1024], name[1600];
    mt_url_host(url, host, sizeof(host));
    mt_url_path(url, path, sizeof(path));
    snprintf(name, sizeof(name), "molotov.%s.%s.%s.%s", s->hostname, method, host, path);
    mt_buf *b = &s->line;
    mt_buf_reset(b);
    mt_buf_printf(b, "%s:%.3f|ms", name, ms);
    if (status > 0) mt_buf_printf(b, "\n%s.%ld:1|c", name, status);
    /* a full socket buffer or an ICMP refusal just drops this datagram */
    (void)!send(s->fd, b->data, b->len, MSG_DONTWAIT | MSG_NOSIGNAL);
}

void mt_statsd_send(mt_statsd *s, const char *name, double value, const char *type)
{
    mt_buf *b = &s->line;
    mt_buf_reset(b);
    if (value == (double)(long long)value)
        mt_buf_printf(b, "%s:%lld|%s", name, (long long)value, type);
    else
        mt_buf_printf(b, "%s:%.3f|%s", name, value, type);
    (void)!send(s->fd, b->data, b->len, MSG_DONTWAIT | MSG_NOSIGNAL);
}

void mt_statsd_close(mt_statsd *s)
{
    if (!s) return;
    close(s->fd);
    mt_buf_free(&s->line);
    free(s);
}

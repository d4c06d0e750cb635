/* dns.h: name resolution for the native transport: uv_getaddrinfo on the
 * loop's thread pool, with a per-process cache (60 s, as libcurl's), and
 * numeric addresses without a lookup. */
#ifndef MOLOTOV_DNS_H
#define MOLOTOV_DNS_H

#include <stdbool.h>
#include <sys/socket.h>
#include <uv.h>

#define MT_DNS_ADDRS 4 /* addresses kept per name, tried in turn */

typedef struct {
    struct sockaddr_storage addr[MT_DNS_ADDRS];
    int n;
} mt_dns_addrs;

typedef struct mt_dns_query mt_dns_query;

/* A lookup's end: status 0 and the addresses (port set), or a libuv error. */
typedef void (*mt_dns_cb)(void *data, int status, const mt_dns_addrs *a);

/* Resolves host (without []) for port. Returns 1 with *out filled when the
 * answer is known at once (a number, or the cache), 0 when cb will be
 * called from the loop (*q is the lookup, for mt_dns_cancel), or a
 * negative libuv error. */
int mt_dns_resolve(uv_loop_t *loop, const char *host, int port, mt_dns_addrs *out, mt_dns_cb cb,
                   void *data, mt_dns_query **q);

/* Forgets a lookup in flight: its cb is not called. */
void mt_dns_cancel(mt_dns_query *q);

/* Empties the cache (at exit, and for tests). */
void mt_dns_flush(void);

#endif

/* dns.c: the native transport's name resolution (dns.h). A lookup runs on
 * libuv's thread pool; its answer (up to MT_DNS_ADDRS addresses) is cached
 * per process for 60 s, keyed by name, the port set on each use. A lookup
 * in flight lives on the heap, so a cancelled one can end on its own. */
#include "molotov/dns.h"
#include "molotov/common.h"

#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define CACHE_SLOTS 64
#define CACHE_TTL_NS (60ull * 1000000000ull)

typedef struct {
    char name[256];
    mt_dns_addrs a;
    uint64_t expires;
} entry;

static entry cache[CACHE_SLOTS];
static unsigned next_slot;

struct mt_dns_query {
    uv_getaddrinfo_t req;
    mt_dns_cb cb; /* NULL once cancelled */
    void *data;
    int port;
    char name[256];
};

static void set_port(mt_dns_addrs *a, int port)
{
    for (int i = 0; i < a->n; i++) {
        struct sockaddr *sa = (struct sockaddr *)&a->addr[i];
        if (sa->sa_family == AF_INET6)
            ((struct sockaddr_in6 *)sa)->sin6_port = htons((uint16_t)port);
        else
            ((struct sockaddr_in *)sa)->sin_port = htons((uint16_t)port);
    }
}

/* A numeric address into *out (left as it was for a name). */
static bool numeric(const char *host, int port, mt_dns_addrs *out)
{
    struct sockaddr_storage a;
    if (uv_ip4_addr(host, port, (struct sockaddr_in *)&a) != 0 &&
        uv_ip6_addr(host, port, (struct sockaddr_in6 *)&a) != 0)
        return false;
    out->addr[0] = a;
    out->n = 1;
    return true;
}

static entry *cached(const char *host)
{
    uint64_t now = mt_now_ns();
    for (int i = 0; i < CACHE_SLOTS; i++)
        if (cache[i].expires > now && strcasecmp(cache[i].name, host) == 0) return &cache[i];
    return NULL;
}

static void remember(const char *host, const mt_dns_addrs *a)
{
    entry *e = cached(host);
    if (!e) e = &cache[next_slot++ % CACHE_SLOTS];
    mt_strlcpyn(e->name, sizeof e->name, host, strlen(host));
    e->a = *a;
    e->expires = mt_now_ns() + CACHE_TTL_NS;
}

static void on_resolved(uv_getaddrinfo_t *req, int status, struct addrinfo *res)
{
    mt_dns_query *q = req->data;
    mt_dns_addrs a = {.n = 0};
    for (struct addrinfo *p = res; status == 0 && p && a.n < MT_DNS_ADDRS; p = p->ai_next) {
        if (p->ai_family != AF_INET && p->ai_family != AF_INET6) continue;
        memcpy(&a.addr[a.n++], p->ai_addr, p->ai_addrlen);
    }
    uv_freeaddrinfo(res);
    if (status == 0 && a.n == 0) status = UV_EAI_NONAME;
    if (status == 0) remember(q->name, &a);
    set_port(&a, q->port);
    if (q->cb) q->cb(q->data, status, &a);
    free(q);
}

int mt_dns_resolve(uv_loop_t *loop, const char *host, int port, mt_dns_addrs *out, mt_dns_cb cb,
                   void *data, mt_dns_query **qp)
{
    *qp = NULL;
    if (numeric(host, port, out)) return 1;
    entry *e = cached(host);
    if (e) {
        *out = e->a;
        set_port(out, port);
        return 1;
    }
    mt_dns_query *q = mt_calloc(1, sizeof(*q));
    q->cb = cb;
    q->data = data;
    q->port = port;
    mt_strlcpyn(q->name, sizeof q->name, host, strlen(host));
    q->req.data = q;
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
    int rc = uv_getaddrinfo(loop, &q->req, on_resolved, q->name, NULL, &hints);
    if (rc) {
        free(q);
        return rc;
    }
    *qp = q;
    return 0;
}

void mt_dns_cancel(mt_dns_query *q)
{
    if (!q) return;
    q->cb = NULL;
    uv_cancel((uv_req_t *)&q->req); /* if it has not started; it ends on its own otherwise */
}

void mt_dns_flush(void)
{
    memset(cache, 0, sizeof cache);
    next_slot = 0;
}

/* test_dns.c: the native transport's name resolution (src/dns.c) on a real
 * loop: numeric IPv4 and IPv6 addresses at once, "localhost" through the
 * loop's thread pool and then from the cache (another port set on each
 * use, any case), mt_dns_flush forgetting it, a cancelled lookup whose
 * callback never comes, a name that cannot resolve (not cached). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "molotov/dns.h"

typedef struct {
    int calls, status;
    mt_dns_addrs a;
} answer;

static void on_answer(void *data, int status, const mt_dns_addrs *a)
{
    answer *w = data;
    w->calls++;
    w->status = status;
    w->a = *a;
}

static int port_of(const struct sockaddr_storage *ss)
{
    if (ss->ss_family == AF_INET6) return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
    return ntohs(((const struct sockaddr_in *)ss)->sin_port);
}

static bool loopback(const struct sockaddr_storage *ss)
{
    if (ss->ss_family == AF_INET6)
        return IN6_IS_ADDR_LOOPBACK(&((const struct sockaddr_in6 *)ss)->sin6_addr);
    return ss->ss_family == AF_INET &&
           (ntohl(((const struct sockaddr_in *)ss)->sin_addr.s_addr) >> 24) == 127;
}

static void test_numeric_at_once(void **state)
{
    (void)state;
    uv_loop_t loop;
    uv_loop_init(&loop);
    answer w = {0};
    mt_dns_addrs out;
    mt_dns_query *q = (mt_dns_query *)&w;
    assert_int_equal(mt_dns_resolve(&loop, "127.0.0.1", 8080, &out, on_answer, &w, &q), 1);
    assert_null(q);
    assert_int_equal(out.n, 1);
    assert_int_equal(out.addr[0].ss_family, AF_INET);
    assert_int_equal(port_of(&out.addr[0]), 8080);
    assert_true(loopback(&out.addr[0]));
    assert_int_equal(mt_dns_resolve(&loop, "::1", 81, &out, on_answer, &w, &q), 1);
    assert_int_equal(out.n, 1);
    assert_int_equal(out.addr[0].ss_family, AF_INET6);
    assert_int_equal(port_of(&out.addr[0]), 81);
    assert_true(loopback(&out.addr[0]));
    assert_int_equal(uv_run(&loop, UV_RUN_DEFAULT), 0); /* nothing was started */
    assert_int_equal(w.calls, 0);
    assert_int_equal(uv_loop_close(&loop), 0);
}

/* Resolves name on loop through the pool; returns the answer. */
static answer looked_up(uv_loop_t *loop, const char *name, int port)
{
    answer w = {0};
    mt_dns_addrs out;
    mt_dns_query *q = NULL;
    assert_int_equal(mt_dns_resolve(loop, name, port, &out, on_answer, &w, &q), 0);
    assert_non_null(q);
    assert_int_equal(w.calls, 0); /* never from inside the call */
    uv_run(loop, UV_RUN_DEFAULT);
    assert_int_equal(w.calls, 1);
    return w;
}

static void test_localhost_then_cached(void **state)
{
    (void)state;
    uv_loop_t loop;
    uv_loop_init(&loop);
    mt_dns_flush();
    answer w = looked_up(&loop, "localhost", 8080);
    assert_int_equal(w.status, 0);
    assert_true(w.a.n >= 1 && w.a.n <= MT_DNS_ADDRS);
    for (int i = 0; i < w.a.n; i++) {
        assert_true(loopback(&w.a.addr[i]));
        assert_int_equal(port_of(&w.a.addr[i]), 8080);
    }
    /* cached: at once, with this call's port, whatever the case */
    answer none = {0};
    mt_dns_addrs out;
    mt_dns_query *q = NULL;
    assert_int_equal(mt_dns_resolve(&loop, "localhost", 9090, &out, on_answer, &none, &q), 1);
    assert_null(q);
    assert_int_equal(out.n, w.a.n);
    for (int i = 0; i < out.n; i++) {
        assert_int_equal(out.addr[i].ss_family, w.a.addr[i].ss_family);
        assert_int_equal(port_of(&out.addr[i]), 9090);
    }
    assert_int_equal(mt_dns_resolve(&loop, "LocalHost", 1, &out, on_answer, &none, &q), 1);
    assert_int_equal(port_of(&out.addr[0]), 1);
    /* flushed: through the loop again */
    mt_dns_flush();
    w = looked_up(&loop, "localhost", 8081);
    assert_int_equal(w.status, 0);
    assert_int_equal(port_of(&w.a.addr[0]), 8081);
    assert_int_equal(none.calls, 0);
    mt_dns_flush();
    assert_int_equal(uv_loop_close(&loop), 0);
}

static void test_cancel(void **state)
{
    (void)state;
    uv_loop_t loop;
    uv_loop_init(&loop);
    mt_dns_flush();
    answer w = {0};
    mt_dns_addrs out;
    mt_dns_query *q = NULL;
    assert_int_equal(mt_dns_resolve(&loop, "localhost", 80, &out, on_answer, &w, &q), 0);
    assert_non_null(q);
    mt_dns_cancel(q);
    mt_dns_cancel(NULL);           /* nothing */
    uv_run(&loop, UV_RUN_DEFAULT); /* the lookup ends on its own, freed (ASan, valgrind) */
    assert_int_equal(w.calls, 0);
    /* two at once, the first cancelled: only the second answers */
    mt_dns_flush();
    answer a = {0}, b = {0};
    mt_dns_query *qa = NULL, *qb = NULL;
    assert_int_equal(mt_dns_resolve(&loop, "localhost", 80, &out, on_answer, &a, &qa), 0);
    assert_int_equal(mt_dns_resolve(&loop, "localhost", 81, &out, on_answer, &b, &qb), 0);
    mt_dns_cancel(qa);
    uv_run(&loop, UV_RUN_DEFAULT);
    assert_int_equal(a.calls, 0);
    assert_int_equal(b.calls, 1);
    assert_int_equal(b.status, 0);
    assert_int_equal(port_of(&b.a.addr[0]), 81);
    mt_dns_flush();
    assert_int_equal(uv_loop_close(&loop), 0);
}

static void test_failure_not_cached(void **state)
{
    (void)state;
    uv_loop_t loop;
    uv_loop_init(&loop);
    mt_dns_flush();
    answer w = looked_up(&loop, "nonexistent.invalid", 80);
    assert_true(w.status < 0);
    assert_int_equal(w.a.n, 0);
    w = looked_up(&loop, "nonexistent.invalid", 80); /* asked again, not remembered */
    assert_true(w.status < 0);
    assert_int_equal(uv_loop_close(&loop), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_numeric_at_once),
        cmocka_unit_test(test_localhost_then_cached),
        cmocka_unit_test(test_cancel),
        cmocka_unit_test(test_failure_not_cached),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

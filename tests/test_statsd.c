/* test_statsd.c: the StatsD datagrams as a UDP listener receives them, and
 * the address checks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "molotov/common.h"
#include "molotov/statsd.h"

static int listener(int *port)
{
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
    socklen_t len = sizeof(a);
    getsockname(fd, (struct sockaddr *)&a, &len);
    *port = ntohs(a.sin_port);
    struct timeval tv = {.tv_sec = 2};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    return fd;
}

static void test_timing_and_counter_in_one_datagram(void **state)
{
    (void)state;
    int port, fd = listener(&port);
    char addr[64], err[256], host[256] = "", want[1024], got[2048];
    snprintf(addr, sizeof(addr), "udp://127.0.0.1:%d", port);
    mt_statsd *s = NULL;
    assert_int_equal(mt_statsd_open(addr, &s, err, sizeof(err)), MT_OK);
    gethostname(host, sizeof(host) - 1);

    mt_statsd_request(s, "GET", "http://u:p@example.test:8080/a/b?q=1#f", 200, 12.5);
    ssize_t n = recv(fd, got, sizeof(got) - 1, 0);
    assert_true(n > 0);
    got[n] = '\0';
    snprintf(want, sizeof(want),
             "molotov.%s.GET.example.test./a/b:12.500|ms\nmolotov.%s.GET.example.test./a/b.200:1|c",
             host, host);
    assert_string_equal(got, want);

    mt_statsd_request(s, "POST", "http://[::1]:9", 0, 3); /* no answer: timing only */
    n = recv(fd, got, sizeof(got) - 1, 0);
    got[n] = '\0';
    snprintf(want, sizeof(want), "molotov.%s.POST.::1./:3.000|ms", host);
    assert_string_equal(got, want);
    mt_statsd_close(s);
    close(fd);
}

static void test_bad_addresses(void **state)
{
    (void)state;
    const char *bad[] = {"127.0.0.1:8125",  "tcp://127.0.0.1:8125",
                         "udp://127.0.0.1", "udp://:8125",
                         "udp://[::1]8125", "udp://nonexistent.invalid:8125"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
        mt_statsd *s = NULL;
        char err[256] = "";
        assert_int_not_equal(mt_statsd_open(bad[i], &s, err, sizeof(err)), MT_OK);
        assert_null(s);
        assert_non_null(strstr(err, "--statsd-address"));
    }
}

static void test_nobody_listening_does_not_block(void **state)
{
    (void)state;
    int port, fd = listener(&port);
    close(fd); /* the port is now closed: sends draw ICMP refusals */
    char addr[64], err[256];
    snprintf(addr, sizeof(addr), "udp://127.0.0.1:%d", port);
    mt_statsd *s = NULL;
    assert_int_equal(mt_statsd_open(addr, &s, err, sizeof(err)), MT_OK);
    uint64_t t0 = mt_now_ns();
    for (int i = 0; i < 10000; i++) mt_statsd_request(s, "GET", "http://h/", 200, 1);
    assert_true(mt_now_ns() - t0 < 2000000000ull);
    mt_statsd_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_timing_and_counter_in_one_datagram),
        cmocka_unit_test(test_bad_addresses),
        cmocka_unit_test(test_nobody_listening_does_not_block),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

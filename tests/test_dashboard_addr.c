/* test_dashboard_addr.c: --dashboard's address (src/dashboard_addr.c):
 * every form parsed (numeric, localhost, IPv6 bare or in brackets) and
 * the messages of the bad ones; which arguments after a bare --dashboard
 * are taken as its address; the Host names answered, bound to loopback,
 * to another address, and to every address. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "molotov/common.h"
#include "molotov/dashboard_addr.h"

static void test_parse_forms(void **state)
{
    (void)state;
    const struct {
        const char *in, *host;
        int port;
        bool v6, any;
    } ok[] = {{NULL, "127.0.0.1", 0, false, false},
              {"", "127.0.0.1", 0, false, false},
              {"8089", "127.0.0.1", 8089, false, false},
              {":9000", "127.0.0.1", 9000, false, false},
              {"0", "127.0.0.1", 0, false, false},
              {"65535", "127.0.0.1", 65535, false, false},
              {"0.0.0.0:80", "0.0.0.0", 80, false, true},
              {"0.0.0.0", "0.0.0.0", 0, false, true},
              {"192.168.1.5", "192.168.1.5", 0, false, false},
              {"localhost", "127.0.0.1", 0, false, false},
              {"LOCALHOST:8089", "127.0.0.1", 8089, false, false},
              {"::1", "::1", 0, true, false},
              {"0:0:0:0:0:0:0:1", "::1", 0, true, false},
              {"[::1]", "::1", 0, true, false},
              {"[::1]:8089", "::1", 8089, true, false},
              {"[::]:80", "::", 80, true, true},
              {"::", "::", 0, true, true},
              {"fe80::1", "fe80::1", 0, true, false}};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        mt_dash_addr a;
        char err[256];
        assert_int_equal(mt_dash_addr_parse(ok[i].in, &a, err, sizeof err), MT_OK);
        assert_string_equal(a.host, ok[i].host);
        assert_int_equal(a.port, ok[i].port);
        assert_int_equal(a.v6, ok[i].v6);
        assert_int_equal(a.any, ok[i].any);
    }
}

static void test_parse_errors(void **state)
{
    (void)state;
    const struct {
        const char *in, *err;
    } bad[] = {
        {"70000", "port 70000 is over 65535"},
        {"99999999999", "port 99999999999 is over 65535"},
        {"localhost:99999", "port 99999 is over 65535"},
        {"host:", "expected PORT, HOST, HOST:PORT, :PORT or [IPv6]:PORT, got 'host:'"},
        {":-1", "expected PORT, HOST, HOST:PORT, :PORT or [IPv6]:PORT, got ':-1'"},
        {"1.2.3.4:80x", "expected PORT, HOST, HOST:PORT, :PORT or [IPv6]:PORT, got '1.2.3.4:80x'"},
        {"[::1", "expected PORT, HOST, HOST:PORT, :PORT or [IPv6]:PORT, got '[::1'"},
        {"[::1]8089", "expected PORT, HOST, HOST:PORT, :PORT or [IPv6]:PORT, got '[::1]8089'"},
        {"x", "'x' is not an IP address or localhost"},
        {"example.com:80", "'example.com' is not an IP address or localhost"},
        {"1.2.3:80", "'1.2.3' is not an IP address or localhost"},
        {"[1.2.3.4]:80", "'1.2.3.4' is not an IPv6 address"},
        {"[]:80", "'' is not an IPv6 address"},
        {"::1:x", "'::1:x' is not an IPv6 address"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        mt_dash_addr a;
        char err[256];
        assert_int_equal(mt_dash_addr_parse(bad[i].in, &a, err, sizeof err), MT_EINVAL);
        assert_string_equal(err, bad[i].err);
    }
}

static void test_like(void **state)
{
    (void)state;
    const char *yes[] = {"8089",      "99999",      ":9000",  "localhost", "localhost:80",
                         "127.0.0.1", "0.0.0.0:80", "::1",    "[::1]",     "[::1]:8089",
                         "1.2.3",     "foo:80",     "fe80::1"};
    const char *no[] = {"x.lua", "loadtest.lua", "a/b:1", "./8089", "", "foo:bar", "-w", "foo:"};
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) assert_true(mt_dash_addr_like(yes[i]));
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++) assert_false(mt_dash_addr_like(no[i]));
}

static mt_dash_addr addr_of(const char *s)
{
    mt_dash_addr a;
    char err[256];
    assert_int_equal(mt_dash_addr_parse(s, &a, err, sizeof err), MT_OK);
    return a;
}

static void test_host_names(void **state)
{
    (void)state;
    char self[256];
    assert_int_equal(gethostname(self, sizeof self), 0);
    mt_dash_addr lo = addr_of("127.0.0.1:8089"), lo6 = addr_of("[::1]:8089");
    mt_dash_addr other = addr_of("127.0.0.2"), lan = addr_of("192.168.1.5:8089");
    mt_dash_addr any = addr_of("0.0.0.0:8089");
    const char *always[] = {NULL,          "localhost", "LOCALHOST:8089", "127.0.0.1",
                            "127.0.0.1:1", "[::1]",     "[::1]:8089",     "localhost \t"};
    for (size_t i = 0; i < sizeof always / sizeof always[0]; i++) {
        assert_true(mt_dash_addr_host_ok(&lo, always[i]));
        assert_true(mt_dash_addr_host_ok(&lo6, always[i]));
        assert_true(mt_dash_addr_host_ok(&lan, always[i]));
        assert_true(mt_dash_addr_host_ok(&any, always[i]));
    }
    const char *never[] = {"",
                           "evil.example",
                           "evil.example:8089",
                           "localhost.evil",
                           "localhost:",
                           "localhost:x",
                           "[::1",
                           "[::1]x",
                           "a:b:c",
                           "::1"};
    for (size_t i = 0; i < sizeof never / sizeof never[0]; i++) {
        assert_false(mt_dash_addr_host_ok(&lo, never[i]));
        assert_false(mt_dash_addr_host_ok(&any, never[i]));
    }
    /* the bound address itself */
    assert_true(mt_dash_addr_host_ok(&other, "127.0.0.2:8089"));
    assert_false(mt_dash_addr_host_ok(&lo, "127.0.0.2:8089"));
    assert_true(mt_dash_addr_host_ok(&lan, "192.168.1.5:8089"));
    assert_false(mt_dash_addr_host_ok(&lan, "192.168.1.6:8089"));
    bool named = strcasecmp(self, "localhost") != 0; /* a name of its own */
    if (named) assert_false(mt_dash_addr_host_ok(&lan, self));
    /* every address: any numeric one, and this machine's name */
    assert_true(mt_dash_addr_host_ok(&any, "192.168.1.6:8089"));
    assert_true(mt_dash_addr_host_ok(&any, "[fe80::1]:8089"));
    assert_true(mt_dash_addr_host_ok(&any, self));
    if (named) assert_false(mt_dash_addr_host_ok(&lo, self));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_forms),
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_like),
        cmocka_unit_test(test_host_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

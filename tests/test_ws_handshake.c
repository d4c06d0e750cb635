/* test_ws_handshake.c: the WebSocket opening handshake
 * (src/ws_handshake.c): the upgrade request a client sends, and the checks
 * of the answer, with the key and accept value of RFC 6455's own example.
 * (The Lua face and a connection are tests/test_ws.c's; frames against an
 * independent server tests/e2e/test_websocket.py's.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "molotov/ws_handshake.h"

#define KEY "dGhlIHNhbXBsZSBub25jZQ=="
#define ACCEPT "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="

static void test_request(void **state)
{
    (void)state;
    mt_buf b;
    mt_buf_init(&b);
    mt_ws_handshake_request(&b, "wss://u:pw@chat.example:8443/room/1?x=2#frag", KEY, "X-A: 1\r\n");
    assert_string_equal(b.data, "GET /room/1?x=2 HTTP/1.1\r\n"
                                "Host: chat.example:8443\r\n"
                                "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                                "Sec-WebSocket-Key: " KEY "\r\n"
                                "Sec-WebSocket-Version: 13\r\n"
                                "X-A: 1\r\n\r\n");
    mt_buf_reset(&b);
    mt_ws_handshake_request(&b, "ws://h", KEY, NULL);
    assert_non_null(strstr(b.data, "GET / HTTP/1.1\r\nHost: h\r\n"));
    mt_buf_free(&b);
}

static int parse(const char *text, long *status, size_t *hlen)
{
    return mt_ws_handshake_parse(text, strlen(text), KEY, status, hlen);
}

static void test_answers(void **state)
{
    (void)state;
    long status;
    size_t hlen;
    const char *ok = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                     "Connection: Upgrade\r\nSec-WebSocket-Accept: " ACCEPT "\r\n\r\n";
    assert_int_equal(parse(ok, &status, &hlen), 0);
    assert_int_equal(status, 101);
    assert_int_equal(hlen, strlen(ok));
    /* frames right after the answer are not part of it */
    char more[512];
    snprintf(more, sizeof more, "%s\x81\x02hi", ok);
    assert_int_equal(mt_ws_handshake_parse(more, strlen(ok) + 4, KEY, &status, &hlen), 0);
    assert_int_equal(hlen, strlen(ok));
    /* incomplete, then the parts a server may get wrong */
    assert_int_equal(mt_ws_handshake_parse(ok, strlen(ok) - 2, KEY, &status, &hlen), 1);
    assert_int_equal(parse("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n", &status, &hlen),
                     -1);
    assert_int_equal(status, 404);
    assert_int_equal(parse("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                           "Connection: Upgrade\r\nSec-WebSocket-Accept: wrong=\r\n\r\n",
                           &status, &hlen),
                     -1);
    assert_int_equal(parse("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\n"
                           "Sec-WebSocket-Accept: " ACCEPT "\r\n\r\n",
                           &status, &hlen),
                     -1); /* no Upgrade */
    assert_int_equal(parse("garbage\r\n\r\n", &status, &hlen), -1);
    assert_int_equal(status, 0);
    /* names and tokens are case-insensitive */
    assert_int_equal(parse("HTTP/1.1 101 x\r\nupgrade: WebSocket\r\nCONNECTION: keep-alive, Upgrade"
                           "\r\nsec-websocket-accept:" ACCEPT "  \r\n\r\n",
                           &status, &hlen),
                     0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_request),
        cmocka_unit_test(test_answers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

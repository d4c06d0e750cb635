/* test_ws.c: WebSockets as scripts see them (src/ws.c) and a connection
 * below them (src/ws_conn.c), on a worker of the test's own
 * (worker_helpers.h): the option and URL checks, calls outside a worker, a
 * connection refused or an upgrade refused (molotov-serve answers a plain
 * 200) recorded on the handshake's row, and a whole conversation with a
 * tiny RFC 6455 server on a loopback socket in this file (a frame sent with
 * the 101, an echo after a pause, its close): messages, kinds, a receive
 * that times out and leaves the connection usable, the counts on the row,
 * and every call on the closed object. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <pthread.h>
#include <sys/socket.h>

#include "worker_helpers.h"

static const char *SCRIPT =
    "molotov.scenario('x', 1, function(s) end)\n"
    "local function bare(e) return (tostring(e):gsub('^.-:%d+: ', '')) end\n"
    "function connect(s, url, opts)\n"
    "  local ok, e = pcall(s.ws_connect, s, url, opts)\n"
    "  assert(not ok, 'connected')\n"
    "  return bare(e)\n"
    "end\n"
    "function keep(s) S = s end\n"
    "function outside(url) local ok, e = pcall(S.ws_connect, S, url) return bare(e) end\n"
    "function chat(s, url)\n"
    "  local ws, out = s:ws_connect(url), {}\n"
    "  local function say(...) out[#out + 1] = table.concat({...}, ' ') end\n"
    "  say(ws.url, tostring(ws.closed), tostring(ws))\n"
    "  say(ws:receive())\n" /* came with the 101 */
    "  ws:send('hello')\n"
    "  local ok, e = pcall(ws.receive, ws, 0.1)\n" /* the echo comes 300 ms later */
    "  say(bare(e), tostring(ws.closed))\n"
    "  say(ws:receive())\n"
    "  local d, kind, code = ws:receive()\n"
    "  say(kind, code, '[' .. d .. ']', tostring(ws.closed), tostring(ws))\n"
    "  for _, c in ipairs({{ws.send, 'x'}, {ws.send_binary, 'x'}, {ws.ping}, {ws.receive}}) do\n"
    "    say(bare(select(2, pcall(c[1], ws, c[2]))))\n"
    "  end\n"
    "  say(select('#', ws:close()))\n" /* closing a closed one does nothing */
    "  return table.concat(out, '\\n')\n"
    "end\n";

typedef wfx_served fx;

static int setup(void **state)
{
    *state = wfx_served_new(SCRIPT, NULL);
    return 0;
}

static const mt_req_stats *row(const mt_stats *s, const char *label)
{
    for (int i = 0; i < s->nreqs; i++)
        if (strcmp(s->reqs[i].label, label) == 0) return &s->reqs[i];
    fail_msg("no row '%s'", label);
    return NULL;
}

/* A loopback port nobody listens on (just closed). */
static int closed_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    socklen_t len = sizeof a;
    getsockname(fd, (struct sockaddr *)&a, &len);
    close(fd);
    return ntohs(a.sin_port);
}

static void test_checks_before_connecting(void **state)
{
    fx *x = *state;
    static const struct {
        const char *args, *err;
    } cases[] = {
        {"'http://h/chat'", "ws_connect needs a ws:// or wss:// URL, not 'http://h/chat'"},
        {"'h/chat'", "ws_connect needs a ws:// or wss:// URL, not 'h/chat'"},
        {"'ws://h/', {bogus = 1}", "unknown ws_connect option 'bogus'"},
        {"'ws://h/', {json = {}}", "unknown ws_connect option 'json'"},
        {"'ws://h/', {timeout = -1}", "timeout must be a positive number of seconds"},
        {"'ws://h/', {timeout = 'soon'}", "timeout must be a positive number of seconds"},
        {"'ws://h/', {auth = {'u'}}", "auth must be { user, password }"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        assert_string_equal(wfx_run(x->f, "connect", cases[i].args, true), cases[i].err);
    assert_int_equal(x->f->stats.requests, 0);
    assert_int_equal(x->f->stats.nreqs, 0);
    assert_null(x->f->host.websockets); /* none made */
    /* from the main state, outside any worker */
    wfx_run(x->f, "keep", "", true);
    lua_State *L = x->f->script->L;
    lua_getglobal(L, "outside");
    lua_pushliteral(L, "ws://h/");
    assert_int_equal(lua_pcall(L, 1, 1, 0), LUA_OK);
    assert_string_equal(lua_tostring(L, -1),
                        "WebSocket calls can only be made from a scenario or a fixture");
    lua_pop(L, 1);
}

static void test_refused_connections_are_recorded(void **state)
{
    fx *x = *state;
    wfx *f = x->f;
    char args[128], want[128];
    int port = closed_port();
    snprintf(args, sizeof args, "'ws://127.0.0.1:%d/chat'", port);
    snprintf(want, sizeof want, "connection refused: ws://127.0.0.1:%d/chat", port);
    assert_string_equal(wfx_run(f, "connect", args, true), want);
    const mt_req_stats *r = row(&f->stats, "WS /chat");
    assert_int_equal(r->count, 1);
    assert_int_equal(r->failed, 1);
    assert_int_equal(r->nkinds, 1);
    assert_string_equal(r->kinds[0].kind, "connection refused");
    /* an HTTP server that answers the upgrade with a plain 200 */
    snprintf(args, sizeof args, "'ws://u:secret@127.0.0.1:%d/json', {name = 'api'}", x->port);
    snprintf(want, sizeof want, "upgrade refused: ws://127.0.0.1:%d/json (status 200)", x->port);
    assert_string_equal(wfx_run(f, "connect", args, true), want); /* no userinfo shown */
    r = row(&f->stats, "api");
    assert_string_equal(r->origin, ""); /* a named row, whatever the host */
    assert_int_equal(r->count, 1);
    assert_int_equal(r->status[200], 1);
    assert_int_equal(r->failed, 1);
    assert_int_equal(f->stats.requests, 2);
    assert_int_equal(f->stats.failed_requests, 2);
    assert_null(f->host.websockets); /* both shut */
}

/* ---- a tiny WebSocket server ---- */

typedef struct {
    int fd, port;
    pthread_t thread;
    char got[64]; /* the client's message, unmasked */
    int close_code;
} wsd;

static bool read_n(int c, void *buf, size_t n)
{
    for (size_t off = 0; off < n;) {
        ssize_t k = recv(c, (char *)buf + off, n - off, 0);
        if (k <= 0) return false;
        off += (size_t)k;
    }
    return true;
}

/* One frame of the client (masked, under 126 bytes): its opcode, payload. */
static int read_frame(int c, char *payload, size_t cap)
{
    unsigned char h[2], mask[4];
    if (!read_n(c, h, 2) || !(h[1] & 0x80) || (h[1] & 0x7f) >= 126) return -1;
    size_t n = h[1] & 0x7f;
    if (n >= cap || !read_n(c, mask, 4) || !read_n(c, payload, n)) return -1;
    for (size_t i = 0; i < n; i++) payload[i] ^= (char)mask[i % 4];
    payload[n] = '\0';
    return h[0] & 0x0f;
}

static void send_all(int c, const void *p, size_t n)
{
    assert_int_equal(send(c, p, n, MSG_NOSIGNAL), (ssize_t)n);
}

static void *wsd_run(void *arg)
{
    wsd *d = arg;
    int c = accept(d->fd, NULL, NULL);
    char head[2048] = "";
    size_t len = 0;
    while (!strstr(head, "\r\n\r\n") && len < sizeof head - 1) {
        ssize_t k = recv(c, head + len, sizeof head - 1 - len, 0);
        if (k <= 0) break;
        len += (size_t)k;
        head[len] = '\0';
    }
    const char *k = strstr(head, "Sec-WebSocket-Key: ");
    char key[128] = "", accept_b64[64];
    if (k) snprintf(key, sizeof key, "%.*s258EAFA5-E914-47DA-95CA-C5AB0DC85B11", 24, k + 19);
    unsigned char sha[SHA_DIGEST_LENGTH];
    SHA1((const unsigned char *)key, strlen(key), sha);
    EVP_EncodeBlock((unsigned char *)accept_b64, sha, sizeof sha);
    char out[512];
    int n = snprintf(out, sizeof out,
                     "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                     "Connection: Upgrade\r\nSec-WebSocket-Accept: %s\r\n\r\n"
                     "\x81\x02hi",
                     accept_b64); /* the first frame right behind the answer */
    send_all(c, out, (size_t)n);
    char msg[64];
    if (read_frame(c, msg, sizeof msg) == 1) snprintf(d->got, sizeof d->got, "%s", msg);
    usleep(300 * 1000);
    n = snprintf(out, sizeof out, "\x81%cecho:%s", (char)(5 + strlen(d->got)), d->got);
    send_all(c, out, (size_t)n);
    send_all(c, "\x88\x04\x03\xe8ok", 6); /* close: 1000, "ok" */
    if (read_frame(c, msg, sizeof msg) == 8)
        d->close_code = ((unsigned char)msg[0] << 8) | (unsigned char)msg[1];
    close(c);
    return NULL;
}

static wsd *wsd_start(void)
{
    wsd *d = calloc(1, sizeof *d);
    d->fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    assert_int_equal(bind(d->fd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(d->fd, 1), 0);
    socklen_t len = sizeof a;
    getsockname(d->fd, (struct sockaddr *)&a, &len);
    d->port = ntohs(a.sin_port);
    assert_int_equal(pthread_create(&d->thread, NULL, wsd_run, d), 0);
    return d;
}

static void test_a_conversation_and_the_closed_object(void **state)
{
    fx *x = *state;
    wfx *f = x->f;
    wsd *d = wsd_start();
    char args[64], want[1024];
    snprintf(args, sizeof args, "'ws://127.0.0.1:%d/chat?room=1'", d->port);
    const char *got = wfx_run(f, "chat", args, true);
    const char *u = strchr(args, 'w');
    int ul = (int)strlen(u) - 1; /* the URL without its closing quote */
    snprintf(want, sizeof want,
             "%.*s false <WebSocket %.*s>\n"
             "hi text\n"
             "timeout: %.*s false\n"
             "echo:hello text\n"
             "close 1000 [ok] true <WebSocket %.*s (closed)>\n"
             "closed: %.*s\nclosed: %.*s\nclosed: %.*s\nclosed: %.*s\n"
             "0",
             ul, u, ul, u, ul, u, ul, u, ul, u, ul, u, ul, u, ul, u);
    assert_string_equal(got, want);
    pthread_join(d->thread, NULL);
    assert_string_equal(d->got, "hello");
    assert_int_equal(d->close_code, 1000); /* the peer's close answered */
    const mt_req_stats *r = row(&f->stats, "WS /chat");
    assert_int_equal(r->count, 1); /* the handshake */
    assert_int_equal(r->status[101], 1);
    assert_int_equal(r->failed, 0);
    assert_int_equal(r->msgs_out, 1);
    assert_int_equal(r->bytes_out, 5);
    assert_int_equal(r->msgs_in, 2); /* the close is no message */
    assert_int_equal(r->bytes_in, 2 + 10);
    assert_null(f->host.websockets); /* shut once both closes went */
    close(d->fd);
    free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_checks_before_connecting, setup, wfx_served_teardown),
        cmocka_unit_test_setup_teardown(test_refused_connections_are_recorded, setup,
                                        wfx_served_teardown),
        cmocka_unit_test_setup_teardown(test_a_conversation_and_the_closed_object, setup,
                                        wfx_served_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

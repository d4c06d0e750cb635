/* listen.c: molotov-serve's server: the listening socket (a numeric address
 * or "localhost", port 0 for a free one), accepting connections, the server's
 * lifetime (freed once its listener and its last connection are closed) and
 * the API of serve.h. */
#include "conn.h"

#include "molotov/common.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define BACKLOG 1024

static void server_maybe_free(mt_server *s)
{
    if (!s->stopping || !s->listener_closed || s->conns) return;
    mt_serve_routes_free(&s->routes);
    free(s->xs);
    free(s);
}

static void on_connection(uv_stream_t *l, int status)
{
    mt_server *s = l->data;
    if (status < 0 || s->stopping) return;
    mt_serve_conn_accept(s);
}

static void ignore_sigpipe(void)
{
    struct sigaction sa;
    if (sigaction(SIGPIPE, NULL, &sa) != 0 || sa.sa_handler != SIG_DFL) return;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_IGN;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGPIPE, &sa, NULL);
}

/* A listening, non-blocking socket on host:port, or MT_EINVAL / MT_EIO. */
static int open_listener(const char *host, int port, int *fd_out)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
    hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV;
    char service[8];
    snprintf(service, sizeof service, "%d", port);
    struct addrinfo *ai;
    if (strcmp(host, "localhost") == 0) host = "127.0.0.1";
    if (getaddrinfo(host, service, &hints, &ai) != 0) return MT_EINVAL;
    int one = 1;
    int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    bool ok = fd >= 0 && setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == 0 &&
              bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, BACKLOG) == 0;
    int err = errno;
    freeaddrinfo(ai);
    if (!ok && fd >= 0) close(fd);
    errno = err;
    if (!ok) return MT_EIO;
    *fd_out = fd;
    return MT_OK;
}

static int bound_port(int fd)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0) return 0;
    if (ss.ss_family == AF_INET6) return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
    return ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

static void on_listener_closed(uv_handle_t *h)
{
    mt_server *s = h->data;
    s->listener_closed = true;
    server_maybe_free(s);
}

static mt_server *server_new(uv_loop_t *loop, int fd)
{
    mt_server *s = mt_calloc(1, sizeof *s);
    s->loop = loop;
    s->port = bound_port(fd);
    s->conn_gone = server_maybe_free;
    atomic_init(&s->requests, 0);
    mt_serve_routes_init(&s->routes);
    s->xs = mt_malloc(MT_SERVE_CHUNK_SIZE);
    memset(s->xs, 'x', MT_SERVE_CHUNK_SIZE);
    uv_tcp_init(loop, &s->listener);
    s->listener.data = s;
    return s;
}

int mt_serve_start(uv_loop_t *loop, const char *host, int port, mt_server **out)
{
    if (out) *out = NULL;
    if (!loop || !host || !out || port < 0 || port > 65535) return MT_EINVAL;
    ignore_sigpipe();
    int fd;
    int r = open_listener(host, port, &fd);
    if (r < 0) return r;
    mt_server *s = server_new(loop, fd);
    r = uv_tcp_open(&s->listener, (uv_os_sock_t)fd);
    if (r < 0) close(fd);
    if (r == 0) r = uv_listen((uv_stream_t *)&s->listener, BACKLOG, on_connection);
    if (r < 0) {
        s->stopping = true;
        uv_close((uv_handle_t *)&s->listener, on_listener_closed);
        return MT_EUV;
    }
    *out = s;
    return MT_OK;
}

int mt_serve_port(const mt_server *s)
{
    return s->port;
}

uint64_t mt_serve_requests(const mt_server *s)
{
    return atomic_load_explicit(&s->requests, memory_order_relaxed);
}

void mt_serve_stop(mt_server *s)
{
    if (!s || s->stopping) return;
    s->stopping = true;
    uv_close((uv_handle_t *)&s->listener, on_listener_closed);
    mt_serve_conn_close_all(s);
}

/* raw_server.h: a tiny HTTP/1.1 server on a loopback port, in a thread of
 * its own, for the tests that must see the exact bytes a request carried
 * (a multipart body, a Cookie header) or need an answer molotov-serve has
 * no route for (a redirect). One request per connection (it answers with
 * Connection: close); answer(path) gives the whole reply. */
#ifndef MOLOTOV_TESTS_RAW_SERVER_H
#define MOLOTOV_TESTS_RAW_SERVER_H

#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "molotov/common.h"

typedef struct raw_server {
    int fd, port;
    pthread_t thread;
    /* the reply to a request for path (its target), into out */
    void (*answer)(struct raw_server *s, const char *path, mt_buf *out);
    pthread_mutex_t mu;
    mt_buf last; /* the last request, head and body */
    int requests;
} raw_server;

/* Reads one request (its head, then Content-Length bytes of body) into b. */
static inline bool raw_read_request(int c, mt_buf *b)
{
    char chunk[4096];
    char *end = NULL;
    while (!(end = b->len ? memmem(b->data, b->len, "\r\n\r\n", 4) : NULL)) {
        ssize_t k = recv(c, chunk, sizeof chunk, 0);
        if (k <= 0) return false;
        mt_buf_append(b, chunk, (size_t)k);
    }
    size_t head = (size_t)(end + 4 - b->data), body = 0;
    for (char *l = strstr(b->data, "\r\n"); l && l < end; l = strstr(l + 2, "\r\n"))
        if (strncasecmp(l + 2, "Content-Length:", 15) == 0) body = strtoul(l + 17, NULL, 10);
    while (b->len < head + body) {
        ssize_t k = recv(c, chunk, sizeof chunk, 0);
        if (k <= 0) return false;
        mt_buf_append(b, chunk, (size_t)k);
    }
    return true;
}

static inline void *raw_serve(void *arg)
{
    raw_server *s = arg;
    int c;
    while ((c = accept(s->fd, NULL, NULL)) >= 0) {
        mt_buf req, out;
        mt_buf_init(&req);
        mt_buf_init(&out);
        if (raw_read_request(c, &req)) {
            char path[512] = "";
            sscanf(req.data, "%*s %511s", path);
            pthread_mutex_lock(&s->mu);
            mt_buf_reset(&s->last);
            mt_buf_append(&s->last, req.data, req.len);
            s->requests++;
            pthread_mutex_unlock(&s->mu);
            s->answer(s, path, &out);
            for (size_t off = 0; off < out.len;) {
                ssize_t k = send(c, out.data + off, out.len - off, MSG_NOSIGNAL);
                if (k <= 0) break;
                off += (size_t)k;
            }
        }
        mt_buf_free(&req);
        mt_buf_free(&out);
        close(c);
    }
    return NULL;
}

/* A reply with Connection: close; extra is more header lines ("" for none). */
static inline void raw_reply(mt_buf *out, int status, const char *extra, const char *body)
{
    mt_buf_printf(out, "HTTP/1.1 %d X\r\nContent-Length: %zu\r\nConnection: close\r\n%s\r\n%s",
                  status, strlen(body), extra, body);
}

static inline raw_server *raw_start(void (*answer)(raw_server *, const char *, mt_buf *))
{
    raw_server *s = mt_calloc(1, sizeof *s);
    s->answer = answer;
    mt_buf_init(&s->last);
    pthread_mutex_init(&s->mu, NULL);
    s->fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    assert_int_equal(bind(s->fd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(s->fd, 16), 0);
    socklen_t len = sizeof a;
    getsockname(s->fd, (struct sockaddr *)&a, &len);
    s->port = ntohs(a.sin_port);
    assert_int_equal(pthread_create(&s->thread, NULL, raw_serve, s), 0);
    return s;
}

/* The last request received, copied into out (NUL-terminated). */
static inline void raw_last(raw_server *s, mt_buf *out)
{
    pthread_mutex_lock(&s->mu);
    mt_buf_reset(out);
    mt_buf_append(out, s->last.data ? s->last.data : "", s->last.len);
    pthread_mutex_unlock(&s->mu);
}

/* Stops accepting (a shut-down listening socket ends accept) and waits. */
static inline void raw_stop(raw_server *s)
{
    shutdown(s->fd, SHUT_RDWR);
    pthread_join(s->thread, NULL);
    close(s->fd);
    mt_buf_free(&s->last);
    pthread_mutex_destroy(&s->mu);
    free(s);
}

#endif

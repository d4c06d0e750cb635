/* bench/bare.c: the floor that libcurl sets.
 *
 * N concurrent GETs of one URL, in a loop, for D seconds: one curl multi
 * handle driven by curl_multi_socket_action on a libuv loop (one uv_poll_t per
 * socket, one uv_timer_t for curl's timeout, a uv_idle_t for 0 ms timeouts),
 * keep-alive, one easy handle per transfer reused for every request. No
 * scripting, no statistics: it prints the number of completed requests.
 *
 * Not part of the CMake build. bench/run.sh builds it with
 *   cc -O2 bench/bare.c $(pkg-config --cflags --libs libcurl libuv)
 * Usage: bare URL [transfers (50)] [seconds (10)]
 * Output: "requests: N errors: E seconds: S"
 */
#include <curl/curl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <uv.h>

static uv_loop_t *loop;
static CURLM *multi;
static uv_timer_t curl_timer, deadline_timer;
static uv_idle_t kick;
static int stopping;
static unsigned long long done_ok, done_err;

typedef struct {
    uv_poll_t poll;
    curl_socket_t fd;
} sock_ctx;

static void check_done(void) {
    CURLMsg *m;
    int left;
    while ((m = curl_multi_info_read(multi, &left))) {
        if (m->msg != CURLMSG_DONE) continue;
        CURL *e = m->easy_handle;
        CURLcode rc = m->data.result;
        long status = 0;
        curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
        if (rc == CURLE_OK && status == 200) done_ok++;
        else done_err++;
        curl_multi_remove_handle(multi, e);
        if (!stopping) curl_multi_add_handle(multi, e); /* same handle, same connection */
    }
}

static void on_kick(uv_idle_t *h) {
    int running;
    uv_idle_stop(h);
    curl_multi_socket_action(multi, CURL_SOCKET_TIMEOUT, 0, &running);
    check_done();
}

static void on_timer(uv_timer_t *h) {
    int running;
    (void)h;
    curl_multi_socket_action(multi, CURL_SOCKET_TIMEOUT, 0, &running);
    check_done();
}

static int timer_cb(CURLM *m, long timeout_ms, void *u) {
    (void)m;
    (void)u;
    if (timeout_ms < 0) {
        uv_timer_stop(&curl_timer);
    } else if (timeout_ms == 0) {
        uv_timer_stop(&curl_timer);
        uv_idle_start(&kick, on_kick); /* never call curl from its own callback */
    } else {
        uv_timer_start(&curl_timer, on_timer, (uint64_t)timeout_ms, 0);
    }
    return 0;
}

static void on_poll(uv_poll_t *h, int status, int events) {
    sock_ctx *c = h->data;
    int flags = 0, running;
    if (status < 0) flags = CURL_CSELECT_ERR;
    if (events & UV_READABLE) flags |= CURL_CSELECT_IN;
    if (events & UV_WRITABLE) flags |= CURL_CSELECT_OUT;
    curl_multi_socket_action(multi, c->fd, flags, &running);
    check_done();
}

static void free_ctx(uv_handle_t *h) { free(h->data); }

static int socket_cb(CURL *e, curl_socket_t s, int what, void *u, void *sp) {
    sock_ctx *c = sp;
    (void)e;
    (void)u;
    if (what == CURL_POLL_REMOVE) {
        if (c) {
            uv_poll_stop(&c->poll);
            uv_close((uv_handle_t *)&c->poll, free_ctx);
            curl_multi_assign(multi, s, NULL);
        }
        return 0;
    }
    if (!c) {
        c = calloc(1, sizeof *c);
        if (!c) abort();
        c->fd = s;
        uv_poll_init_socket(loop, &c->poll, s);
        c->poll.data = c;
        curl_multi_assign(multi, s, c);
    }
    int ev = 0;
    if (what == CURL_POLL_IN || what == CURL_POLL_INOUT) ev |= UV_READABLE;
    if (what == CURL_POLL_OUT || what == CURL_POLL_INOUT) ev |= UV_WRITABLE;
    uv_poll_start(&c->poll, ev, on_poll);
    return 0;
}

static size_t discard(char *p, size_t sz, size_t n, void *u) {
    (void)p;
    (void)u;
    return sz * n;
}

static void on_deadline(uv_timer_t *h) {
    (void)h;
    stopping = 1;
    uv_stop(loop); /* requests still in flight are not counted */
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s URL [transfers] [seconds]\n", argv[0]);
        return 2;
    }
    const char *url = argv[1];
    int n = argc > 2 ? atoi(argv[2]) : 50;
    double secs = argc > 3 ? atof(argv[3]) : 10;
    if (n < 1 || secs <= 0) return 2;

    signal(SIGPIPE, SIG_IGN);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    loop = uv_default_loop();
    multi = curl_multi_init();
    curl_multi_setopt(multi, CURLMOPT_SOCKETFUNCTION, socket_cb);
    curl_multi_setopt(multi, CURLMOPT_TIMERFUNCTION, timer_cb);
    uv_timer_init(loop, &curl_timer);
    uv_timer_init(loop, &deadline_timer);
    uv_idle_init(loop, &kick);

    CURL **easy = calloc((size_t)n, sizeof *easy);
    for (int i = 0; i < n; i++) {
        CURL *e = curl_easy_init();
        curl_easy_setopt(e, CURLOPT_URL, url);
        curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, discard);
        easy[i] = e;
        curl_multi_add_handle(multi, e);
    }

    uint64_t t0 = uv_hrtime();
    uv_timer_start(&deadline_timer, on_deadline, (uint64_t)(secs * 1000), 0);
    uv_run(loop, UV_RUN_DEFAULT);
    double elapsed = (double)(uv_hrtime() - t0) / 1e9;

    printf("requests: %llu errors: %llu seconds: %.3f\n", done_ok + done_err, done_err, elapsed);
    fflush(stdout);
    for (int i = 0; i < n; i++) {
        curl_multi_remove_handle(multi, easy[i]);
        curl_easy_cleanup(easy[i]);
    }
    free(easy);
    _exit(0); /* skip tearing down the loop's handles: nothing left to measure */
}

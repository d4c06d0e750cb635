/* dashboard.c: --dashboard (dashboard.h): the listener, the routes, the
 * events and the server's lifetime; its connections are dashboard_conn.c.
 * The page is assets/dashboard/dashboard.html with the report's CSS and
 * script and its own filled in (embedded at build time, made once); each
 * event is the report JSON on one "data:" line, printed once for every
 * page; the final report is kept as JSON and HTML text for the downloads.
 * The server frees itself once every handle it opened is closed. */
#include "molotov/dashboard.h"
#include "molotov/common.h"
#include "molotov/dashboard_addr.h"
#include "molotov/dashboard_conn.h"
#include "molotov/report_html.h"

#include "molotov_dashboard_assets.h" /* generated from assets/dashboard/ */
#include "molotov_report_assets.h"    /* generated from assets/report/ */

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#define SLOW_BYTES (8u << 20) /* a page this far behind misses events */
#define END_GRACE_MS 1000     /* what is queued at the close may take this long */
#define HEAD_TIMEOUT_MS 10000 /* a request head not complete by then: 408 */
#define MAX_CONNS 64          /* open connections (a quarter of ulimit -n at most) */

struct mt_dashboard {
    uv_loop_t *loop;
    uv_tcp_t listener;
    uv_timer_t tick, grace, keep, sweep;
    uv_signal_t sigint, sigterm;
    int handles; /* open or closing: the server is freed at 0 */
    bool closing, keeping, grace_on;
    int port;
    mt_dash_addr addr;
    uint64_t head_timeout_ms;
    int reserve_fd; /* closed for the report files at the end, or -1 */
    char url[96];
    mt_dash_conns conns;
    mt_dashboard_feed_fn feed;
    void *ud;
    mt_buf page;
    char *final_json, *final_html; /* the final report, or NULL */
    size_t final_html_len;
    mt_dash_msg *final_event;
};

/* ---- lifetime ---- */

static void maybe_free(void *owner);

static void on_handle_closed(uv_handle_t *h)
{
    mt_dashboard *d = h->data;
    d->handles--;
    maybe_free(d);
}

static void release_reserve(mt_dashboard *d)
{
    if (d->reserve_fd >= 0) close(d->reserve_fd);
    d->reserve_fd = -1;
}

static void free_server(mt_dashboard *d)
{
    release_reserve(d);
    mt_buf_free(&d->page);
    free(d->final_json);
    free(d->final_html);
    mt_dash_msg_unref(d->final_event);
    free(d);
}

/* After the close: once the last connection is gone, the grace timer
 * goes too, and with the last handle the server. */
static void maybe_free(void *owner)
{
    mt_dashboard *d = owner;
    if (!d->closing || d->conns.list) return;
    if (d->grace_on) {
        d->grace_on = false;
        uv_close((uv_handle_t *)&d->grace, on_handle_closed); /* which calls back here */
    } else if (!d->handles) {
        free_server(d);
    }
}

static void close_handle(void *h)
{
    if (!uv_is_closing(h)) uv_close(h, on_handle_closed);
}

static void init_handle(mt_dashboard *d, uv_handle_t *h)
{
    h->data = d;
    d->handles++;
}

/* ---- the page, made once ---- */

static void make_page(mt_buf *b)
{
    static const struct {
        const char *slot, *text;
    } fill[] = {{"@REPORT_CSS@", mt_asset_report_css},
                {"@DASHBOARD_CSS@", mt_asset_dashboard_css},
                {"@REPORT_LIB_JS@", mt_asset_report_lib_js},
                {"@REPORT_CHARTS_JS@", mt_asset_report_charts_js},
                {"@REPORT_CARDS_JS@", mt_asset_report_cards_js},
                {"@REPORT_JS@", mt_asset_report_js},
                {"@DASHBOARD_JS@", mt_asset_dashboard_js}};
    const char *p = mt_asset_dashboard_html, *at;
    while ((at = strchr(p, '@'))) {
        size_t i = 0, n = sizeof fill / sizeof fill[0];
        while (i < n && strncmp(at, fill[i].slot, strlen(fill[i].slot))) i++;
        mt_buf_append(b, p, (size_t)(at - p) + (i == n));
        if (i < n) mt_buf_appends(b, fill[i].text);
        p = at + (i < n ? strlen(fill[i].slot) : 1);
    }
    mt_buf_appends(b, p);
}

/* ---- events ---- */

/* "event: NAME\n" (unless NULL) and "data: JSON\n\n" for j. */
static mt_dash_msg *event_of(const cJSON *j, const char *name)
{
    char *json = cJSON_PrintUnformatted(j);
    if (!json) return NULL;
    char head[64];
    int n = snprintf(head, sizeof head, "%s%s%sdata: ", name ? "event: " : "", name ? name : "",
                     name ? "\n" : "");
    size_t len = strlen(json);
    mt_dash_msg *m = mt_dash_msg_new((size_t)n + len + 2);
    mt_dash_msg_add(m, head, (size_t)n);
    mt_dash_msg_add(m, json, len);
    mt_dash_msg_add(m, "\n\n", 2);
    cJSON_free(json);
    return m;
}

/* The report so far to c alone, or to every page (c NULL) not too far
 * behind. */
static void send_report(mt_dashboard *d, mt_dash_conn *only)
{
    cJSON *j = d->feed(d->ud);
    mt_dash_msg *m = j ? event_of(j, NULL) : NULL;
    cJSON_Delete(j);
    if (!m) return;
    for (mt_dash_conn *c = d->conns.list; c; c = c->next)
        if (c->events && (c == only || (!only && mt_dash_conn_queued(c) < SLOW_BYTES)))
            mt_dash_conn_write(c, m);
    mt_dash_msg_unref(m);
}

static void on_tick(uv_timer_t *t)
{
    mt_dashboard *d = t->data;
    for (mt_dash_conn *c = d->conns.list; c; c = c->next)
        if (c->events && !c->ending) {
            send_report(d, NULL);
            return;
        }
}

static void start_events(mt_dashboard *d, mt_dash_conn *c)
{
    static const char head[] = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                               "Cache-Control: no-store\r\nConnection: close\r\n\r\n";
    mt_dash_msg *m = mt_dash_msg_new(sizeof head);
    mt_dash_msg_add(m, head, sizeof head - 1);
    mt_dash_conn_write(c, m);
    mt_dash_msg_unref(m);
    if (mt_dash_conn_method(c) == HTTP_HEAD) {
        mt_dash_conn_end(c);
    } else if (d->final_event) {
        mt_dash_conn_write(c, d->final_event);
        mt_dash_conn_end(c);
    } else {
        c->events = true;
        if (d->feed) send_report(d, c);
    }
}

/* ---- routes ---- */

static void final_report(mt_dashboard *d, mt_dash_conn *c, bool html)
{
    if (!d->final_json) {
        mt_dash_conn_text(c, 409, NULL, "run still going: the final report comes at its end\n");
    } else if (html) {
        mt_dash_conn_answer(c, 200, "text/html; charset=utf-8", NULL, d->final_html,
                            d->final_html_len);
    } else {
        mt_dash_conn_answer(c, 200, "application/json", NULL, d->final_json, strlen(d->final_json));
    }
}

/* A Host that is not this dashboard's address: a page of another name
 * (DNS rebinding) reads nothing. */
static void misdirected(mt_dashboard *d, mt_dash_conn *c)
{
    char text[512];
    snprintf(text, sizeof text, "Host '%s' is not this dashboard's address: open %s\n",
             mt_dash_conn_host(c), d->url);
    mt_dash_conn_text(c, 403, NULL, text);
}

static void on_request(mt_dash_conn *c, void *owner)
{
    mt_dashboard *d = owner;
    int method = mt_dash_conn_method(c);
    const char *path = mt_dash_conn_path(c);
    if (!mt_dash_addr_host_ok(&d->addr, mt_dash_conn_host(c)))
        misdirected(d, c);
    else if (method != HTTP_GET && method != HTTP_HEAD)
        mt_dash_conn_text(c, 405, "Allow: GET, HEAD\r\n", "GET and HEAD only\n");
    else if (!strcmp(path, "/") || !strcmp(path, "/index.html"))
        mt_dash_conn_answer(c, 200, "text/html; charset=utf-8", NULL, d->page.data, d->page.len);
    else if (!strcmp(path, "/events"))
        start_events(d, c);
    else if (!strcmp(path, "/report.json"))
        final_report(d, c, false);
    else if (!strcmp(path, "/report.html"))
        final_report(d, c, true);
    else if (!strcmp(path, "/healthz"))
        mt_dash_conn_text(c, 200, NULL, "ok\n");
    else
        mt_dash_conn_text(c, 404, NULL, "not found\n");
}

/* ---- the listener ---- */

static void on_connection(uv_stream_t *l, int status)
{
    mt_dashboard *d = l->data;
    if (status == 0 && !d->closing) mt_dash_conn_accept(&d->conns, l);
}

/* The listening address, sockaddr_storage for uv_tcp_bind. */
static void sockaddr_of(const mt_dash_addr *a, struct sockaddr_storage *sa)
{
    if (a->v6)
        uv_ip6_addr(a->host, a->port, (struct sockaddr_in6 *)sa);
    else
        uv_ip4_addr(a->host, a->port, (struct sockaddr_in *)sa);
}

static int cannot_listen(const mt_dash_addr *a, int rc, char *err, size_t errlen)
{
    snprintf(err, errlen, "--dashboard: cannot listen on %s port %d: %s", a->host, a->port,
             uv_strerror(rc));
    return MT_EIO;
}

static int parse_addr(const char *addr, mt_dash_addr *a, char *err, size_t errlen)
{
    char why[256];
    if (!mt_dash_addr_parse(addr, a, why, sizeof why)) return MT_OK;
    snprintf(err, errlen, "--dashboard: %s", why);
    return MT_EINVAL;
}

int mt_dashboard_check(const char *addr, char *err, size_t errlen)
{
    mt_dash_addr a;
    if (parse_addr(addr, &a, err, errlen)) return MT_EINVAL;
    struct sockaddr_storage sa;
    sockaddr_of(&a, &sa);
    int one = 1, rc = 0, fd = socket(sa.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) ||
        bind(fd, (struct sockaddr *)&sa,
             sa.ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in)))
        rc = uv_translate_sys_error(errno);
    if (fd >= 0) close(fd);
    return rc ? cannot_listen(&a, rc, err, errlen) : MT_OK;
}

static int bind_listener(mt_dashboard *d, char *err, size_t errlen)
{
    struct sockaddr_storage sa;
    const mt_dash_addr *a = &d->addr;
    sockaddr_of(a, &sa);
    int rc = uv_tcp_bind(&d->listener, (struct sockaddr *)&sa, 0);
    if (!rc) rc = uv_listen((uv_stream_t *)&d->listener, 128, on_connection);
    if (rc) return cannot_listen(a, rc, err, errlen);
    int len = sizeof sa;
    uv_tcp_getsockname(&d->listener, (struct sockaddr *)&sa, &len);
    d->port = ntohs(a->v6 ? ((struct sockaddr_in6 *)&sa)->sin6_port
                          : ((struct sockaddr_in *)&sa)->sin_port);
    const char *shown = !a->any ? a->host : a->v6 ? "::1" : "127.0.0.1";
    snprintf(d->url, sizeof d->url, a->v6 ? "http://[%s]:%d/" : "http://%s:%d/", shown, d->port);
    return MT_OK;
}

/* A quarter of the descriptors at most: the run keeps the rest. */
static int max_conns(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) || rl.rlim_cur == RLIM_INFINITY ||
        rl.rlim_cur / 4 >= MAX_CONNS)
        return MAX_CONNS;
    return rl.rlim_cur / 4 > 4 ? (int)(rl.rlim_cur / 4) : 4;
}

/* Heads not complete in time: 408, which ends the connection. */
static void on_sweep(uv_timer_t *t)
{
    mt_dashboard *d = t->data;
    uint64_t now = uv_now(d->loop);
    for (mt_dash_conn *c = d->conns.list; c; c = c->next)
        if (!c->head_done && !c->ending && now - c->since >= d->head_timeout_ms)
            mt_dash_conn_text(c, 408, NULL, "request head not complete in time\n");
}

void mt_dashboard_set_limits(mt_dashboard *d, uint64_t head_timeout_ms, int max)
{
    d->head_timeout_ms = head_timeout_ms;
    d->conns.max = max;
    uint64_t every = head_timeout_ms / 4;
    every = every < 10 ? 10 : every > 1000 ? 1000 : every;
    uv_timer_start(&d->sweep, on_sweep, every, every);
}

int mt_dashboard_open(uv_loop_t *loop, const char *addr, mt_dashboard **out, char *err,
                      size_t errlen)
{
    mt_dash_addr a;
    *out = NULL;
    int rc = parse_addr(addr, &a, err, errlen);
    if (rc) return rc;
    mt_dashboard *d = mt_calloc(1, sizeof *d);
    d->loop = loop;
    d->addr = a;
    d->reserve_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    d->conns = (mt_dash_conns){.on_request = on_request, .on_closed = maybe_free, .owner = d};
    mt_buf_init(&d->page);
    make_page(&d->page);
    uv_tcp_init(loop, &d->listener);
    init_handle(d, (uv_handle_t *)&d->listener);
    uv_timer_init(loop, &d->tick);
    init_handle(d, (uv_handle_t *)&d->tick);
    uv_timer_init(loop, &d->sweep);
    init_handle(d, (uv_handle_t *)&d->sweep);
    uv_unref((uv_handle_t *)&d->sweep); /* never what keeps the loop running */
    mt_dashboard_set_limits(d, HEAD_TIMEOUT_MS, max_conns());
    if ((rc = bind_listener(d, err, errlen))) {
        mt_dashboard_close(d);
        return rc;
    }
    *out = d;
    return MT_OK;
}

int mt_dashboard_port(const mt_dashboard *d)
{
    return d->port;
}

const char *mt_dashboard_url(const mt_dashboard *d)
{
    return d->url;
}

void mt_dashboard_feed(mt_dashboard *d, mt_dashboard_feed_fn fn, void *ud, uint64_t every_ms)
{
    d->feed = fn;
    d->ud = ud;
    for (mt_dash_conn *c = d->conns.list; c; c = c->next)
        if (c->events) send_report(d, c); /* pages that came before the run */
    uv_timer_start(&d->tick, on_tick, every_ms, every_ms);
}

/* The final report as the --html page, into d. */
static void keep_html(mt_dashboard *d, const cJSON *report)
{
    FILE *f = open_memstream(&d->final_html, &d->final_html_len);
    if (!f) return;
    mt_report_html(report, f);
    fclose(f);
}

void mt_dashboard_finish(mt_dashboard *d, const cJSON *report)
{
    if (d->final_json) return;
    release_reserve(d); /* for the caller's report files, whatever the clients hold */
    uv_timer_stop(&d->tick);
    char *json = cJSON_Print(report);
    if (!json) return;
    d->final_json = mt_malloc(strlen(json) + 2);
    sprintf(d->final_json, "%s\n", json); /* as --json writes it */
    cJSON_free(json);
    keep_html(d, report);
    d->final_event = event_of(report, "final");
    for (mt_dash_conn *c = d->conns.list; c; c = c->next) {
        if (!c->events) continue;
        if (d->final_event) mt_dash_conn_write(c, d->final_event);
        mt_dash_conn_end(c);
    }
}

/* ---- --dashboard-keep ---- */

static void end_keep(mt_dashboard *d)
{
    if (!d->keeping) return;
    d->keeping = false;
    close_handle(&d->keep);
    close_handle(&d->sigint);
    close_handle(&d->sigterm);
    uv_stop(d->loop);
}

static void on_keep_over(uv_timer_t *t)
{
    end_keep(t->data);
}

static void on_keep_signal(uv_signal_t *s, int signum)
{
    (void)signum;
    end_keep(s->data);
}

void mt_dashboard_keep(mt_dashboard *d, double seconds)
{
    if (seconds <= 0 || d->closing) return;
    d->keeping = true;
    uv_timer_init(d->loop, &d->keep);
    init_handle(d, (uv_handle_t *)&d->keep);
    uv_signal_init(d->loop, &d->sigint);
    init_handle(d, (uv_handle_t *)&d->sigint);
    uv_signal_init(d->loop, &d->sigterm);
    init_handle(d, (uv_handle_t *)&d->sigterm);
    uv_signal_start(&d->sigint, on_keep_signal, SIGINT);
    uv_signal_start(&d->sigterm, on_keep_signal, SIGTERM);
    uv_timer_start(&d->keep, on_keep_over, (uint64_t)(seconds * 1000 + 0.5), 0);
    uv_run(d->loop, UV_RUN_DEFAULT);
    end_keep(d); /* the loop ended some other way */
}

/* ---- the end ---- */

static void on_grace_over(uv_timer_t *t)
{
    mt_dashboard *d = t->data;
    (void)t;
    for (mt_dash_conn *c = d->conns.list; c; c = c->next) mt_dash_conn_close(c);
}

void mt_dashboard_close(mt_dashboard *d)
{
    if (!d || d->closing) return;
    d->closing = true;
    close_handle(&d->listener);
    close_handle(&d->tick);
    close_handle(&d->sweep);
    end_keep(d);
    if (!d->conns.list) return;
    for (mt_dash_conn *c = d->conns.list; c; c = c->next) mt_dash_conn_end(c);
    uv_timer_init(d->loop, &d->grace);
    init_handle(d, (uv_handle_t *)&d->grace);
    d->grace_on = true;
    uv_timer_start(&d->grace, on_grace_over, END_GRACE_MS, 0);
}

/* cli.c: molotov-serve's command line (also `molotov serve`): --host,
 * --port, --duration and --help, the "listening on" line, and serving until
 * SIGINT, SIGTERM or the duration's end. */
#include "serve.h"

#include "parse.h"

#include "molotov/common.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *host;
    int port;
    double duration; /* seconds; 0 = until a signal */
} serve_opts;

typedef struct {
    mt_server *srv;
    uv_signal_t sigint, sigterm;
    uv_timer_t timer;
} runner;

static void usage(void)
{
    fputs("usage: molotov serve [--host H] [--port N] [--duration S]\n"
          "\n"
          "Serves a small HTTP/1.1 target to load-test:\n"
          "  GET /, GET /json, POST /items, /status/CODE, /delay/MS, /echo, /bytes/N,\n"
          "  /limit/K/MS, and faults: /garbage, /hangup, /trickle/N/MS\n"
          "\n"
          "  --host H      address to listen on (default 127.0.0.1)\n"
          "  --port N      port to listen on (default 8080, 0 = any free port)\n"
          "  --duration S  stop after S seconds (default: until SIGINT/SIGTERM)\n"
          "  -h, --help    show this help\n",
          stdout);
}

static int bad_value(const char *name, const char *val)
{
    fprintf(stderr, "molotov serve: invalid value for %s: '%s'\n", name, val);
    return -1;
}

static int apply_opt(serve_opts *o, const char *name, const char *val)
{
    char *end;
    if (strcmp(name, "--host") == 0) {
        if (!*val) return bad_value(name, val);
        o->host = val;
    } else if (strcmp(name, "--port") == 0) {
        errno = 0;
        long p = strtol(val, &end, 10);
        if (!*val || *end || errno || p < 0 || p > 65535) return bad_value(name, val);
        o->port = (int)p;
    } else {
        errno = 0;
        double d = strtod(val, &end);
        if (!*val || *end || errno || !(d > 0) || d > 1e9) return bad_value(name, val);
        o->duration = d;
    }
    return 0;
}

/* Returns 0 to run, 1 for --help, -1 after printing a bad option. */
static int parse_opts(int argc, char **argv, serve_opts *o)
{
    static const char *const names[] = {"--host", "--port", "--duration"};
    *o = (serve_opts){.host = "127.0.0.1", .port = 8080};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *eqs = strchr(a, '=');
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) return 1;
        size_t n = eqs ? (size_t)(eqs - a) : strlen(a);
        const char *name = NULL;
        for (size_t k = 0; k < sizeof names / sizeof *names; k++)
            if (mt_serve_eq(a, n, names[k])) name = names[k];
        if (!name) {
            fprintf(stderr, "molotov serve: unknown option '%s' (see --help)\n", a);
            return -1;
        }
        if (!eqs && i + 1 >= argc) {
            fprintf(stderr, "molotov serve: option %s needs a value\n", name);
            return -1;
        }
        if (apply_opt(o, name, eqs ? eqs + 1 : argv[++i]) < 0) return -1;
    }
    return 0;
}

static void close_handle(uv_handle_t *h)
{
    if (!uv_is_closing(h)) uv_close(h, NULL);
}

static void runner_stop(runner *r)
{
    mt_serve_stop(r->srv);
    r->srv = NULL;
    close_handle((uv_handle_t *)&r->sigint);
    close_handle((uv_handle_t *)&r->sigterm);
    close_handle((uv_handle_t *)&r->timer);
}

static void on_stop_signal(uv_signal_t *h, int signum)
{
    (void)signum;
    runner_stop(h->data);
}

static void on_duration(uv_timer_t *t)
{
    runner_stop(t->data);
}

static void runner_init(uv_loop_t *loop, runner *r, double duration)
{
    uv_signal_init(loop, &r->sigint);
    uv_signal_init(loop, &r->sigterm);
    uv_timer_init(loop, &r->timer);
    r->sigint.data = r->sigterm.data = r->timer.data = r;
    uv_signal_start(&r->sigint, on_stop_signal, SIGINT);
    uv_signal_start(&r->sigterm, on_stop_signal, SIGTERM);
    if (duration > 0) uv_timer_start(&r->timer, on_duration, (uint64_t)ceil(duration * 1000), 0);
}

static void print_listening(const char *host, int port)
{
    const char *l = strchr(host, ':') ? "[" : "", *r = *l ? "]" : "";
    printf("molotov serve: listening on http://%s%s%s:%d\n", l, host, r, port);
    fflush(stdout);
}

int mt_serve_main(int argc, char **argv)
{
    serve_opts o;
    int r = parse_opts(argc, argv, &o);
    if (r > 0) usage();
    if (r != 0) return r > 0 ? 0 : 2;
    uv_loop_t loop;
    if (uv_loop_init(&loop) != 0) {
        fprintf(stderr, "molotov serve: cannot create the event loop\n");
        return 1;
    }
    runner rn = {0};
    runner_init(&loop, &rn, o.duration);
    r = mt_serve_start(&loop, o.host, o.port, &rn.srv);
    if (r == MT_OK) print_listening(o.host, mt_serve_port(rn.srv));
    if (r != MT_OK) {
        fprintf(stderr, "molotov serve: cannot listen on %s:%d: %s\n", o.host, o.port,
                r == MT_EIO ? strerror(errno) : mt_strerror(r));
        runner_stop(&rn);
    }
    uv_run(&loop, UV_RUN_DEFAULT);
    uv_loop_close(&loop);
    return r == MT_OK ? 0 : 1;
}

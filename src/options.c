/* options.c: parses and validates the command line of cli.md. Every error
 * names the option it is about; nothing here starts any work. */
#include "molotov/options.h"
#include "molotov/common.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    OPT_SINGLE_RUN = 256,
    OPT_DELAY,
    OPT_RAMP_UP,
    OPT_FORCE_SHUTDOWN,
    OPT_SIZING,
    OPT_SIZING_TOL,
    OPT_SIZING_P99,
    OPT_RATE,
    OPT_THRESHOLD,
    OPT_TIMEOUT,
    OPT_CONNECT_TIMEOUT,
    OPT_HTTP2,
    OPT_INSECURE,
    OPT_STATSD,
    OPT_STATSD_ADDR,
    OPT_JSON,
    OPT_HTML,
    OPT_JUNIT,
    OPT_CONFIG,
    OPT_CONSOLE_UPDATE,
    OPT_VERSION,
};

static const struct option long_opts[] = {
    {"workers", required_argument, NULL, 'w'},
    {"processes", required_argument, NULL, 'p'},
    {"duration", required_argument, NULL, 'd'},
    {"max-runs", required_argument, NULL, 'r'},
    {"single-run", no_argument, NULL, OPT_SINGLE_RUN},
    {"single-mode", required_argument, NULL, 's'},
    {"ramp-up", required_argument, NULL, OPT_RAMP_UP},
    {"delay", required_argument, NULL, OPT_DELAY},
    {"exception", no_argument, NULL, 'x'},
    {"fail", required_argument, NULL, 'f'},
    {"force-shutdown", no_argument, NULL, OPT_FORCE_SHUTDOWN},
    {"sizing", no_argument, NULL, OPT_SIZING},
    {"sizing-tolerance", required_argument, NULL, OPT_SIZING_TOL},
    {"sizing-p99", required_argument, NULL, OPT_SIZING_P99},
    {"rate", required_argument, NULL, OPT_RATE},
    {"threshold", required_argument, NULL, OPT_THRESHOLD},
    {"timeout", required_argument, NULL, OPT_TIMEOUT},
    {"connect-timeout", required_argument, NULL, OPT_CONNECT_TIMEOUT},
    {"http2", no_argument, NULL, OPT_HTTP2},
    {"insecure", no_argument, NULL, OPT_INSECURE},
    {"statsd", no_argument, NULL, OPT_STATSD},
    {"statsd-address", required_argument, NULL, OPT_STATSD_ADDR},
    {"json", required_argument, NULL, OPT_JSON},
    {"html", required_argument, NULL, OPT_HTML},
    {"junit", required_argument, NULL, OPT_JUNIT},
    {"config", required_argument, NULL, OPT_CONFIG},
    {"console-update", required_argument, NULL, OPT_CONSOLE_UPDATE},
    {"quiet", no_argument, NULL, 'q'},
    {"verbose", no_argument, NULL, 'v'},
    {"version", no_argument, NULL, OPT_VERSION},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

void mt_options_defaults(mt_options *o)
{
    memset(o, 0, sizeof(*o));
    o->scenario = "loadtest.lua";
    o->workers = 1;
    o->processes = 1;
    o->duration = 86400;
    o->timeout = 30;
    o->connect_timeout = 10;
    o->console_update = 0.2;
    o->sizing_tolerance = 5;
    o->statsd_address = "udp://127.0.0.1:8125";
}

static int fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return MT_EINVAL;
}

static bool is_option(int c)
{
    for (const struct option *lo = long_opts; lo->name; lo++)
        if (lo->val == c) return true;
    return false;
}

/* The name of the option as the user typed it, for messages. */
static const char *opt_name(int c, char *tmp)
{
    for (const struct option *lo = long_opts; lo->name; lo++) {
        if (lo->val == c && c < 256) {
            snprintf(tmp, 64, "-%c/--%s", c, lo->name);
            return tmp;
        }
        if (lo->val == c) {
            snprintf(tmp, 64, "--%s", lo->name);
            return tmp;
        }
    }
    snprintf(tmp, 64, "-%c", c);
    return tmp;
}

static int parse_long(const char *s, long min, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < min) return MT_EINVAL;
    *out = v;
    return MT_OK;
}

static int parse_seconds(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !isfinite(v) || v < 0) return MT_EINVAL;
    *out = v;
    return MT_OK;
}

static int set_int(const char *arg, long min, long max, long *out, const char *name, char *err,
                   size_t errlen)
{
    if (parse_long(arg, min, out) || *out > max)
        return fail(err, errlen, "%s: expected an integer from %ld to %ld, got '%s'", name, min,
                    max, arg);
    return MT_OK;
}

static int set_num(const char *arg, double *out, const char *name, char *err, size_t errlen)
{
    if (parse_seconds(arg, out))
        return fail(err, errlen, "%s: expected a non-negative number, got '%s'", name, arg);
    return MT_OK;
}

static int apply(mt_options *o, int c, const char *arg, char *err, size_t errlen)
{
    char tmp[64];
    const char *name = opt_name(c, tmp);
    long n = 0;
    int rc = MT_OK;
    switch (c) {
    case 'w':
        rc = set_int(arg, 1, 1000000, &n, name, err, errlen);
        if (!rc) o->workers = (int)n;
        o->workers_given = true;
        break;
    case 'p':
        rc = set_int(arg, 1, 1024, &n, name, err, errlen);
        if (!rc) o->processes = (int)n;
        break;
    case 'd':
        rc = set_num(arg, &o->duration, name, err, errlen);
        o->duration_given = true;
        if (!rc && o->duration <= 0) rc = fail(err, errlen, "%s: must be more than 0", name);
        break;
    case 'r': rc = set_int(arg, 1, 1L << 40, &o->max_runs, name, err, errlen); break;
    case 'f': rc = set_int(arg, 1, 1L << 40, &o->fail, name, err, errlen); break;
    case 's': o->single_mode = arg; break;
    case 'x': o->exception = true; break;
    case 'q': o->quiet = true; break;
    case 'v': o->verbose++; break;
    case 'h': o->show_help = true; break;
    case OPT_VERSION: o->show_version = true; break;
    case OPT_SINGLE_RUN: o->single_run = true; break;
    case OPT_RAMP_UP:
        rc = set_num(arg, &o->ramp_up, name, err, errlen);
        o->ramp_up_given = true;
        break;
    case OPT_DELAY: rc = set_num(arg, &o->delay, name, err, errlen); break;
    case OPT_FORCE_SHUTDOWN: o->force_shutdown = true; break;
    case OPT_SIZING: o->sizing = true; break;
    case OPT_SIZING_TOL: rc = set_num(arg, &o->sizing_tolerance, name, err, errlen); break;
    case OPT_SIZING_P99: rc = set_num(arg, &o->sizing_p99, name, err, errlen); break;
    case OPT_RATE: rc = set_num(arg, &o->rate, name, err, errlen); break;
    case OPT_TIMEOUT: rc = set_num(arg, &o->timeout, name, err, errlen); break;
    case OPT_CONNECT_TIMEOUT: rc = set_num(arg, &o->connect_timeout, name, err, errlen); break;
    case OPT_CONSOLE_UPDATE: rc = set_num(arg, &o->console_update, name, err, errlen); break;
    case OPT_HTTP2: o->http2 = true; break;
    case OPT_INSECURE: o->insecure = true; break;
    case OPT_STATSD: o->statsd = true; break;
    case OPT_STATSD_ADDR: o->statsd_address = arg; break;
    case OPT_JSON: o->json_path = arg; break;
    case OPT_HTML: o->html_path = arg; break;
    case OPT_JUNIT: o->junit_path = arg; break;
    case OPT_CONFIG: o->config = arg; break;
    case OPT_THRESHOLD:
        if (o->nthresholds == MT_MAX_THRESHOLDS)
            return fail(err, errlen, "%s: at most %d thresholds", name, MT_MAX_THRESHOLDS);
        o->thresholds[o->nthresholds++] = arg;
        break;
    }
    return rc;
}

/* Options whose machinery has not landed yet are refused by name rather than
 * silently ignored. */
static int refuse_unbuilt(const mt_options *o, char *err, size_t errlen)
{
    const char *what = NULL;
    if (o->config) what = "--config";
    if (what) return fail(err, errlen, "%s: not supported by this build yet", what);
    return MT_OK;
}

/* --sizing without -w/--ramp-up: 500 workers per process over 300 s; it ends
 * a minute after the ramp unless -d says otherwise. */
static void sizing_defaults(mt_options *o)
{
    if (!o->sizing) return;
    if (!o->workers_given) o->workers = 500;
    if (!o->ramp_up_given) o->ramp_up = 300;
    if (!o->duration_given) o->duration = o->ramp_up + 60;
}

static int validate(const mt_options *o, char *err, size_t errlen)
{
    if (o->sizing && o->rate > 0)
        return fail(err, errlen, "--sizing and --rate contradict each other");
    if (o->sizing && (o->single_run || o->single_mode || o->max_runs))
        return fail(err, errlen, "--sizing needs a duration, not --single-run, -s or -r");
    if (o->sizing_tolerance > 100)
        return fail(err, errlen, "--sizing-tolerance: a percentage from 0 to 100");
    if (o->quiet && o->verbose)
        return fail(err, errlen, "-q/--quiet and -v/--verbose contradict each other");
    if (o->single_run && o->single_mode)
        return fail(err, errlen, "--single-run and -s/--single-mode contradict each other");
    if (o->single_run && o->max_runs)
        return fail(err, errlen, "--single-run and -r/--max-runs contradict each other");
    if (o->verbose > 2) return fail(err, errlen, "-v: at most -vv");
    if (o->timeout <= 0) return fail(err, errlen, "--timeout: must be more than 0");
    if (o->connect_timeout <= 0) return fail(err, errlen, "--connect-timeout: must be more than 0");
    if (o->console_update <= 0) return fail(err, errlen, "--console-update: must be more than 0");
    return refuse_unbuilt(o, err, errlen);
}

int mt_options_parse(mt_options *o, int argc, char **argv, char *err, size_t errlen)
{
    optind = 0; /* full reinitialisation, so the parser can run more than once */
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":w:p:d:r:s:xf:qvh", long_opts, NULL)) != -1) {
        char tmp[64];
        if (c == '?') {
            /* getopt also answers '?' (optopt = its value) for a long flag
             * given a value, as in --quiet=1 */
            if (is_option(optopt))
                return fail(err, errlen, "%s: takes no value", opt_name(optopt, tmp));
            if (optopt) return fail(err, errlen, "-%c: unknown option (see --help)", optopt);
            return fail(err, errlen, "%s: unknown option (see --help)", argv[optind - 1]);
        }
        if (c == ':') return fail(err, errlen, "%s: missing value", opt_name(optopt, tmp));
        int rc = apply(o, c, optarg, err, errlen);
        if (rc) return rc;
    }
    if (o->show_help || o->show_version) return MT_OK;
    if (optind < argc) o->scenario = argv[optind++];
    if (optind < argc) return fail(err, errlen, "%s: unexpected argument", argv[optind]);
    sizing_defaults(o);
    return validate(o, err, errlen);
}

const char *mt_options_usage(void)
{
    return "usage: molotov [options] [scenario.lua]\n"
           "       molotov serve [--host H] [--port N] [--duration S]\n"
           "\n"
           "Load test an HTTP service with scenarios written in Lua (default: loadtest.lua).\n"
           "\n"
           "Run shape:\n"
           "  -w, --workers N        concurrent workers per process (default 1)\n"
           "  -p, --processes N      processes, each with -w workers (default 1)\n"
           "  -d, --duration S       seconds each worker keeps starting scenarios (default 86400)\n"
           "  -r, --max-runs N       scenarios per worker, then it stops\n"
           "      --single-run       every worker runs every scenario once, in name order\n"
           "  -s, --single-mode NAME run only scenario NAME\n"
           "      --ramp-up S        start the workers progressively over S seconds\n"
           "      --delay S          sleep S seconds after every scenario run\n"
           "  -x, --exception        stop the whole run at the first failure\n"
           "  -f, --fail N           the run fails (exit 1) once failures reach N\n"
           "      --force-shutdown   at the deadline, cancel requests in flight\n"
           "      --rate R           open model: start R scenarios per second in total\n"
           "                         (-w per process is the pool; --ramp-up ramps the rate)\n"
           "\n"
           "Autosizing:\n"
           "      --sizing           ramp workers up until errors pass the tolerance\n"
           "                         (default 500 workers per process over 300 s)\n"
           "      --sizing-tolerance P  error percentage that ends it (default 5)\n"
           "      --sizing-p99 MS    also end it when a step's p99 passes MS\n"
           "\n"
           "Requests:\n"
           "      --timeout S        whole-request timeout (default 30)\n"
           "      --connect-timeout S  connect timeout (default 10)\n"
           "      --http2            HTTP/2 (ALPN on https, prior knowledge on http)\n"
           "      --insecure         do not verify TLS certificates\n"
           "      --statsd           send per-request StatsD metrics (Molotov's names)\n"
           "      --statsd-address URL  where to (default udp://127.0.0.1:8125)\n"
           "\n"
           "Output:\n"
           "      --console-update S live display refresh (default 0.2)\n"
           "  -q, --quiet            print nothing but errors\n"
           "  -v, --verbose          failure tracebacks; -vv: every request and response\n"
           "      --version          print the version and exit\n"
           "  -h, --help             this help\n"
           "\n"
           "Exit codes: 0 ok, 1 a criterion failed (-f, -x, --single-run, -s),\n"
           "            2 usage or script error, 130 interrupted.\n";
}

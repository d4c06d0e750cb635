/* options.c: parses and validates the command line of cli.md. Every error
 * names the option it is about; nothing here starts any work. */
#include "molotov/options.h"
#include "molotov/common.h"
#include "molotov/config.h"
#include "molotov/http.h"

#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum {
    OPT_SINGLE_RUN = 256,
    OPT_DELAY,
    OPT_RAMP_UP,
    OPT_FORCE_SHUTDOWN,
    OPT_ABORT_AFTER,
    OPT_DISABLE_DNS,
    OPT_USE_EXTENSION,
    OPT_SIZING,
    OPT_SIZING_TOL,
    OPT_SIZING_P99,
    OPT_RATE,
    OPT_THRESHOLD,
    OPT_TIMEOUT,
    OPT_CONNECT_TIMEOUT,
    OPT_MAX_BODY,
    OPT_CACERT,
    OPT_PROXY,
    OPT_TRUST_ENV,
    OPT_HTTP2,
    OPT_INSECURE,
    OPT_STATSD,
    OPT_STATSD_ADDR,
    OPT_JSON,
    OPT_HTML,
    OPT_JUNIT,
    OPT_CONFIG,
    OPT_START_AT,
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
    {"abort-after", required_argument, NULL, OPT_ABORT_AFTER},
    {"console", no_argument, NULL, 'c'},
    {"disable-dns-resolve", no_argument, NULL, OPT_DISABLE_DNS},
    {"use-extension", required_argument, NULL, OPT_USE_EXTENSION},
    {"sizing", no_argument, NULL, OPT_SIZING},
    {"sizing-tolerance", required_argument, NULL, OPT_SIZING_TOL},
    {"sizing-p99", required_argument, NULL, OPT_SIZING_P99},
    {"rate", required_argument, NULL, OPT_RATE},
    {"threshold", required_argument, NULL, OPT_THRESHOLD},
    {"timeout", required_argument, NULL, OPT_TIMEOUT},
    {"connect-timeout", required_argument, NULL, OPT_CONNECT_TIMEOUT},
    {"max-body", required_argument, NULL, OPT_MAX_BODY},
    {"cacert", required_argument, NULL, OPT_CACERT},
    {"proxy", required_argument, NULL, OPT_PROXY},
    {"trust-env", no_argument, NULL, OPT_TRUST_ENV},
    {"http2", no_argument, NULL, OPT_HTTP2},
    {"insecure", no_argument, NULL, OPT_INSECURE},
    {"statsd", no_argument, NULL, OPT_STATSD},
    {"statsd-address", required_argument, NULL, OPT_STATSD_ADDR},
    {"json", required_argument, NULL, OPT_JSON},
    {"html", required_argument, NULL, OPT_HTML},
    {"junit", required_argument, NULL, OPT_JUNIT},
    {"config", required_argument, NULL, OPT_CONFIG},
    {"start-at", required_argument, NULL, OPT_START_AT},
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
    o->max_body = MT_HTTP_MAX_BODY_DEFAULT;
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

/* A size in bytes, with an optional k, m or g (powers of 1024). */
static int set_size(const char *arg, long *out, const char *name, char *err, size_t errlen)
{
    char *end;
    errno = 0;
    long long v = strtoll(arg, &end, 10);
    bool digits = end != arg;
    int shift = 0;
    if (*end == 'k' || *end == 'K') shift = 10;
    if (*end == 'm' || *end == 'M') shift = 20;
    if (*end == 'g' || *end == 'G') shift = 30;
    if (shift) end++;
    if (errno || !digits || *end || v < 0 || v > (1LL << 40) >> shift)
        return fail(err, errlen,
                    "%s: expected a size in bytes (such as 65536, 512k or 8m), got '%s'", name,
                    arg);
    *out = (long)(v << shift);
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
    case OPT_ABORT_AFTER: rc = set_int(arg, 1, 1L << 40, &o->abort_after, name, err, errlen); break;
    case 'c': break;             /* Molotov's console: the default, and the only one */
    case OPT_DISABLE_DNS: break; /* libcurl resolves per connection: nothing is resolved ahead */
    case OPT_USE_EXTENSION:
        if (o->nextensions == MT_MAX_EXTENSIONS)
            rc = fail(err, errlen, "%s: at most %d extensions", name, MT_MAX_EXTENSIONS);
        else if (access(arg, R_OK) != 0)
            rc = fail(err, errlen, "%s: cannot read '%s': %s", name, arg, strerror(errno));
        else
            o->extensions[o->nextensions++] = arg;
        break;
    case OPT_SIZING: o->sizing = true; break;
    case OPT_SIZING_TOL: rc = set_num(arg, &o->sizing_tolerance, name, err, errlen); break;
    case OPT_SIZING_P99: rc = set_num(arg, &o->sizing_p99, name, err, errlen); break;
    case OPT_RATE: rc = set_num(arg, &o->rate, name, err, errlen); break;
    case OPT_TIMEOUT: rc = set_num(arg, &o->timeout, name, err, errlen); break;
    case OPT_CONNECT_TIMEOUT: rc = set_num(arg, &o->connect_timeout, name, err, errlen); break;
    case OPT_CACERT:
        o->cacert = arg;
        if (access(arg, R_OK) != 0)
            rc = fail(err, errlen, "%s: cannot read '%s': %s", name, arg, strerror(errno));
        break;
    case OPT_MAX_BODY: rc = set_size(arg, &o->max_body, name, err, errlen); break;
    case OPT_PROXY:
        o->proxy = arg;
        if (!strstr(arg, "://"))
            rc = fail(err, errlen, "%s: expected a URL such as http://host:3128, got '%s'", name,
                      arg);
        break;
    case OPT_TRUST_ENV: o->trust_env = true; break;
    case OPT_CONSOLE_UPDATE: rc = set_num(arg, &o->console_update, name, err, errlen); break;
    case OPT_HTTP2: o->http2 = true; break;
    case OPT_INSECURE: o->insecure = true; break;
    case OPT_STATSD: o->statsd = true; break;
    case OPT_STATSD_ADDR: o->statsd_address = arg; break;
    case OPT_JSON: o->json_path = arg; break;
    case OPT_HTML: o->html_path = arg; break;
    case OPT_JUNIT: o->junit_path = arg; break;
    case OPT_CONFIG: o->config = arg; break;
    case OPT_START_AT:
        if (mt_options_parse_time(arg, &o->start_at))
            rc = fail(err, errlen, "%s: expected Unix seconds or an ISO-8601 time, got '%s'", name,
                      arg);
        break;
    case OPT_THRESHOLD:
        if (o->nthresholds == MT_MAX_THRESHOLDS)
            return fail(err, errlen, "%s: at most %d thresholds", name, MT_MAX_THRESHOLDS);
        o->thresholds[o->nthresholds++] = arg;
        break;
    }
    return rc;
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
    return MT_OK;
}

/* One getopt pass over argv into o; the first positional argument is the
 * scenario, or with --config the test. */
static int parse_argv(mt_options *o, int argc, char **argv, char *err, size_t errlen)
{
    optind = 0; /* full reinitialisation, so the parser can run more than once */
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":w:p:d:r:s:xf:qvhc", long_opts, NULL)) != -1) {
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
    if (optind < argc) {
        if (o->config)
            o->config_test = argv[optind++];
        else
            o->scenario = argv[optind++];
    }
    if (optind < argc) return fail(err, errlen, "%s: unexpected argument", argv[optind]);
    return MT_OK;
}

/* --config FILE [TEST]: the command line, then the file's test over it,
 * as Molotov does (it sets the test's keys on the parsed arguments). */
static int apply_config(mt_options *o, int argc, char **argv, char *err, size_t errlen)
{
    (void)argc;
    (void)argv;
    return mt_config_apply(o, o->config, o->config_test, err, errlen);
}

void mt_options_file_wins(mt_options *o, const char *name)
{
    if (!strcmp(name, "quiet")) o->verbose = 0;
    if (!strcmp(name, "verbose")) o->quiet = false;
    if (!strcmp(name, "max-runs") || !strcmp(name, "single-mode")) o->single_run = false;
    if (!strcmp(name, "single-run")) o->max_runs = 0, o->single_mode = NULL;
    if (!strcmp(name, "rate")) o->sizing = false;
    if (!strcmp(name, "sizing")) o->rate = 0;
}

int mt_options_clear(mt_options *o, const char *name)
{
    static const struct {
        const char *name;
        size_t off;
    } flags[] = {
        {"single-run", offsetof(mt_options, single_run)},
        {"exception", offsetof(mt_options, exception)},
        {"force-shutdown", offsetof(mt_options, force_shutdown)},
        {"sizing", offsetof(mt_options, sizing)},
        {"http2", offsetof(mt_options, http2)},
        {"insecure", offsetof(mt_options, insecure)},
        {"statsd", offsetof(mt_options, statsd)},
        {"quiet", offsetof(mt_options, quiet)},
        {"trust-env", offsetof(mt_options, trust_env)},
    };
    for (size_t i = 0; i < sizeof flags / sizeof *flags; i++) {
        if (strcmp(flags[i].name, name) != 0) continue;
        *(bool *)((char *)o + flags[i].off) = false;
        return MT_OK;
    }
    return MT_ENOENT; /* a flag that only counts or does nothing: unchanged */
}

static bool is_lua_file(const char *s)
{
    size_t n = strlen(s);
    return s[0] != '-' && n > 4 && strcmp(s + n - 4, ".lua") == 0;
}

/* Molotov's --use-extension takes several files: "--use-extension a b"
 * becomes "--use-extension a --use-extension b" (the last argument stays
 * the scenario). The new argv (kept) points into argv. */
static char **expand_extensions(int argc, char **argv, int *out_argc)
{
    static char flag[] = "--use-extension";
    char **v = mt_calloc((size_t)argc * 2 + 1, sizeof(char *));
    int n = 0;
    for (int i = 0; i < argc; i++) {
        v[n++] = argv[i];
        if (strcmp(argv[i], flag) != 0 || i + 1 >= argc) continue;
        v[n++] = argv[++i];
        while (i + 2 < argc && is_lua_file(argv[i + 1])) {
            v[n++] = flag;
            v[n++] = argv[++i];
        }
    }
    *out_argc = n;
    return v;
}

static int override_argc;
static char **override_argv;

void mt_options_set_overrides(int argc, char **argv)
{
    override_argc = argc;
    override_argv = argv;
}

int mt_options_parse(mt_options *o, int argc, char **argv, char *err, size_t errlen)
{
    static char **expanded; /* the options point into it for the whole run */
    free(expanded);
    expanded = expand_extensions(argc, argv, &argc);
    argv = expanded;
    int rc = parse_argv(o, argc, argv, err, errlen);
    if (rc || o->show_help || o->show_version) return rc;
    if (o->config && (rc = apply_config(o, argc, argv, err, errlen))) return rc;
    if (override_argc > 1) { /* molotov slave's options after --: over the file's test */
        const char *scenario = o->scenario, *test = o->config_test;
        rc = parse_argv(o, override_argc, override_argv, err, errlen);
        o->scenario = scenario;
        o->config_test = test;
        if (rc) return rc;
    }
    sizing_defaults(o);
    return validate(o, err, errlen);
}

/* ---- what the config file needs ---- */

static const struct option *find_long(const char *name)
{
    for (const struct option *lo = long_opts; lo->name; lo++)
        if (strcmp(lo->name, name) == 0) return lo;
    return NULL;
}

int mt_options_is_flag(const char *name)
{
    const struct option *lo = find_long(name);
    if (!lo) return -1;
    return lo->has_arg == no_argument;
}

int mt_options_set(mt_options *o, const char *name, const char *value, char *err, size_t errlen)
{
    const struct option *lo = find_long(name);
    if (!lo) return MT_ENOENT;
    return apply(o, lo->val, value, err, errlen);
}

/* "HH:MM[:SS[.fff]]" at *p; advances p. */
static bool parse_clock(const char **p, struct tm *tm, double *frac)
{
    int n = 0;
    if (sscanf(*p, "%2d:%2d%n", &tm->tm_hour, &tm->tm_min, &n) != 2 || n != 5) return false;
    *p += 5;
    if (**p != ':') return true;
    (*p)++;
    if (!isdigit((unsigned char)(*p)[0]) || !isdigit((unsigned char)(*p)[1])) return false;
    char *end;
    double sec = strtod(*p, &end);
    if (sec >= 61) return false;
    tm->tm_sec = (int)sec;
    *frac = sec - tm->tm_sec;
    *p = end;
    return true;
}

/* "Z", "+HH:MM", "-HHMM" or nothing (UTC) at p: the offset in seconds. */
static bool parse_zone(const char *p, long *offset)
{
    int h = 0, m = 0, n = 0;
    *offset = 0;
    if (*p == 'Z' || *p == 'z') return p[1] == 0;
    if (*p == 0) return true;
    if ((*p != '+' && *p != '-') || !isdigit((unsigned char)p[1])) return false;
    if (!(sscanf(p + 1, "%2d:%2d%n", &h, &m, &n) == 2 && n == 5) &&
        !(sscanf(p + 1, "%2d%2d%n", &h, &m, &n) == 2 && n == 4))
        return false;
    if (p[1 + n] || h < 0 || h > 23 || m < 0 || m > 59) return false;
    *offset = (*p == '-' ? -1 : 1) * (h * 3600L + m * 60L);
    return true;
}

int mt_options_parse_time(const char *s, double *out)
{
    if (*s && strspn(s, "0123456789.") == strlen(s)) {
        double v = 0;
        if (parse_seconds(s, &v) || v <= 0 || v >= 1e11) return MT_EINVAL; /* before 5138 */
        *out = v;
        return MT_OK;
    }
    struct tm tm = {0};
    int n = 0;
    if (sscanf(s, "%4d-%2d-%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &n) != 3 || n != 10)
        return MT_EINVAL;
    const char *p = s + 10;
    if (*p != 'T' && *p != 't' && *p != ' ') return MT_EINVAL;
    p++;
    double frac = 0;
    long offset;
    if (!parse_clock(&p, &tm, &frac) || !parse_zone(p, &offset)) return MT_EINVAL;
    if (tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour < 0 ||
        tm.tm_hour > 23 || tm.tm_min < 0 || tm.tm_min > 59 || tm.tm_sec < 0)
        return MT_EINVAL;
    struct tm asked = tm;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    time_t t = timegm(&tm); /* normalises 31 February into March: refuse that */
    if (tm.tm_mday != asked.tm_mday || tm.tm_mon != asked.tm_mon - 1) return MT_EINVAL;
    *out = (double)t + frac - (double)offset;
    return MT_OK;
}

const char *mt_options_usage(void)
{
    return "usage: molotov [options] [scenario.lua]\n"
           "       molotov --config molotov.json [options] [TEST]\n"
           "       molotov merge REPORT.json... [--json F] [--html F] [--junit F]\n"
           "                     [--threshold E]... [-q]\n"
           "       molotov quickstart [DIR]\n"
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
           "  -f, --fail N           the run fails (exit 1) when it ends with N failures or more\n"
           "      --abort-after N    stop the run (exit 1) as soon as failures reach N\n"
           "  -c, --console          accepted for Molotov's command lines (the console is the "
           "default)\n"
           "      --disable-dns-resolve  accepted (libcurl resolves per connection: nothing "
           "ahead)\n"
           "      --use-extension FILE...  Lua files run before the scenario (listeners, "
           "fixtures)\n"
           "      --force-shutdown   at the deadline, cancel requests in flight\n"
           "      --rate R           open model: start R scenarios per second in total\n"
           "                         (-w per process is the pool; --ramp-up ramps the rate)\n"
           "      --start-at TIME    wait until TIME (Unix seconds or ISO-8601) to start,\n"
           "                         so runners on several machines begin together\n"
           "      --config FILE      take options from a Molotov-style molotov.json; the\n"
           "                         argument names the test (options given here win)\n"
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
           "      --max-body SIZE    body bytes kept per response; the rest is read and\n"
           "                         discarded (default 8m; 0 keeps none)\n"
           "      --http2            HTTP/2 (ALPN on https, prior knowledge on http)\n"
           "      --insecure         do not verify TLS certificates\n"
           "      --cacert FILE      verify servers with the CA certificates in FILE (PEM)\n"
           "      --proxy URL        send every request through this proxy (http:// or https://)\n"
           "      --trust-env        use http_proxy/https_proxy/no_proxy from the environment\n"
           "                         (ignored otherwise, as Molotov does)\n"
           "      --statsd           send per-request StatsD metrics (Molotov's names)\n"
           "      --statsd-address URL  where to (default udp://127.0.0.1:8125)\n"
           "\n"
           "Output:\n"
           "      --threshold EXPR   pass/fail criterion, repeatable: p99<250ms,\n"
           "                         failure_rate<1%, scenario:NAME:p95<1s, ... (exit 99)\n"
           "      --json FILE        the JSON report (what `molotov merge` combines)\n"
           "      --html FILE        a self-contained HTML report with plots\n"
           "      --junit FILE       JUnit XML: a testcase per scenario and per threshold\n"
           "      --console-update S live display refresh (default 0.2)\n"
           "  -q, --quiet            print nothing but errors\n"
           "  -v, --verbose          failure tracebacks; -vv: every request and response\n"
           "      --version          print the version and exit\n"
           "  -h, --help             this help\n"
           "\n"
           "Exit codes: 0 ok, 1 a criterion failed (-f, -x, --single-run, -s),\n"
           "            2 usage, config or script error, 99 a threshold failed,\n"
           "            130 interrupted.\n";
}

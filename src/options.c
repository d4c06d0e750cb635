/* options.c: the table of the options (options.def) and what it drives:
 * getopt over the command line, each value checked by its kind and set in
 * mt_options, the defaults, setting an option by name (the config file's
 * way in), the checks of the options together, and the --help text. Every
 * error names the option it is about; nothing here starts any work. */
#include "molotov/options.h"
#include "molotov/common.h"
#include "molotov/dashboard_addr.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* ---- the lists' setters, then the table ---- */

static int set_threshold(mt_options *o, const char *arg, const char *name, char *err, size_t errlen)
{
    if (o->nthresholds == MT_MAX_THRESHOLDS)
        return mt_error(err, errlen, MT_EINVAL, "%s: at most %d thresholds", name,
                        MT_MAX_THRESHOLDS);
    o->thresholds[o->nthresholds++] = arg;
    return MT_OK;
}

static int set_extension(mt_options *o, const char *arg, const char *name, char *err, size_t errlen)
{
    if (o->nextensions == MT_MAX_EXTENSIONS)
        return mt_error(err, errlen, MT_EINVAL, "%s: at most %d extensions", name,
                        MT_MAX_EXTENSIONS);
    if (access(arg, R_OK) != 0)
        return mt_error(err, errlen, MT_EINVAL, "%s: cannot read '%s': %s", name, arg,
                        strerror(errno));
    o->extensions[o->nextensions++] = arg;
    return MT_OK;
}

const mt_option mt_options_table[MT_NOPTIONS] = {
#define MT_OPTION(id, name, sh, kind, off, def, min, max, flags, clears, set, group, metavar,      \
                  help)                                                                            \
    [MT_OPT_##id] = {name, sh, kind, off, def, min, max, flags, clears, set, group, metavar, help},
#include "molotov/options.def"
#undef MT_OPTION
};

#define HAS_ARG(kind) ((kind) <= MT_OPTK_ACCEPTED ? no_argument : required_argument)

/* getopt's val: the short letter, or 256 + the id */
static const struct option long_opts[] = {
#define MT_OPTION(id, name, sh, kind, ...)                                                         \
    {name, HAS_ARG(kind), NULL, (sh) ? (sh) : 256 + MT_OPT_##id},
#include "molotov/options.def"
#undef MT_OPTION
    {NULL, 0, NULL, 0},
};

const mt_option *mt_options_find(const char *name)
{
    for (int i = 0; i < MT_NOPTIONS; i++)
        if (strcmp(mt_options_table[i].name, name) == 0) return &mt_options_table[i];
    return NULL;
}

const char *mt_option_key(const mt_option *r, char *key, size_t keylen)
{
    snprintf(key, keylen, "%s", r->name);
    for (char *p = key; *p; p++)
        if (*p == '-') *p = '_';
    return key;
}

/* The row of getopt's val c, or NULL. */
static const mt_option *row_of(int c)
{
    if (c >= 256) return c - 256 < MT_NOPTIONS ? &mt_options_table[c - 256] : NULL;
    for (int i = 0; c > 0 && i < MT_NOPTIONS; i++)
        if (mt_options_table[i].shortname == c) return &mt_options_table[i];
    return NULL;
}

/* The option as the user may have typed it, for messages: "-w/--workers". */
static const char *label(const mt_option *r, char *tmp)
{
    if (r->shortname)
        snprintf(tmp, 64, "-%c/--%s", r->shortname, r->name);
    else
        snprintf(tmp, 64, "--%s", r->name);
    return tmp;
}

/* ---- values by kind ---- */

typedef enum { ST_NONE, ST_BOOL, ST_INT, ST_LONG, ST_DOUBLE, ST_STR } storage;

static storage storage_of(mt_optkind k)
{
    switch (k) {
    case MT_OPTK_FLAG: return ST_BOOL;
    case MT_OPTK_COUNT:
    case MT_OPTK_INT:
    case MT_OPTK_LIST:
    case MT_OPTK_FILES: return ST_INT;
    case MT_OPTK_LONG:
    case MT_OPTK_SIZE: return ST_LONG;
    case MT_OPTK_NUM:
    case MT_OPTK_TIME: return ST_DOUBLE;
    case MT_OPTK_STR:
    case MT_OPTK_FILE:
    case MT_OPTK_URL:
    case MT_OPTK_ADDR: return ST_STR;
    case MT_OPTK_ACCEPTED: break;
    }
    return ST_NONE;
}

/* Row r's field in o; NULL for an option with none (MT_NOFF). */
static void *field(mt_options *o, const mt_option *r)
{
    return r->off == MT_NOFF ? NULL : (char *)o + r->off;
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

static int set_int(const char *arg, const mt_option *r, long *out, const char *name, char *err,
                   size_t errlen)
{
    if (parse_long(arg, r->min, out) || *out > r->max)
        return mt_error(err, errlen, MT_EINVAL, "%s: expected an integer from %ld to %ld, got '%s'",
                        name, r->min, r->max, arg);
    return MT_OK;
}

static int set_num(const char *arg, const mt_option *r, double *out, const char *name, char *err,
                   size_t errlen)
{
    if (parse_seconds(arg, out))
        return mt_error(err, errlen, MT_EINVAL, "%s: expected a non-negative number, got '%s'",
                        name, arg);
    if ((r->flags & MT_OPTF_POSITIVE) && *out <= 0)
        return mt_error(err, errlen, MT_EINVAL, "%s: must be more than 0", name);
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
        return mt_error(err, errlen, MT_EINVAL,
                        "%s: expected a size in bytes (such as 65536, 512k or 8m), got '%s'", name,
                        arg);
    *out = (long)(v << shift);
    return MT_OK;
}

/* A string, checked by its kind (set even when the check fails). */
static int set_str(const mt_option *r, const char **p, const char *arg, const char *name, char *err,
                   size_t errlen)
{
    *p = arg;
    if (r->kind == MT_OPTK_FILE && access(arg, R_OK) != 0)
        return mt_error(err, errlen, MT_EINVAL, "%s: cannot read '%s': %s", name, arg,
                        strerror(errno));
    if (r->kind == MT_OPTK_URL && !strstr(arg, "://"))
        return mt_error(err, errlen, MT_EINVAL,
                        "%s: expected a URL such as http://host:3128, got '%s'", name, arg);
    mt_dash_addr a;
    char why[256];
    if (r->kind == MT_OPTK_ADDR && mt_dash_addr_parse(arg, &a, why, sizeof why))
        return mt_error(err, errlen, MT_EINVAL, "%s: %s", name, why);
    return MT_OK;
}

/* Row r's value arg (NULL for a flag) into o; name is for messages. */
static int set_value(mt_options *o, const mt_option *r, const char *arg, const char *name,
                     char *err, size_t errlen)
{
    void *p = field(o, r);
    long n = 0;
    switch (r->kind) {
    case MT_OPTK_FLAG: *(bool *)p = true; return MT_OK;
    case MT_OPTK_COUNT: /* -v once more, or a config file's level */
        if (arg && set_int(arg, r, &n, name, err, errlen)) return MT_EINVAL;
        *(int *)p = arg ? (int)n : *(int *)p + 1;
        return MT_OK;
    case MT_OPTK_ACCEPTED: return MT_OK;
    case MT_OPTK_INT:
        if (set_int(arg, r, &n, name, err, errlen)) return MT_EINVAL;
        *(int *)p = (int)n;
        return MT_OK;
    case MT_OPTK_LONG: return set_int(arg, r, p, name, err, errlen);
    case MT_OPTK_NUM: return set_num(arg, r, p, name, err, errlen);
    case MT_OPTK_TIME:
        if (mt_options_parse_time(arg, p))
            return mt_error(err, errlen, MT_EINVAL,
                            "%s: expected Unix seconds or an ISO-8601 time, got '%s'", name, arg);
        return MT_OK;
    case MT_OPTK_SIZE: return set_size(arg, p, name, err, errlen);
    case MT_OPTK_STR:
    case MT_OPTK_FILE:
    case MT_OPTK_URL:
    case MT_OPTK_ADDR: return set_str(r, p, arg, name, err, errlen);
    case MT_OPTK_LIST:
    case MT_OPTK_FILES: return r->set(o, arg, name, err, errlen);
    }
    return MT_OK;
}

/* An option given (on the command line or in a config file). */
static int apply(mt_options *o, const mt_option *r, const char *arg, char *err, size_t errlen)
{
    char tmp[64];
    o->given[r - mt_options_table] = true;
    return set_value(o, r, arg, label(r, tmp), err, errlen);
}

void mt_options_defaults(mt_options *o)
{
    memset(o, 0, sizeof(*o));
    o->scenario = "loadtest.lua";
    for (int i = 0; i < MT_NOPTIONS; i++) {
        const mt_option *r = &mt_options_table[i];
        char err[256]; /* a default that does not parse: test_options_table */
        if (r->def) set_value(o, r, r->def, r->name, err, sizeof err);
    }
}

mt_optval mt_options_get(const mt_options *o, const mt_option *r)
{
    mt_optval v = {.type = MT_OPTV_NUM};
    const void *p = field((mt_options *)o, r);
    switch (r->kind == MT_OPTK_LIST || r->kind == MT_OPTK_FILES ? ST_NONE : storage_of(r->kind)) {
    case ST_BOOL: v.type = MT_OPTV_BOOL, v.b = *(const bool *)p; break;
    case ST_INT: v.num = *(const int *)p; break;
    case ST_LONG: v.num = (double)*(const long *)p; break;
    case ST_DOUBLE: v.num = *(const double *)p; break;
    case ST_STR:
        v.str = *(const char *const *)p;
        v.type = v.str ? MT_OPTV_STR : MT_OPTV_NONE;
        break;
    case ST_NONE: v.type = MT_OPTV_NONE; break;
    }
    return v;
}

/* Row r back to zero (a list to empty). */
static void reset(mt_options *o, const mt_option *r)
{
    void *p = field(o, r);
    switch (storage_of(r->kind)) {
    case ST_BOOL: *(bool *)p = false; break;
    case ST_INT: *(int *)p = 0; break;
    case ST_LONG: *(long *)p = 0; break;
    case ST_DOUBLE: *(double *)p = 0; break;
    case ST_STR: *(const char **)p = NULL; break;
    case ST_NONE: break;
    }
}

/* ---- the command line ---- */

/* getopt's short options, from the table: ":w:p:d:...". */
static const char *short_opts(void)
{
    static char s[2 * MT_NOPTIONS + 2];
    size_t n = 0;
    s[n++] = ':';
    for (int i = 0; i < MT_NOPTIONS; i++) {
        const mt_option *r = &mt_options_table[i];
        if (!r->shortname) continue;
        s[n++] = (char)r->shortname;
        if (HAS_ARG(r->kind) == required_argument) s[n++] = ':';
    }
    s[n] = 0;
    return s;
}

/* One getopt pass over argv into o; the first positional argument is the
 * scenario, or with --config the test. */
static int parse_argv(mt_options *o, int argc, char **argv, char *err, size_t errlen)
{
    optind = 0; /* full reinitialisation, so the parser can run more than once */
    opterr = 0;
    const char *shorts = short_opts();
    int c;
    while ((c = getopt_long(argc, argv, shorts, long_opts, NULL)) != -1) {
        char tmp[64];
        const mt_option *r = row_of(c == '?' || c == ':' ? optopt : c);
        if (c == '?') {
            /* getopt also answers '?' (optopt = its value) for a long flag
             * given a value, as in --quiet=1 */
            if (r) return mt_error(err, errlen, MT_EINVAL, "%s: takes no value", label(r, tmp));
            if (optopt)
                return mt_error(err, errlen, MT_EINVAL, "-%c: unknown option (see --help)", optopt);
            return mt_error(err, errlen, MT_EINVAL, "%s: unknown option (see --help)",
                            argv[optind - 1]);
        }
        if (c == ':' && r)
            return mt_error(err, errlen, MT_EINVAL, "%s: missing value", label(r, tmp));
        if (c == ':') return mt_error(err, errlen, MT_EINVAL, "-%c: missing value", optopt);
        int rc = apply(o, r, optarg, err, errlen);
        if (rc) return rc;
    }
    if (o->show_help || o->show_version) return MT_OK;
    if (optind < argc) {
        if (o->config)
            o->config_test = argv[optind++];
        else
            o->scenario = argv[optind++];
    }
    if (optind < argc)
        return mt_error(err, errlen, MT_EINVAL, "%s: unexpected argument", argv[optind]);
    return MT_OK;
}

static bool is_lua_file(const char *s)
{
    size_t n = strlen(s);
    return s[0] != '-' && n > 4 && strcmp(s + n - 4, ".lua") == 0;
}

/* Molotov's --use-extension takes several files: "--use-extension a b"
 * becomes "--use-extension a --use-extension b" (the last argument stays
 * the scenario); "--dashboard" not followed by an address is
 * "--dashboard=". The new argv (kept) points into argv. */
static char **expand_extensions(int argc, char **argv, int *out_argc)
{
    static char flag[] = "--use-extension", dash[] = "--dashboard=";
    char **v = mt_calloc((size_t)argc * 2 + 1, sizeof(char *));
    int n = 0;
    for (int i = 0; i < argc; i++) {
        v[n++] = argv[i];
        if (strcmp(argv[i], "--dashboard") == 0 &&
            (i + 1 >= argc || !mt_dash_addr_like(argv[i + 1])))
            v[n - 1] = dash;
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

int mt_options_parse(mt_options *o, int argc, char **argv, char *err, size_t errlen)
{
    static char **expanded; /* the options point into it for the whole run */
    free(expanded);
    expanded = expand_extensions(argc, argv, &argc);
    return parse_argv(o, argc, expanded, err, errlen);
}

static int override_argc;
static char **override_argv;

void mt_options_set_overrides(int argc, char **argv)
{
    override_argc = argc;
    override_argv = argv;
}

/* --sizing without -w/--ramp-up: 500 workers per process over 300 s; it ends
 * a minute after the ramp unless -d says otherwise. */
static void sizing_defaults(mt_options *o)
{
    if (!o->sizing) return;
    if (!o->given[MT_OPT_WORKERS]) o->workers = 500;
    if (!o->given[MT_OPT_RAMP_UP]) o->ramp_up = 300;
    if (!o->given[MT_OPT_DURATION]) o->duration = o->ramp_up + 60;
}

static int validate(const mt_options *o, char *err, size_t errlen)
{
    if (o->sizing && o->rate > 0)
        return mt_error(err, errlen, MT_EINVAL, "--sizing and --rate contradict each other");
    if (o->sizing && (o->single_run || o->single_mode || o->max_runs))
        return mt_error(err, errlen, MT_EINVAL,
                        "--sizing needs a duration, not --single-run, -s or -r");
    if (o->sizing_tolerance > 100)
        return mt_error(err, errlen, MT_EINVAL, "--sizing-tolerance: a percentage from 0 to 100");
    if (o->quiet && o->verbose)
        return mt_error(err, errlen, MT_EINVAL,
                        "-q/--quiet and -v/--verbose contradict each other");
    if (o->single_run && o->single_mode)
        return mt_error(err, errlen, MT_EINVAL,
                        "--single-run and -s/--single-mode contradict each other");
    if (o->single_run && o->max_runs)
        return mt_error(err, errlen, MT_EINVAL,
                        "--single-run and -r/--max-runs contradict each other");
    if (o->verbose > mt_options_table[MT_OPT_VERBOSE].max)
        return mt_error(err, errlen, MT_EINVAL, "-v: at most -vv");
    if (strcmp(o->engine, "auto") && strcmp(o->engine, "curl") && strcmp(o->engine, "native"))
        return mt_error(err, errlen, MT_EINVAL, "--engine: auto, curl or native");
    if (o->timeout <= 0) return mt_error(err, errlen, MT_EINVAL, "--timeout: must be more than 0");
    if (o->connect_timeout <= 0)
        return mt_error(err, errlen, MT_EINVAL, "--connect-timeout: must be more than 0");
    if (o->console_update <= 0)
        return mt_error(err, errlen, MT_EINVAL, "--console-update: must be more than 0");
    return MT_OK;
}

int mt_options_finish(mt_options *o, char *err, size_t errlen)
{
    if (override_argc > 1) { /* molotov slave's options after --: over the file's test */
        const char *scenario = o->scenario, *test = o->config_test;
        int rc = parse_argv(o, override_argc, override_argv, err, errlen);
        o->scenario = scenario;
        o->config_test = test;
        if (rc) return rc;
    }
    sizing_defaults(o);
    return validate(o, err, errlen);
}

/* ---- by name, for the config file and molotov merge ---- */

int mt_options_is_flag(const char *name)
{
    const mt_option *r = mt_options_find(name);
    if (!r) return -1;
    return HAS_ARG(r->kind) == no_argument;
}

int mt_options_set(mt_options *o, const char *name, const char *value, char *err, size_t errlen)
{
    const mt_option *r = mt_options_find(name);
    if (!r) return MT_ENOENT;
    return apply(o, r, value, err, errlen);
}

int mt_options_clear(mt_options *o, const char *name)
{
    const mt_option *r = mt_options_find(name);
    switch (r ? r->kind : MT_OPTK_ACCEPTED) {
    case MT_OPTK_FLAG:
    case MT_OPTK_COUNT:
    case MT_OPTK_LIST:
    case MT_OPTK_FILES: reset(o, r); return MT_OK;
    default: return MT_ENOENT; /* a value, or nothing to clear */
    }
}

void mt_options_file_wins(mt_options *o, const char *name)
{
    const mt_option *r = mt_options_find(name);
    for (const char *p = r ? r->clears : NULL; p && *p; p += strspn(p, " ")) {
        char other[64];
        size_t n = strcspn(p, " ");
        snprintf(other, sizeof other, "%.*s", (int)n, p);
        const mt_option *x = mt_options_find(other);
        if (x) reset(o, x);
        p += n;
    }
}

/* ---- --start-at's times ---- */

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

/* ---- --help ---- */

static const char USAGE_HEAD[] =
    "usage: molotov [options] [scenario.lua]\n"
    "       molotov --config molotov.json [options] [TEST]\n"
    "       molotov merge REPORT.json... [--json F] [--html F] [--junit F]\n"
    "                     [--threshold E]... [--force] [-q]\n"
    "       molotov slave [--keep] [--config FILE] REPO[#REF] [TEST] [-- options]\n"
    "       molotov quickstart [DIR]\n"
    "       molotov serve [--host H] [--port N] [--duration S]\n"
    "\n"
    "Load test an HTTP service with scenarios written in Lua (default: loadtest.lua).\n";

static const char USAGE_TAIL[] =
    "\n"
    "Exit codes: 0 ok, 1 the run failed (-f, -x, --abort-after, --single-run, -s,\n"
    "            no success at all, setup failed, a process crashed, a report\n"
    "            not written), 2 usage, config or script error, 99 a threshold\n"
    "            failed, 130 interrupted.\n";

#define HELP_COLUMN 25 /* where the help texts start */

/* One option's lines: "  -w, --workers N        text", a text's '\n'
 * continued under it. */
static void usage_row(mt_buf *b, const mt_option *r)
{
    size_t start = b->len;
    if (r->shortname)
        mt_buf_printf(b, "  -%c, --%s", r->shortname, r->name);
    else
        mt_buf_printf(b, "      --%s", r->name);
    if (r->metavar) mt_buf_printf(b, " %s", r->metavar);
    size_t width = b->len - start;
    mt_buf_printf(b, "%*s", width < HELP_COLUMN ? (int)(HELP_COLUMN - width) : 2, "");
    for (const char *p = r->help; *p;) {
        size_t n = strcspn(p, "\n");
        mt_buf_printf(b, "%.*s\n", (int)n, p);
        p += n;
        if (*p) mt_buf_printf(b, "%*s", HELP_COLUMN, ""), p++;
    }
}

const char *mt_options_usage(void)
{
    static mt_buf b; /* built once, kept for the process */
    if (b.len) return b.data;
    mt_buf_printf(&b, "%s", USAGE_HEAD);
    const char *group = NULL;
    for (int i = 0; i < MT_NOPTIONS; i++) {
        const mt_option *r = &mt_options_table[i];
        if (!group || strcmp(group, r->group) != 0) mt_buf_printf(&b, "\n%s:\n", r->group);
        group = r->group;
        usage_row(&b, r);
    }
    mt_buf_printf(&b, "%s", USAGE_TAIL);
    return b.data;
}

/* threshold.c: the --threshold grammar of docs/cli.md "Thresholds",
 *   [scenario:NAME:|request:LABEL:]METRIC OP VALUE
 * (and `requests:` for every request, `ok:` before a latency metric for the
 * requests or runs that did not fail), parsed into an mt_threshold, and its
 * evaluation against a measured value.
 * A NAME/LABEL ends at the last ':' followed by a metric name, so labels may
 * hold spaces, slashes and colons ("request:GET http://x:8080/a:p99<1s").
 * Spaces and tabs may surround the operator and follow the value, nowhere
 * else. Values are plain decimals ("250", "0.5", ".5"), never negative.
 * Latency limits are stored in milliseconds, failure_rate in percent. */
#include "molotov/threshold.h"
#include "molotov/common.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define METRIC_LIST "p50, p90, p95, p99, p99.9, max, mean, failure_rate, failures or rps"

static const char *const metric_names[] = {
    [MT_METRIC_P50] = "p50",           [MT_METRIC_P90] = "p90",
    [MT_METRIC_P95] = "p95",           [MT_METRIC_P99] = "p99",
    [MT_METRIC_P999] = "p99.9",        [MT_METRIC_MAX] = "max",
    [MT_METRIC_MEAN] = "mean",         [MT_METRIC_FAILURE_RATE] = "failure_rate",
    [MT_METRIC_FAILURES] = "failures", [MT_METRIC_RPS] = "rps",
};
#define NMETRICS (sizeof metric_names / sizeof metric_names[0])

static const char *const op_texts[] = {
    [MT_OP_LT] = "<",
    [MT_OP_LE] = "<=",
    [MT_OP_GT] = ">",
    [MT_OP_GE] = ">=",
};
/* Two-character operators first, so "<=" is not read as "<" then "=". */
static const mt_op op_order[] = {MT_OP_LE, MT_OP_GE, MT_OP_LT, MT_OP_GT};

static const struct {
    const char *prefix;
    mt_scope scope;
    const char *what; /* for messages; NULL: the scope takes no name */
} scopes[] = {
    {"scenario:", MT_SCOPE_SCENARIO, "scenario name"},
    {"request:", MT_SCOPE_REQUEST, "request label"},
    {"requests:", MT_SCOPE_REQUESTS, NULL},
};

#define OK_PREFIX "ok:"

typedef enum { KIND_LATENCY, KIND_RATE, KIND_COUNT, KIND_RPS } value_kind;

/* Where an error goes: the expression is quoted at the start of every message. */
typedef struct {
    const char *expr;
    char *err;
    size_t errlen;
} ctx;

static int fail(const ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(const ctx *c, const char *fmt, ...)
{
    if (!c->err || !c->errlen) return MT_EINVAL;
    int max = (int)sizeof((mt_threshold){0}.expr) - 1;
    const char *more = strlen(c->expr) > (size_t)max ? "..." : "";
    int n = snprintf(c->err, c->errlen, "--threshold '%.*s%s': ", max, c->expr, more);
    if (n >= 0 && (size_t)n < c->errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(c->err + n, c->errlen - (size_t)n, fmt, ap);
        va_end(ap);
    }
    for (char *p = c->err; *p; p++) /* one line, whatever the input held */
        if ((unsigned char)*p < 0x20 || *p == 0x7f) *p = '?';
    return MT_EINVAL;
}

static bool is_space(char ch)
{
    return ch == ' ' || ch == '\t';
}

static const char *skip_space(const char *p)
{
    while (is_space(*p)) p++;
    return p;
}

/* A metric (or mistaken scope) word: up to an operator, a space or a ':'. */
static size_t word_len(const char *s)
{
    return strcspn(s, "<>=!: \t");
}

/* A unit or trailing word: up to a space. */
static size_t unit_len(const char *s)
{
    return strcspn(s, " \t");
}

static bool lookup_metric(const char *s, size_t n, mt_metric *m)
{
    for (size_t i = 0; i < NMETRICS; i++) {
        if (strlen(metric_names[i]) == n && strncmp(s, metric_names[i], n) == 0) {
            *m = (mt_metric)i;
            return true;
        }
    }
    return false;
}

/* The ':' ending a NAME/LABEL: the last one followed by a metric name, else
 * the last one (so the word after it is reported as an unknown metric). */
static const char *name_end(const char *s)
{
    const char *found = NULL;
    mt_metric m;
    for (const char *q = strchr(s, ':'); q; q = strchr(q + 1, ':'))
        if (lookup_metric(q + 1, word_len(q + 1), &m)) found = q;
    return found ? found : strrchr(s, ':');
}

static int parse_name(const ctx *c, const char **p, const char *what, mt_threshold *t)
{
    const char *end = name_end(*p);
    if (!end) return fail(c, "expected ':' between the %s and the metric", what);
    size_t n = (size_t)(end - *p);
    if (n == 0) return fail(c, "empty %s", what);
    if (n >= sizeof t->name)
        return fail(c, "%s longer than %zu characters", what, sizeof t->name - 1);
    memcpy(t->name, *p, n);
    t->name[n] = '\0';
    *p = end + 1;
    if (n > 3 && strcmp(t->name + n - 3, ":ok") == 0) { /* NAME:ok:METRIC */
        t->name[n - 3] = '\0';
        t->ok = true;
    }
    return MT_OK;
}

static void parse_ok(const char **p, mt_threshold *t)
{
    if (strncmp(*p, OK_PREFIX, strlen(OK_PREFIX)) != 0) return;
    t->ok = true;
    *p += strlen(OK_PREFIX);
}

static int parse_scope(const ctx *c, const char **p, mt_threshold *t)
{
    t->scope = MT_SCOPE_TOTAL;
    for (size_t i = 0; i < sizeof scopes / sizeof scopes[0]; i++) {
        size_t n = strlen(scopes[i].prefix);
        if (strncmp(*p, scopes[i].prefix, n) != 0) continue;
        t->scope = scopes[i].scope;
        *p += n;
        if (!scopes[i].what) break;
        return parse_name(c, p, scopes[i].what, t);
    }
    parse_ok(p, t);
    return MT_OK;
}

static int parse_metric(const ctx *c, const char **p, mt_threshold *t)
{
    size_t n = word_len(*p);
    if (lookup_metric(*p, n, &t->metric)) {
        *p += n;
        return MT_OK;
    }
    if (n == 0 && is_space(**p)) return fail(c, "unexpected space before the metric");
    if (n == 0) return fail(c, "expected a metric (%s)", METRIC_LIST);
    if ((*p)[n] == ':' && t->scope == MT_SCOPE_TOTAL)
        return fail(c,
                    "unknown scope '%.*s' (expected scenario:NAME:, request:LABEL:, requests: "
                    "or ok:)",
                    (int)n, *p);
    return fail(c, "unknown metric '%.*s' (expected %s)", (int)n, *p, METRIC_LIST);
}

static int parse_op(const ctx *c, const char **p, mt_threshold *t)
{
    const char *q = skip_space(*p);
    for (size_t i = 0; i < sizeof op_order / sizeof op_order[0]; i++) {
        const char *text = op_texts[op_order[i]];
        if (strncmp(q, text, strlen(text)) == 0) {
            t->op = op_order[i];
            *p = skip_space(q + strlen(text));
            return MT_OK;
        }
    }
    const char *name = metric_names[t->metric];
    if (!*q) return fail(c, "missing an operator (<, <=, > or >=) after '%s'", name);
    return fail(c, "expected an operator (<, <=, > or >=) after '%s', not '%s'", name, q);
}

/* Length of a plain decimal at s: digits, optionally '.' and digits; 0 if none. */
static size_t number_len(const char *s)
{
    size_t i = strspn(s, "0123456789");
    if (s[i] != '.') return i;
    size_t frac = strspn(s + i + 1, "0123456789");
    return frac ? i + 1 + frac : 0;
}

static value_kind kind_of(mt_metric m)
{
    switch (m) {
    case MT_METRIC_FAILURE_RATE: return KIND_RATE;
    case MT_METRIC_FAILURES: return KIND_COUNT;
    case MT_METRIC_RPS: return KIND_RPS;
    default: return KIND_LATENCY;
    }
}

/* Whether u (n characters, n > 0) is a unit of kind k, and its factor to the
 * stored unit (milliseconds for latency). */
static bool unit_scale(value_kind k, const char *u, size_t n, double *scale)
{
    static const struct {
        value_kind kind;
        const char *unit;
        double scale;
    } units[] = {
        {KIND_LATENCY, "us", 0.001}, {KIND_LATENCY, "ms", 1.0}, {KIND_LATENCY, "s", 1000.0},
        {KIND_RATE, "%", 1.0},       {KIND_RPS, "/s", 1.0},
    };
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        if (units[i].kind == k && strlen(units[i].unit) == n && strncmp(u, units[i].unit, n) == 0) {
            *scale = units[i].scale;
            return true;
        }
    }
    return false;
}

static int bad_unit(const ctx *c, mt_metric m, const char *u, size_t n)
{
    switch (kind_of(m)) {
    case KIND_LATENCY: return fail(c, "unknown unit '%.*s' (expected us, ms or s)", (int)n, u);
    case KIND_RATE:
        return fail(c, "failure_rate takes no unit other than '%%', not '%.*s'", (int)n, u);
    case KIND_RPS: return fail(c, "rps takes no unit other than '/s', not '%.*s'", (int)n, u);
    default: return fail(c, "failures is a count and takes no unit, not '%.*s'", (int)n, u);
    }
}

/* The unit right after the number at num (n characters); sets *scale. */
static int parse_unit(const ctx *c, const mt_threshold *t, const char *num, size_t n, double *scale)
{
    const char *u = num + n, *next = skip_space(u);
    size_t ulen = unit_len(u);
    value_kind k = kind_of(t->metric);
    *scale = 1.0;
    if (ulen == 0 && *next && unit_scale(k, next, unit_len(next), scale))
        return fail(c, "no space allowed between '%.*s' and its unit", (int)n, num);
    if (ulen == 0 && k == KIND_LATENCY)
        return fail(c, "missing a unit (us, ms or s) after '%.*s'", (int)n, num);
    if (ulen > 0 && !unit_scale(k, u, ulen, scale)) return bad_unit(c, t->metric, u, ulen);
    const char *rest = skip_space(u + ulen);
    if (*rest) return fail(c, "unexpected '%s' after the value", rest);
    return MT_OK;
}

/* The number at p (n characters), checked against what the metric allows. */
static int number_value(const ctx *c, const mt_threshold *t, const char *p, size_t n, double *v)
{
    char buf[sizeof t->expr];
    memcpy(buf, p, n); /* n < sizeof buf: p lies within t->expr */
    buf[n] = '\0';
    *v = strtod(buf, NULL);
    if (!isfinite(*v)) return fail(c, "number '%s' out of range", buf);
    if (t->metric == MT_METRIC_FAILURES && strchr(buf, '.'))
        return fail(c, "failures is a count: expected a whole number, not '%s'", buf);
    if (t->metric == MT_METRIC_FAILURE_RATE && *v > 100.0)
        return fail(c, "failure_rate is a percentage from 0 to 100, not %s", buf);
    return MT_OK;
}

static int parse_value(const ctx *c, const char *p, mt_threshold *t)
{
    const char *op = op_texts[t->op];
    if (*p == '-' && number_len(p + 1))
        return fail(c, "the limit after '%s' must not be negative", op);
    size_t n = number_len(p);
    if (n == 0) return fail(c, "expected a number after '%s'", op);
    double v, scale;
    int rc = number_value(c, t, p, n, &v);
    if (rc == MT_OK) rc = parse_unit(c, t, p, n, &scale);
    if (rc == MT_OK) t->limit = v * scale;
    return rc;
}

int mt_threshold_parse(const char *expr, mt_threshold *t, char *err, size_t errlen)
{
    ctx c = {expr ? expr : "", err, errlen};
    memset(t, 0, sizeof *t);
    if (err && errlen) err[0] = '\0';
    size_t len = strlen(c.expr);
    if (len >= sizeof t->expr) return fail(&c, "longer than %zu characters", sizeof t->expr - 1);
    if (len == 0) return fail(&c, "empty; expected METRIC OP VALUE, e.g. p99<250ms");
    memcpy(t->expr, c.expr, len + 1);
    const char *p = t->expr;
    int rc = parse_scope(&c, &p, t);
    if (rc == MT_OK) rc = parse_metric(&c, &p, t);
    if (rc == MT_OK && t->ok && kind_of(t->metric) != KIND_LATENCY)
        rc = fail(&c, "ok: applies to latency metrics only, not %s", metric_names[t->metric]);
    if (rc == MT_OK) rc = parse_op(&c, &p, t);
    if (rc == MT_OK) rc = parse_value(&c, p, t);
    return rc;
}

bool mt_threshold_passes(const mt_threshold *t, double value)
{
    switch (t->op) {
    case MT_OP_LT: return value < t->limit;
    case MT_OP_LE: return value <= t->limit;
    case MT_OP_GT: return value > t->limit;
    case MT_OP_GE: return value >= t->limit;
    }
    return false; /* not an operator; a NaN value fails every one above too */
}

const char *mt_threshold_metric_name(mt_metric m)
{
    if ((size_t)m < NMETRICS) return metric_names[m];
    return "unknown";
}

const char *mt_threshold_unit(mt_metric m)
{
    switch (m) {
    case MT_METRIC_FAILURE_RATE: return "%";
    case MT_METRIC_FAILURES: return "";
    case MT_METRIC_RPS: return "/s";
    default: return "ms";
    }
}

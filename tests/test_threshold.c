/* test_threshold.c: the --threshold grammar (docs/cli.md "Thresholds"): every
 * example, scopes and labels with spaces, slashes and colons, unit
 * conversions, whitespace, each error and its message, and evaluation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "molotov/common.h"
#include "molotov/threshold.h"

typedef struct {
    const char *expr;
    mt_scope scope;
    const char *name;
    mt_metric metric;
    mt_op op;
    double limit;
} expect;

static void check_ok(const expect *e)
{
    mt_threshold t;
    char err[512] = "untouched";
    int rc = mt_threshold_parse(e->expr, &t, err, sizeof err);
    if (rc != MT_OK) fail_msg("'%s' rejected: %s", e->expr, err);
    if (err[0]) fail_msg("'%s': err not cleared: %s", e->expr, err);
    if (strcmp(t.expr, e->expr) != 0) fail_msg("'%s': expr kept as '%s'", e->expr, t.expr);
    if (t.scope != e->scope) fail_msg("'%s': scope %d, want %d", e->expr, t.scope, e->scope);
    if (strcmp(t.name, e->name) != 0)
        fail_msg("'%s': name '%s', want '%s'", e->expr, t.name, e->name);
    if (t.metric != e->metric)
        fail_msg("'%s': metric %s, want %s", e->expr, mt_threshold_metric_name(t.metric),
                 mt_threshold_metric_name(e->metric));
    if (t.op != e->op) fail_msg("'%s': op %d, want %d", e->expr, t.op, e->op);
    if (fabs(t.limit - e->limit) > 1e-9 * fmax(1.0, fabs(e->limit)))
        fail_msg("'%s': limit %.12g, want %.12g", e->expr, t.limit, e->limit);
}

static void check_all_ok(const expect *e, size_t n)
{
    for (size_t i = 0; i < n; i++) check_ok(&e[i]);
}

/* expr is rejected with MT_EINVAL and one line naming it and containing word. */
static void check_err(const char *expr, const char *word)
{
    mt_threshold t;
    char err[512] = "";
    int rc = mt_threshold_parse(expr, &t, err, sizeof err);
    if (rc != MT_EINVAL) fail_msg("'%s': rc %d, want MT_EINVAL", expr, rc);
    char quoted[300];
    snprintf(quoted, sizeof quoted, "--threshold '%s': ", expr);
    if (strncmp(err, quoted, strlen(quoted)) != 0) fail_msg("'%s': message '%s'", expr, err);
    if (!strstr(err + strlen(quoted), word))
        fail_msg("'%s': message '%s' lacks '%s'", expr, err, word);
    if (strchr(err, '\n')) fail_msg("'%s': message spans lines: %s", expr, err);
}

#define TOTAL MT_SCOPE_TOTAL, ""
#define N(a) (sizeof(a) / sizeof((a)[0]))

static void test_cli_md_examples(void **state)
{
    (void)state;
    static const expect e[] = {
        {"p99<250ms", TOTAL, MT_METRIC_P99, MT_OP_LT, 250},
        {"p95<=1s", TOTAL, MT_METRIC_P95, MT_OP_LE, 1000},
        {"failure_rate<1%", TOTAL, MT_METRIC_FAILURE_RATE, MT_OP_LT, 1},
        {"rps>=200", TOTAL, MT_METRIC_RPS, MT_OP_GE, 200},
        {"scenario:login:p99<300ms", MT_SCOPE_SCENARIO, "login", MT_METRIC_P99, MT_OP_LT, 300},
        {"request:GET /api:max<2s", MT_SCOPE_REQUEST, "GET /api", MT_METRIC_MAX, MT_OP_LT, 2000},
    };
    check_all_ok(e, N(e));
}

static void test_every_metric_and_name(void **state)
{
    (void)state;
    static const expect e[] = {
        {"p50<1ms", TOTAL, MT_METRIC_P50, MT_OP_LT, 1},
        {"p90<2ms", TOTAL, MT_METRIC_P90, MT_OP_LT, 2},
        {"p95<3ms", TOTAL, MT_METRIC_P95, MT_OP_LT, 3},
        {"p99<4ms", TOTAL, MT_METRIC_P99, MT_OP_LT, 4},
        {"p99.9<5ms", TOTAL, MT_METRIC_P999, MT_OP_LT, 5},
        {"max<6ms", TOTAL, MT_METRIC_MAX, MT_OP_LT, 6},
        {"mean<7ms", TOTAL, MT_METRIC_MEAN, MT_OP_LT, 7},
        {"failure_rate<8", TOTAL, MT_METRIC_FAILURE_RATE, MT_OP_LT, 8},
        {"failures<9", TOTAL, MT_METRIC_FAILURES, MT_OP_LT, 9},
        {"rps>10", TOTAL, MT_METRIC_RPS, MT_OP_GT, 10},
    };
    check_all_ok(e, N(e));
    static const char *names[] = {"p50", "p90",  "p95",          "p99",      "p99.9",
                                  "max", "mean", "failure_rate", "failures", "rps"};
    for (size_t i = 0; i < N(names); i++)
        assert_string_equal(mt_threshold_metric_name((mt_metric)i), names[i]);
    assert_int_equal(N(names), MT_METRIC_RPS + 1);
    assert_string_equal(mt_threshold_metric_name((mt_metric)99), "unknown");
}

static void test_units_and_numbers(void **state)
{
    (void)state;
    static const expect e[] = {
        {"p99<250ms", TOTAL, MT_METRIC_P99, MT_OP_LT, 250},
        {"p99<1s", TOTAL, MT_METRIC_P99, MT_OP_LT, 1000},
        {"p99<500us", TOTAL, MT_METRIC_P99, MT_OP_LT, 0.5},
        {"p99<1.5s", TOTAL, MT_METRIC_P99, MT_OP_LT, 1500},
        {"mean<.25ms", TOTAL, MT_METRIC_MEAN, MT_OP_LT, 0.25},
        {"max<0s", TOTAL, MT_METRIC_MAX, MT_OP_LT, 0},
        {"failure_rate<=0.5", TOTAL, MT_METRIC_FAILURE_RATE, MT_OP_LE, 0.5},
        {"failure_rate<100%", TOTAL, MT_METRIC_FAILURE_RATE, MT_OP_LT, 100},
        {"failure_rate>=0%", TOTAL, MT_METRIC_FAILURE_RATE, MT_OP_GE, 0},
        {"failures<=0", TOTAL, MT_METRIC_FAILURES, MT_OP_LE, 0},
        {"failures<1000000", TOTAL, MT_METRIC_FAILURES, MT_OP_LT, 1e6},
        {"rps>=200/s", TOTAL, MT_METRIC_RPS, MT_OP_GE, 200},
        {"rps>12.5", TOTAL, MT_METRIC_RPS, MT_OP_GT, 12.5},
    };
    check_all_ok(e, N(e));
}

static void test_scopes_and_labels(void **state)
{
    (void)state;
    static const expect e[] = {
        {"request:GET /api/items:p99<300ms", MT_SCOPE_REQUEST, "GET /api/items", MT_METRIC_P99,
         MT_OP_LT, 300},
        {"request:GET http://x:8080/a:p99<1s", MT_SCOPE_REQUEST, "GET http://x:8080/a",
         MT_METRIC_P99, MT_OP_LT, 1000},
        {"request:POST /a b/c:d:p99.9<=2s", MT_SCOPE_REQUEST, "POST /a b/c:d", MT_METRIC_P999,
         MT_OP_LE, 2000},
        /* a label that itself ends in a metric name: the last one is the metric */
        {"request:GET /a:max:mean<5ms", MT_SCOPE_REQUEST, "GET /a:max", MT_METRIC_MEAN, MT_OP_LT,
         5},
        {"request:x:p99:rps>1", MT_SCOPE_REQUEST, "x:p99", MT_METRIC_RPS, MT_OP_GT, 1},
        {"scenario:log in:failures<3", MT_SCOPE_SCENARIO, "log in", MT_METRIC_FAILURES, MT_OP_LT,
         3},
        {"scenario:p99:p99<1s", MT_SCOPE_SCENARIO, "p99", MT_METRIC_P99, MT_OP_LT, 1000},
        {"scenario:a:rps >= 5", MT_SCOPE_SCENARIO, "a", MT_METRIC_RPS, MT_OP_GE, 5},
        {"requests:failure_rate<1%", MT_SCOPE_REQUESTS, "", MT_METRIC_FAILURE_RATE, MT_OP_LT, 1},
        {"requests:p99<1s", MT_SCOPE_REQUESTS, "", MT_METRIC_P99, MT_OP_LT, 1000},
    };
    check_all_ok(e, N(e));
}

static void test_ok_prefix(void **state)
{
    (void)state;
    static const struct {
        const char *expr;
        mt_scope scope;
        const char *name;
        bool ok;
    } e[] = {
        {"ok:p99<250ms", MT_SCOPE_TOTAL, "", true},
        {"p99<250ms", MT_SCOPE_TOTAL, "", false},
        {"requests:ok:p95<1s", MT_SCOPE_REQUESTS, "", true},
        {"request:GET /a:ok:p99<1s", MT_SCOPE_REQUEST, "GET /a", true},
        {"request:GET http://x:1/ok:p99<1s", MT_SCOPE_REQUEST, "GET http://x:1/ok", false},
        {"scenario:login:ok:max<2s", MT_SCOPE_SCENARIO, "login", true},
    };
    for (size_t i = 0; i < N(e); i++) {
        mt_threshold t;
        char err[256];
        if (mt_threshold_parse(e[i].expr, &t, err, sizeof err)) fail_msg("%s: %s", e[i].expr, err);
        assert_int_equal(t.scope, e[i].scope);
        assert_string_equal(t.name, e[i].name);
        assert_int_equal(t.ok, e[i].ok);
    }
    mt_threshold t;
    char err[256];
    assert_int_equal(mt_threshold_parse("ok:failure_rate<1%", &t, err, sizeof err), MT_EINVAL);
    assert_non_null(strstr(err, "ok: applies to latency metrics only"));
    assert_int_equal(mt_threshold_parse("oops:p99<1s", &t, err, sizeof err), MT_EINVAL);
    assert_non_null(strstr(err, "unknown scope 'oops'"));
}

static void test_name_length_limit(void **state)
{
    (void)state;
    mt_threshold t;
    char expr[300], err[512];
    memset(expr, 0, sizeof expr);
    strcpy(expr, "scenario:");
    memset(expr + 9, 'n', sizeof t.name - 1); /* the longest name that fits */
    strcat(expr, ":p99<1s");
    assert_int_equal(mt_threshold_parse(expr, &t, err, sizeof err), MT_OK);
    assert_int_equal(strlen(t.name), sizeof t.name - 1);
    memset(expr, 0, sizeof expr);
    strcpy(expr, "scenario:");
    memset(expr + 9, 'n', sizeof t.name);
    strcat(expr, ":p99<1s");
    check_err(expr, "longer than 199");
}

static void test_expression_length_limit(void **state)
{
    (void)state;
    mt_threshold t;
    char expr[400], err[512];
    memset(expr, 0, sizeof expr);
    strcpy(expr, "p99<");
    memset(expr + 4, '0', sizeof t.expr - 1 - 4 - 2); /* exactly 255 characters */
    strcat(expr, "1s");
    assert_int_equal(strlen(expr), sizeof t.expr - 1);
    assert_int_equal(mt_threshold_parse(expr, &t, err, sizeof err), MT_OK);
    assert_true(fabs(t.limit - 1000) < 1e-9);
    memset(expr, 0, sizeof expr);
    strcpy(expr, "p99<");
    memset(expr + 4, '0', 300);
    strcat(expr, "1s");
    assert_int_equal(mt_threshold_parse(expr, &t, err, sizeof err), MT_EINVAL);
    assert_non_null(strstr(err, "longer than 255 characters"));
    assert_non_null(strstr(err, "...': "));
}

static void test_whitespace_tolerance(void **state)
{
    (void)state;
    static const expect e[] = {
        {"p99 < 250ms", TOTAL, MT_METRIC_P99, MT_OP_LT, 250},
        {"p99\t<=\t1s\t", TOTAL, MT_METRIC_P99, MT_OP_LE, 1000},
        {"rps >=200 ", TOTAL, MT_METRIC_RPS, MT_OP_GE, 200},
        {"failure_rate>  2%  ", TOTAL, MT_METRIC_FAILURE_RATE, MT_OP_GT, 2},
        {"request:GET /a:max  <  2s", MT_SCOPE_REQUEST, "GET /a", MT_METRIC_MAX, MT_OP_LT, 2000},
    };
    check_all_ok(e, N(e));
    check_err(" p99<1s", "space before the metric");
    check_err("p99<250 ms", "no space allowed between '250' and its unit");
    check_err("failure_rate<1 %", "no space");
    check_err("p99< =1s", "expected a number after '<'");
    check_err("p 99<1s", "unknown metric 'p'");
    check_err("scenario:login: p99<1s", "space before the metric");
}

static void test_error_metric_and_operator(void **state)
{
    (void)state;
    check_err("p98<1s", "unknown metric 'p98'");
    check_err("P99<1s", "unknown metric 'P99'");
    check_err("latency<1s", "expected p50, p90");
    check_err("p99", "missing an operator");
    check_err("p99=250ms", "expected an operator (<, <=, > or >=) after 'p99', not '=250ms'");
    check_err("p99==250ms", "expected an operator");
    check_err("p99!=250ms", "expected an operator");
    check_err("p99=<250ms", "expected an operator");
    check_err("<250ms", "expected a metric");
    check_err("", "empty");
    check_err("foo:p99<1s", "unknown scope 'foo'");
    check_err("request:GET http://x:8080/a:p98<1s", "unknown metric 'p98'");
}

static void test_error_scope_names(void **state)
{
    (void)state;
    check_err("scenario::p99<1s", "empty scenario name");
    check_err("request::p99<1s", "empty request label");
    check_err("scenario:p99<1s", "expected ':' between the scenario name and the metric");
    check_err("request:GET /a", "request label");
}

static void test_error_numbers_and_units(void **state)
{
    (void)state;
    check_err("p99<abc", "expected a number after '<'");
    check_err("p99<=", "expected a number after '<='");
    check_err("p99>=ms", "expected a number after '>='");
    check_err("p99<1.s", "expected a number");
    check_err("p99<+5ms", "expected a number");
    check_err("p99<-5ms", "must not be negative");
    check_err("rps>-1", "must not be negative");
    check_err("failures<-1", "must not be negative");
    check_err("p99<250", "missing a unit (us, ms or s) after '250'");
    check_err("p99<250sec", "unknown unit 'sec'");
    check_err("p99<1e3ms", "unknown unit 'e3ms'");
    check_err("p99<0x10ms", "unknown unit 'x10ms'");
    check_err("p99<250m", "unknown unit 'm'");
    check_err("p99<250%", "unknown unit '%'");
    check_err("failures<5ms", "count and takes no unit, not 'ms'");
    check_err("failures<5%", "takes no unit");
    check_err("failures<1.5", "whole number");
    check_err("failure_rate<1ms", "no unit other than '%', not 'ms'");
    check_err("failure_rate<101%", "from 0 to 100");
    check_err("rps>=200rps", "no unit other than '/s'");
    check_err("rps>=200ms", "no unit other than '/s'");
}

static void test_error_trailing_junk(void **state)
{
    (void)state;
    check_err("p99<250ms junk", "unexpected 'junk' after the value");
    check_err("rps>=200 10", "unexpected '10'");
    check_err("failures<5 x", "unexpected 'x'");
}

static void test_error_messages_are_bounded(void **state)
{
    (void)state;
    mt_threshold t;
    char small[16];
    memset(small, 'x', sizeof small);
    assert_int_equal(mt_threshold_parse("p99<abc", &t, small, sizeof small), MT_EINVAL);
    assert_int_equal(strlen(small), sizeof small - 1);
    assert_int_equal(mt_threshold_parse("p99<abc", &t, NULL, 0), MT_EINVAL);
    assert_int_equal(mt_threshold_parse(NULL, &t, small, sizeof small), MT_EINVAL);
    char err[256];
    assert_int_equal(mt_threshold_parse("p99<1s\nx", &t, err, sizeof err), MT_EINVAL);
    assert_null(strchr(err, '\n'));
}

static void check_passes(const char *expr, double below, double at, double above, bool pb, bool pa,
                         bool pab)
{
    mt_threshold t;
    char err[256];
    assert_int_equal(mt_threshold_parse(expr, &t, err, sizeof err), MT_OK);
    if (mt_threshold_passes(&t, below) != pb) fail_msg("'%s' on %g: want %d", expr, below, pb);
    if (mt_threshold_passes(&t, at) != pa) fail_msg("'%s' on %g: want %d", expr, at, pa);
    if (mt_threshold_passes(&t, above) != pab) fail_msg("'%s' on %g: want %d", expr, above, pab);
}

static void test_passes_each_operator(void **state)
{
    (void)state;
    check_passes("p99<250ms", 249.9, 250, 250.1, true, false, false);
    check_passes("p99<=250ms", 249.9, 250, 250.1, true, true, false);
    check_passes("rps>200", 199, 200, 201, false, false, true);
    check_passes("rps>=200", 199, 200, 201, false, true, true);
    check_passes("p99<500us", 0.4, 0.5, 0.6, true, false, false);
    check_passes("failures<=0", -1, 0, 1, true, true, false);
    mt_threshold t;
    char err[256];
    assert_int_equal(mt_threshold_parse("p99<1s", &t, err, sizeof err), MT_OK);
    assert_false(mt_threshold_passes(&t, NAN));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cli_md_examples),
        cmocka_unit_test(test_every_metric_and_name),
        cmocka_unit_test(test_units_and_numbers),
        cmocka_unit_test(test_scopes_and_labels),
        cmocka_unit_test(test_ok_prefix),
        cmocka_unit_test(test_name_length_limit),
        cmocka_unit_test(test_expression_length_limit),
        cmocka_unit_test(test_whitespace_tolerance),
        cmocka_unit_test(test_error_metric_and_operator),
        cmocka_unit_test(test_error_scope_names),
        cmocka_unit_test(test_error_numbers_and_units),
        cmocka_unit_test(test_error_trailing_junk),
        cmocka_unit_test(test_error_messages_are_bounded),
        cmocka_unit_test(test_passes_each_operator),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

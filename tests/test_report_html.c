/* test_report_html.c: the --html report (src/report_html.c) rendered into
 * memory from the samples in tests/data/ (a 60 s run with a latency spike,
 * failed requests and runs, a failing threshold and fixture requests; a run
 * that made no request; a --sizing run in an open model, with its capacity
 * steps and dropped starts; a run interrupted early; a merge of two parts
 * that do not overlap), from the first sample cut back to the older report
 * format, from an empty report and from strings built to break out of the
 * script element: one page, the embedded JSON reads back equal to the input
 * (request rows in their order), nothing points at the network outside that
 * data, the script builds no markup from strings and cannot end its element
 * early, and a failed write is MT_EIO.
 *
 * The pages themselves are drawn by their script in a browser; set
 * MT_REPORT_HTML_DIR=dir to keep them (dir/report-sample.html, ...) and look
 * at them. tests/data/make-report-samples.py rewrites the samples. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "molotov/common.h"
#include "molotov/report_html.h"

static const char OPEN_TAG[] = "<script type=\"application/json\" id=\"report\">";

/* tests/data/<name>, found next to this source file. */
static char *data_path(const char *name)
{
    const char *slash = strrchr(__FILE__, '/');
    size_t dir = slash ? (size_t)(slash - __FILE__) + 1 : 0;
    char *p = malloc(dir + strlen("data/") + strlen(name) + 1);
    assert_non_null(p);
    memcpy(p, __FILE__, dir);
    strcpy(p + dir, "data/");
    strcat(p, name);
    return p;
}

static cJSON *load(const char *name)
{
    char *path = data_path(name);
    FILE *f = fopen(path, "rb");
    if (!f) fail_msg("cannot open %s", path);
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) fwrite(chunk, 1, n, mem);
    fclose(f);
    fclose(mem);
    cJSON *j = cJSON_Parse(text);
    if (!j) fail_msg("%s is not JSON", path);
    free(text);
    free(path);
    return j;
}

/* Renders report into a new string; keeps it as dir/<name>.html when
 * MT_REPORT_HTML_DIR is set. */
static char *render(const cJSON *report, const char *name)
{
    char *html = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&html, &len);
    assert_non_null(out);
    assert_int_equal(mt_report_html(report, out), MT_OK);
    assert_int_equal(fclose(out), 0);
    assert_int_equal(strlen(html), len);
    const char *dir = getenv("MT_REPORT_HTML_DIR");
    if (dir && *dir) {
        char path[4096];
        snprintf(path, sizeof(path), "%s/%s.html", dir, name);
        FILE *f = fopen(path, "w");
        if (!f) fail_msg("cannot write %s", path);
        fputs(html, f);
        fclose(f);
    }
    return html;
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle)) n++;
    return n;
}

static const char *find_nocase(const char *hay, size_t len, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; i + n <= len; i++)
        if (strncasecmp(hay + i, needle, n) == 0) return hay + i;
    return NULL;
}

/* A copy of s with every "<\/" turned back into "</". */
static char *unescape(const char *s, size_t len)
{
    char *u = malloc(len + 1), *w = u;
    assert_non_null(u);
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '<' && i + 2 < len && s[i + 1] == '\\' && s[i + 2] == '/') {
            *w++ = '<';
            *w++ = '/';
            i += 2;
        } else {
            *w++ = s[i];
        }
    }
    *w = 0;
    return u;
}

/* The checks every page passes. Returns the embedded JSON, parsed. */
static cJSON *check_page(const char *html, const cJSON *input)
{
    assert_int_equal(strncmp(html, "<!DOCTYPE html>", 15), 0);
    assert_int_equal(count(html, OPEN_TAG), 1);

    /* the data: from the tag to the first "</script" */
    const char *data = strstr(html, OPEN_TAG) + strlen(OPEN_TAG);
    const char *end = find_nocase(data, strlen(data), "</script");
    assert_non_null(end);
    size_t dlen = (size_t)(end - data);
    assert_null(find_nocase(data, dlen, "</"));
    assert_null(find_nocase(data, dlen, "<!--"));
    assert_int_equal(strncmp(end, "</script>", 9), 0);

    /* read back, as a browser's JSON.parse would and after un-escaping */
    char *raw = malloc(dlen + 1);
    assert_non_null(raw);
    memcpy(raw, data, dlen);
    raw[dlen] = 0;
    cJSON *back = cJSON_Parse(raw);
    assert_non_null(back);
    char *plain = unescape(data, dlen);
    cJSON *back2 = cJSON_Parse(plain);
    assert_non_null(back2);
    if (input) {
        assert_true(cJSON_Compare(back, input, 1));
        assert_true(cJSON_Compare(back2, input, 1));
    }
    cJSON_Delete(back2);
    free(plain);
    free(raw);

    /* outside the data (which may hold any text): one page, no network
     * reference, one style sheet and one script */
    size_t before = (size_t)(data - html);
    char *shell = malloc(before + strlen(end) + 1);
    assert_non_null(shell);
    memcpy(shell, html, before);
    strcpy(shell + before, end);
    assert_int_equal(count(shell, "<html"), 1);
    assert_int_equal(count(shell, "</html>"), 1);
    assert_int_equal(count(shell, "<body>"), 1);
    assert_int_equal(count(shell, "<style>"), 1);
    assert_int_equal(count(shell, "<script"), 2);
    assert_int_equal(count(end, "<script>"), 1);
    assert_null(find_nocase(shell, strlen(shell), "http://"));
    assert_null(find_nocase(shell, strlen(shell), "https://"));
    assert_null(find_nocase(shell, strlen(shell), " src="));
    assert_null(find_nocase(shell, strlen(shell), "<link"));
    assert_null(find_nocase(shell, strlen(shell), "@import"));
    assert_null(strstr(shell, "url(")); /* in CSS */
    /* text goes in as text: the one innerHTML is a constant (the SVG namespace) */
    assert_int_equal(count(shell, "innerHTML"), 1);
    assert_non_null(strstr(shell, "d.innerHTML = '<svg></svg>';"));
    assert_null(strstr(shell, "outerHTML"));
    assert_null(strstr(shell, "insertAdjacentHTML"));
    assert_null(strstr(shell, "document.write"));
    assert_null(strstr(shell, "eval("));
    free(shell);

    /* the script (assets/report/report.js) neither ends its element early
     * nor opens a comment: its first "</script" is the page's last one */
    const char *js = strstr(end, "<script>") + strlen("<script>");
    const char *js_end = find_nocase(js, strlen(js), "</script");
    assert_non_null(js_end);
    assert_string_equal(js_end, "</script>\n</body>\n</html>\n");
    assert_null(find_nocase(js, (size_t)(js_end - js), "<!--"));
    return back;
}

/* The keys of object o, in order, joined by newlines. */
static char *keys_of(const cJSON *o)
{
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    const cJSON *it;
    cJSON_ArrayForEach(it, o) fprintf(mem, "%s\n", it->string);
    fclose(mem);
    return text;
}

/* The request rows keep their order (the display order) through the page. */
static void check_order(const cJSON *back, const cJSON *in, const char *key)
{
    char *a = keys_of(cJSON_GetObjectItem(back, key)), *b = keys_of(cJSON_GetObjectItem(in, key));
    assert_string_equal(a, b);
    free(a);
    free(b);
}

static const cJSON *get(const cJSON *o, const char *path)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *k = strtok(buf, "."); k && o; k = strtok(NULL, ".")) o = cJSON_GetObjectItem(o, k);
    if (!o) fail_msg("no %s", path);
    return o;
}

static void test_sample(void **state)
{
    (void)state;
    cJSON *in = load("report-sample.json");
    char *html = render(in, "report-sample");
    cJSON *back = check_page(html, in);

    assert_string_equal(cJSON_GetObjectItem(back, "version")->valuestring, "0.1.0");
    assert_string_equal(cJSON_GetObjectItem(back, "started_at")->valuestring,
                        cJSON_GetObjectItem(in, "started_at")->valuestring);
    const cJSON *totals = cJSON_GetObjectItem(back, "totals");
    assert_float_equal(
        cJSON_GetObjectItem(totals, "requests")->valuedouble,
        cJSON_GetObjectItem(cJSON_GetObjectItem(in, "totals"), "requests")->valuedouble, 0);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(back, "timeline")), 60);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(back, "thresholds")), 4);
    assert_true(cJSON_GetArraySize(cJSON_GetObjectItem(back, "distribution")) > 100);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(back, "scenarios")), 3);

    /* the labels and threshold expressions are in the page */
    const cJSON *it;
    int labels = 0;
    cJSON_ArrayForEach(it, cJSON_GetObjectItem(in, "requests"))
    {
        assert_non_null(strstr(html, it->string));
        labels++;
    }
    assert_int_equal(labels, 5);
    cJSON_ArrayForEach(it, cJSON_GetObjectItem(in, "thresholds"))
        assert_non_null(strstr(html, cJSON_GetObjectItem(it, "expr")->valuestring));
    assert_non_null(strstr(html, "p99<250ms"));
    assert_non_null(strstr(html, "failure_rate<0.5%"));
    assert_non_null(strstr(html, "ok:p99<200ms"));

    /* the run, the failed requests by cause and the fixtures, read back */
    check_order(back, in, "requests");
    assert_string_equal(get(back, "run_id")->valuestring, get(in, "run_id")->valuestring);
    assert_string_equal(get(back, "command_line")->valuestring,
                        get(in, "command_line")->valuestring);
    assert_int_equal(strlen(get(back, "script.sha256")->valuestring), 64);
    assert_float_equal(get(back, "exit_code")->valuedouble, 99, 0);
    assert_string_equal(get(back, "stop_reason")->valuestring, "completed");
    assert_float_equal(get(back, "workers")->valuedouble, 50, 0);
    assert_float_equal(get(back, "workers_per_process")->valuedouble, 25, 0);
    assert_true(get(back, "totals.failed_requests")->valuedouble > 0);
    assert_float_equal(get(back, "totals.failed_requests")->valuedouble,
                       get(back, "totals.transport_errors")->valuedouble +
                           get(back, "totals.failed_4xx")->valuedouble +
                           get(back, "totals.failed_5xx")->valuedouble +
                           get(back, "totals.failed_other")->valuedouble,
                       0);
    assert_true(get(back, "totals.latency_ok_ms.count")->valuedouble <
                get(back, "totals.latency_ms.count")->valuedouble);
    assert_true(get(back, "fixtures.requests")->valuedouble > 0);
    assert_non_null(strstr(html, "DELETE /admin/session"));
    /* and the page has a place for each (the text is built in its script) */
    assert_non_null(strstr(html, "'Failed requests'"));
    assert_non_null(strstr(html, "'p99 ok'"));
    assert_non_null(strstr(html, "'ok only: '"));
    assert_non_null(strstr(html, "' (all requests)'"));
    assert_non_null(strstr(html, "Errors are failed requests: transport errors"));
    assert_non_null(strstr(html, "'Fixtures'"));
    assert_non_null(strstr(html, "'Command line'"));
    assert_non_null(strstr(html, "'Run id'"));
    /* the failure message holding a page of HTML is there, escaped */
    assert_non_null(strstr(html, "<title>503<\\/title><script src=\\\"/err.js\\\"><\\/script>"));
    assert_non_null(
        strstr(html, "<title>molotov report \xC2\xB7 2026-11-22T04:40:00.123Z</title>"));

    cJSON_Delete(back);
    free(html);
    cJSON_Delete(in);
}

static void test_sizing(void **state)
{
    (void)state;
    cJSON *in = load("report-sizing.json");
    char *html = render(in, "report-sizing");
    cJSON *back = check_page(html, in);

    const cJSON *sizing = cJSON_GetObjectItem(back, "sizing");
    assert_true(cJSON_IsObject(sizing));
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(sizing, "over")));
    assert_string_equal(cJSON_GetObjectItem(sizing, "reason")->valuestring, "error_ratio");
    assert_true(cJSON_GetObjectItem(sizing, "error_pct")->valuedouble > 5);
    const cJSON *steps = cJSON_GetObjectItem(sizing, "steps");
    assert_true(cJSON_GetArraySize(steps) > 10);
    const cJSON *last = cJSON_GetArrayItem(steps, cJSON_GetArraySize(steps) - 1);
    assert_float_equal(cJSON_GetObjectItem(last, "workers")->valuedouble,
                       cJSON_GetObjectItem(sizing, "workers")->valuedouble, 0);
    const cJSON *rate = cJSON_GetObjectItem(back, "rate");
    assert_true(cJSON_IsObject(rate));
    assert_float_equal(cJSON_GetObjectItem(rate, "dropped")->valuedouble, 20, 0);

    /* the page draws them (in its script: the text is built from the data) */
    assert_non_null(strstr(html, "'Capacity'"));
    assert_non_null(strstr(html, "'Sizing is over: '"));
    assert_non_null(strstr(html, "' errors'"));
    assert_non_null(strstr(html, "'Tolerance never passed'"));
    assert_non_null(strstr(html, "'Dropped starts'"));
    assert_non_null(strstr(html, "'Open model'"));
    assert_non_null(strstr(html, "' starts/s'"));
    free(html);

    /* the same run had the tolerance never been passed, without p99 objective */
    cJSON *s = cJSON_GetObjectItem(in, "sizing");
    cJSON_ReplaceItemInObject(s, "over", cJSON_CreateFalse());
    cJSON_ReplaceItemInObject(s, "reason", cJSON_CreateNull());
    cJSON_ReplaceItemInObject(s, "p99_objective_ms", cJSON_CreateNull());
    html = render(in, "report-sizing-never");
    cJSON_Delete(check_page(html, in));
    free(html);

    cJSON_Delete(back);
    cJSON_Delete(in);
}

static void test_empty_run(void **state)
{
    (void)state;
    cJSON *in = load("report-empty.json");
    char *html = render(in, "report-empty");
    cJSON *back = check_page(html, in);
    const cJSON *totals = cJSON_GetObjectItem(back, "totals");
    assert_float_equal(cJSON_GetObjectItem(totals, "requests")->valuedouble, 0, 0);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(back, "distribution")), 0);
    /* no latency without a request: null, not 0 */
    assert_true(cJSON_IsNull(get(back, "totals.latency_ms.p99")));
    assert_float_equal(get(back, "totals.latency_ms.count")->valuedouble, 0, 0);
    assert_float_equal(get(back, "exit_code")->valuedouble, 1, 0);
    cJSON_Delete(back);
    free(html);
    cJSON_Delete(in);
}

/* Stopped by Ctrl-C after 3.1 s of 15 s, against two origins. */
static void test_interrupted(void **state)
{
    (void)state;
    cJSON *in = load("report-interrupted.json");
    char *html = render(in, "report-interrupted");
    cJSON *back = check_page(html, in);
    assert_string_equal(get(back, "stop_reason")->valuestring, "interrupted");
    assert_float_equal(get(back, "exit_code")->valuedouble, 130, 0);
    assert_true(get(back, "duration_s")->valuedouble <
                get(back, "planned_duration_s")->valuedouble);
    assert_true(get(back, "totals.cancelled")->valuedouble > 0);
    assert_true(get(back, "totals.transport_errors")->valuedouble > 0);
    assert_int_equal(cJSON_GetArraySize(get(back, "hosts")), 2);
    check_order(back, in, "requests");
    /* a second in which no request ended has no latency */
    int gaps = 0;
    const cJSON *p;
    cJSON_ArrayForEach(p, get(back, "timeline")) gaps += cJSON_IsNull(get(p, "p99_ms"));
    assert_true(gaps > 0);
    /* a request row per origin, with its label apart */
    cJSON_ArrayForEach(p, get(back, "requests"))
    {
        assert_non_null(strstr(get(p, "origin")->valuestring, "http://127.0.0.1:808"));
        assert_non_null(strstr(p->string, get(p, "label")->valuestring + 4));
    }
    assert_non_null(strstr(html, "'This run '"));
    assert_non_null(strstr(html, "' planned'"));
    assert_non_null(strstr(html, "interrupted: 'was interrupted'"));
    assert_non_null(strstr(html, "'Cancelled'"));
    cJSON_Delete(back);
    free(html);

    /* a stop the page has no words for still shows, as the report says it */
    cJSON_ReplaceItemInObject(in, "stop_reason", cJSON_CreateString("<b>new reason</b>"));
    cJSON_ReplaceItemInObject(in, "outcome", cJSON_CreateNull());
    html = render(in, "report-stopped-other");
    cJSON_Delete(check_page(html, in));
    free(html);
    cJSON_Delete(in);
}

/* molotov merge of two parts that do not overlap in time. */
static void test_merged(void **state)
{
    (void)state;
    cJSON *in = load("report-merged.json");
    char *html = render(in, "report-merged");
    cJSON *back = check_page(html, in);
    const cJSON *parts = get(back, "merge.parts");
    assert_int_equal(cJSON_GetArraySize(parts), 2);
    double sum = 0;
    const cJSON *p;
    cJSON_ArrayForEach(p, parts) sum += get(p, "requests")->valuedouble;
    assert_float_equal(sum, get(back, "totals.requests")->valuedouble, 0);
    assert_int_equal(cJSON_GetArraySize(get(back, "merge.warnings")), 1);
    const cJSON *warning = cJSON_GetArrayItem(get(back, "merge.warnings"), 0);
    assert_non_null(strstr(warning->valuestring, "do not overlap"));
    assert_non_null(strstr(html, "'Parts'"));
    assert_non_null(strstr(html, "'Merge warning'"));
    cJSON_Delete(back);
    free(html);
    cJSON_Delete(in);
}

/* Removes the keys the older report format did not have. */
static void strip_new(cJSON *o)
{
    static const char gone[] = "run_id hostname ended_at planned_duration_s command_line script "
                               "hosts workers_per_process stop_reason exit_code outcome "
                               "latency_ok_ms fixtures failed_requests failed_4xx failed_5xx "
                               "failed_other top_errors truncated_bodies origin ok_only scope "
                               "metric limit";
    for (const char *k = gone; *k;) {
        size_t n = strcspn(k, " ");
        char key[32];
        snprintf(key, sizeof key, "%.*s", (int)n, k);
        cJSON_DeleteItemFromObject(o, key);
        k += n + (k[n] == ' ');
    }
    cJSON *lat = cJSON_GetObjectItem(o, "latency_ms");
    if (lat) cJSON_DeleteItemFromObject(lat, "count");
    cJSON *it;
    cJSON_ArrayForEach(it, o)
    {
        if (cJSON_IsObject(it) || cJSON_IsArray(it)) strip_new(it);
    }
}

/* The first sample as the older format had it: no run fields, workers per
 * process, errors that were transport errors only, no ok-only latencies. */
static void test_legacy(void **state)
{
    (void)state;
    cJSON *in = load("report-sample.json");
    cJSON_ReplaceItemInObject(in, "workers", cJSON_CreateNumber(25));
    cJSON *it;
    cJSON_ArrayForEach(it, cJSON_GetObjectItem(in, "requests"))
    {
        cJSON_ReplaceItemInObject(it, "errors", cJSON_Duplicate(get(it, "transport_errors"), 1));
        cJSON_DeleteItemFromObject(it, "transport_errors");
    }
    strip_new(in);
    assert_null(cJSON_GetObjectItem(in, "exit_code"));
    assert_null(cJSON_GetObjectItem(get(in, "totals"), "latency_ok_ms"));
    char *html = render(in, "report-legacy");
    cJSON_Delete(check_page(html, in));
    free(html);
    cJSON_Delete(in);
}

static void test_no_report(void **state)
{
    (void)state;
    char *html = render(NULL, "report-null");
    cJSON *back = check_page(html, NULL);
    assert_true(cJSON_IsObject(back));
    assert_null(back->child);
    assert_non_null(strstr(html, "<title>molotov report</title>"));
    cJSON_Delete(back);
    free(html);

    cJSON *empty = cJSON_CreateObject();
    html = render(empty, "report-bare");
    cJSON_Delete(check_page(html, empty));
    free(html);
    cJSON_Delete(empty);
}

/* Strings that would end the script element early, or switch the HTML
 * tokenizer into the states where "</script>" no longer ends it. */
static void test_breakout_strings(void **state)
{
    (void)state;
    static const char *const nasty[] = {
        "</script><script>alert(1)</script>",
        "</SCRIPT >",
        "<!--<script>",
        "<!-- </script> -->",
        "<\\/script>",
        "a</",
        "<",
        "</",
        "\"</\"",
        "line\u2028break \xE2\x80\xA9 and <b>bold</b> & 'quotes'",
    };
    cJSON *in = cJSON_CreateObject();
    cJSON_AddStringToObject(in, "started_at", "</title><script>alert(1)</script>");
    cJSON *errors = cJSON_AddArrayToObject(in, "errors");
    cJSON *reqs = cJSON_AddObjectToObject(in, "requests");
    for (size_t i = 0; i < sizeof(nasty) / sizeof(*nasty); i++) {
        cJSON *e = cJSON_CreateObject();
        cJSON_AddStringToObject(e, "message", nasty[i]);
        cJSON_AddNumberToObject(e, "count", (double)i);
        cJSON_AddItemToArray(errors, e);
        cJSON_AddObjectToObject(reqs, nasty[i]);
    }
    char *html = render(in, "report-breakout");
    cJSON_Delete(check_page(html, in));
    /* the title holds the text, not the markup */
    assert_non_null(strstr(html, "<title>molotov report \xC2\xB7 &lt;/title&gt;&lt;script&gt;"));
    assert_int_equal(count(html, "<title>"), 1);
    assert_int_equal(count(html, "</title>"), 1);
    free(html);
    cJSON_Delete(in);
}

static void test_write_error(void **state)
{
    (void)state;
    cJSON *in = load("report-sample.json");
    FILE *ro = fopen(__FILE__, "r"); /* a stream every write fails on */
    assert_non_null(ro);
    assert_int_equal(mt_report_html(in, ro), MT_EIO);
    fclose(ro);
    FILE *full = fopen("/dev/full", "w");
    if (full) {
        assert_int_equal(mt_report_html(in, full), MT_EIO);
        fclose(full);
    }
    cJSON_Delete(in);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sample),      cmocka_unit_test(test_sizing),
        cmocka_unit_test(test_empty_run),   cmocka_unit_test(test_interrupted),
        cmocka_unit_test(test_merged),      cmocka_unit_test(test_legacy),
        cmocka_unit_test(test_no_report),   cmocka_unit_test(test_breakout_strings),
        cmocka_unit_test(test_write_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

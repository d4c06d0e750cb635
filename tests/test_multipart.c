/* test_multipart.c: the `files` option (src/multipart.c) on a worker of
 * the test's own (worker_helpers.h): every bad files table raises an error
 * naming the field before anything is sent, and the multipart/form-data
 * body libcurl sends, as a loopback server (tests/raw_server.h) receives
 * it: form fields first, then the files with their filename and type (a
 * body without a filename named after its field, a path read when sent). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "raw_server.h"
#include "worker_helpers.h"
#include "tmpfile_helpers.h"

static const char *SCRIPT = "molotov.scenario('x', 1, function(s) end)\n"
                            "function post(s, url, opts)\n"
                            "  return tostring(s:post(url, opts).status)\n"
                            "end\n";

static void answer(raw_server *s, const char *path, mt_buf *out)
{
    (void)s, (void)path;
    raw_reply(out, 200, "", "ok");
}

typedef struct {
    wfx *f;
    raw_server *rs;
    char url[64];
    char file[64]; /* a file to upload by path */
} fx;

static int setup(void **state)
{
    fx *x = calloc(1, sizeof *x);
    x->f = wfx_new(SCRIPT, NULL, NULL);
    x->rs = raw_start(answer);
    snprintf(x->url, sizeof x->url, "http://127.0.0.1:%d/up", x->rs->port);
    strcpy(x->file, "/tmp/mt-test-multipart-XXXXXX.csv");
    write_tmpfile(x->file, "a,b\n1,2\n");
    *state = x;
    return 0;
}

static int teardown(void **state)
{
    fx *x = *state;
    raw_stop(x->rs);
    wfx_free(x->f);
    unlink(x->file);
    free(x);
    return 0;
}

static void test_bad_files_name_the_field(void **state)
{
    fx *x = *state;
    static const struct {
        const char *opts, *err;
    } cases[] = {
        {"{files = 'a.txt'}", "files must be a table of field name -> file"},
        {"{files = {{body = 'x'}}}", "files: field names must be strings"},
        {"{files = {up = 'x'}}",
         "files.up must be a table { filename =, body = or path =, content_type = }"},
        {"{files = {up = {filename = 'a'}}}", "files.up needs one of body and path"},
        {"{files = {up = {body = 'x', path = '/etc/hostname'}}}",
         "files.up needs one of body and path"},
        {"{files = {up = {path = '/nonexistent/f'}}}", "files.up: cannot read '/nonexistent/f'"},
        {"{files = {up = {body = 'x', filename = {}}}}", "files.up.filename must be a string"},
        {"{files = {up = {body = 'x', content_type = true}}}",
         "files.up.content_type must be a string"},
        {"{files = {up = {body = {}}}}", "files.up.body must be a string"},
        {"{files = {up = {body = 'x'}}, body = 'y'}",
         "give only one of body, json and form (or files, with form)"},
        {"{files = {up = {body = 'x'}}, json = {}}",
         "give only one of body, json and form (or files, with form)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char args[256];
        snprintf(args, sizeof args, "'%s', %s", x->url, cases[i].opts);
        const char *got = wfx_error(x->f, "post", args, true);
        if (strcmp(got, cases[i].err) != 0)
            fail_msg("%s: '%s', not '%s'", cases[i].opts, got, cases[i].err);
    }
    assert_int_equal(x->rs->requests, 0); /* nothing went out */
    assert_int_equal(x->f->stats.requests, 0);
}

/* Posts opts and returns the body received, with the boundary the
 * Content-Type header named replaced by "B". */
static void post(fx *x, const char *opts, mt_buf *body)
{
    char args[512];
    snprintf(args, sizeof args, "'%s', %s", x->url, opts);
    assert_string_equal(wfx_run(x->f, "post", args, true), "200");
    mt_buf req;
    mt_buf_init(&req);
    raw_last(x->rs, &req);
    const char *ct = strstr(req.data, "\r\nContent-Type: multipart/form-data; boundary=");
    assert_non_null(ct);
    ct += strlen("\r\nContent-Type: multipart/form-data; boundary=");
    char boundary[128];
    size_t bn = strcspn(ct, "\r");
    assert_true(bn > 0 && bn < sizeof boundary);
    memcpy(boundary, ct, bn);
    boundary[bn] = '\0';
    assert_null(strstr(req.data, "\r\nExpect:")); /* no 100-continue wait */
    const char *p = strstr(req.data, "\r\n\r\n") + 4, *q;
    mt_buf_reset(body);
    while ((q = strstr(p, boundary))) {
        mt_buf_append(body, p, (size_t)(q - p));
        mt_buf_appends(body, "B");
        p = q + bn;
    }
    mt_buf_appends(body, p);
    mt_buf_free(&req);
}

static void test_the_body_sent(void **state)
{
    fx *x = *state;
    mt_buf body;
    mt_buf_init(&body);
    post(x,
         "{form = {k = 'v 1'}, files = {up = {filename = 'a.txt', body = 'hello\\0!',"
         " content_type = 'text/plain'}}}",
         &body);
    const char want1[] = "--B\r\n"
                         "Content-Disposition: form-data; name=\"k\"\r\n\r\n"
                         "v 1\r\n"
                         "--B\r\n"
                         "Content-Disposition: form-data; name=\"up\"; filename=\"a.txt\"\r\n"
                         "Content-Type: text/plain\r\n\r\n"
                         "hello";
    assert_memory_equal(body.data, want1, sizeof want1 - 1); /* up to the NUL byte */
    /* the NUL went along: the rest follows it */
    mt_buf req;
    mt_buf_init(&req);
    raw_last(x->rs, &req);
    assert_non_null(memmem(req.data, req.len, "hello\0!\r\n--", 11));
    mt_buf_free(&req);

    post(x, "{files = {up = {body = 'x'}}}", &body); /* no filename, no type */
    assert_string_equal(body.data,
                        "--B\r\n"
                        "Content-Disposition: form-data; name=\"up\"; filename=\"up\"\r\n"
                        "Content-Type: application/octet-stream\r\n\r\n"
                        "x\r\n"
                        "--B--\r\n");
    char opts[256], want[512];
    snprintf(opts, sizeof opts, "{files = {data = {path = '%s', content_type = 'text/csv'}}}",
             x->file);
    post(x, opts, &body); /* read from its path, named after it */
    snprintf(want, sizeof want,
             "--B\r\n"
             "Content-Disposition: form-data; name=\"data\"; filename=\"%s\"\r\n"
             "Content-Type: text/csv\r\n\r\n"
             "a,b\n1,2\n\r\n"
             "--B--\r\n",
             strrchr(x->file, '/') + 1);
    assert_string_equal(body.data, want);
    assert_int_equal(x->rs->requests, 3);
    assert_int_equal(x->f->stats.requests, 3);
    mt_buf_free(&body);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_bad_files_name_the_field, setup, teardown),
        cmocka_unit_test_setup_teardown(test_the_body_sent, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_options_table.c: the options table (options.def, src/options.c) row
 * by row, so an option added is checked on every surface: it parses in its
 * long, --name=value and short forms (and by name) to its field, its
 * default parses and is the one its help states, --help lists it (and stays
 * the text users know, byte for byte), and args shows it when the table
 * says so, with Molotov's names. The config file's side: test_config.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <lua.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "molotov/common.h"
#include "molotov/options.h"
#include "molotov/script.h"
#include "option_samples.h"
#include "options_helpers.h"
#include "tmpfile_helpers.h"

static char sample_file[64];

static void make_sample_file(void)
{
    strcpy(sample_file, "/tmp/mt-opt-sample-XXXXXX.lua");
    int fd = mkstemps(sample_file, 4);
    assert_true(fd >= 0);
    close(fd);
}

/* Parses one option given as args, then checks row r's value. */
static void expect_row(const mt_option *r, const char *const *args, const option_sample *sm)
{
    mt_options o, d;
    char err[256];
    if (parse_argv(&o, err, sizeof err, args) != MT_OK)
        fail_msg("%s %s: %s", args[0], args[1] ? args[1] : "", err);
    mt_options_defaults(&d);
    mt_optval got = mt_options_get(&o, r);
    if (!optval_equal(got, sm->want)) fail_msg("%s: not the value given", args[0]);
    assert_true(o.given[r - mt_options_table]);
    if (r->kind == MT_OPTK_LIST || r->kind == MT_OPTK_FILES) {
        assert_int_equal(list_count(&o, r), 1);
        const char *first = r->kind == MT_OPTK_LIST ? o.thresholds[0] : o.extensions[0];
        assert_string_equal(first, sm->arg);
    } else if (r->kind == MT_OPTK_ACCEPTED) {
        memset(o.given, 0, sizeof o.given); /* accepted, and nothing else changes */
        o.scenario = d.scenario;
        assert_memory_equal(&o, &d, sizeof o);
    } else if (optval_equal(mt_options_get(&d, r), sm->want)) {
        fail_msg("%s: the sample is the default, so it proves nothing", args[0]);
    }
}

static void test_every_row_from_the_command_line(void **state)
{
    (void)state;
    make_sample_file();
    for (int i = 0; i < MT_NOPTIONS; i++) {
        const mt_option *r = &mt_options_table[i];
        option_sample sm = sample_of(r, sample_file);
        char lng[64], eq[128], shrt[3] = {'-', (char)r->shortname, 0};
        snprintf(lng, sizeof lng, "--%s", r->name);
        snprintf(eq, sizeof eq, "--%s=%s", r->name, sm.arg ? sm.arg : "");
        expect_row(r, (const char *const[]){lng, sm.arg, NULL}, &sm);
        if (sm.arg) expect_row(r, (const char *const[]){eq, NULL}, &sm);
        if (r->shortname) expect_row(r, (const char *const[]){shrt, sm.arg, NULL}, &sm);
        /* and by name, as the config file and merge set it */
        mt_options o;
        char err[256];
        mt_options_defaults(&o);
        assert_int_equal(mt_options_set(&o, r->name, sm.arg, err, sizeof err), MT_OK);
        assert_true(optval_equal(mt_options_get(&o, r), sm.want));
        assert_int_equal(mt_options_is_flag(r->name), sm.arg == NULL);
    }
    unlink(sample_file);
    char err[256];
    mt_options o;
    mt_options_defaults(&o);
    assert_int_equal(mt_options_set(&o, "nope", "1", err, sizeof err), MT_ENOENT);
    assert_int_equal(mt_options_is_flag("nope"), -1);
    assert_null(mt_options_find("nope"));
}

static void test_table_rows_are_sound(void **state)
{
    (void)state;
    mt_options d;
    mt_options_defaults(&d);
    for (int i = 0; i < MT_NOPTIONS; i++) {
        const mt_option *r = &mt_options_table[i];
        assert_ptr_equal(mt_options_find(r->name), r); /* names are unique */
        for (int j = 0; j < i; j++)
            if (r->shortname && r->shortname == mt_options_table[j].shortname)
                fail_msg("-%c twice", r->shortname);
        bool takes_value = mt_options_is_flag(r->name) == 0;
        if (takes_value != (r->metavar != NULL)) fail_msg("--%s: metavar", r->name);
        assert_true((r->off == MT_NOFF) == (r->kind == MT_OPTK_ACCEPTED));
        assert_true((r->set != NULL) == (r->kind == MT_OPTK_LIST || r->kind == MT_OPTK_FILES));
        for (const char *p = r->clears; p && *p; p += strspn(p, " ")) { /* names of rows */
            char other[64];
            size_t n = strcspn(p, " ");
            snprintf(other, sizeof other, "%.*s", (int)n, p);
            if (!mt_options_find(other)) fail_msg("--%s clears no option '%s'", r->name, other);
            p += n;
        }
        if (!r->def) continue;
        /* a default parses, is what mt_options_defaults sets, and is the help's */
        mt_options o;
        char err[256], want[128];
        memset(&o, 0, sizeof o);
        if (mt_options_set(&o, r->name, r->def, err, sizeof err)) fail_msg("%s", err);
        assert_true(optval_equal(mt_options_get(&o, r), mt_options_get(&d, r)));
        snprintf(want, sizeof want, "default %s", r->def);
        if (!strstr(r->help, want)) fail_msg("--%s: the help does not say '%s'", r->name, want);
    }
    assert_int_equal(d.max_body, 8 << 20);
    assert_string_equal(d.statsd_address, "udp://127.0.0.1:8125");
}

/* --help lists every row: its option and value's name, then its text, each
 * continued line aligned under the first. */
static void test_usage_lists_every_row(void **state)
{
    (void)state;
    const char *u = mt_options_usage();
    assert_ptr_equal(u, mt_options_usage()); /* built once */
    for (int i = 0; i < MT_NOPTIONS; i++) {
        const mt_option *r = &mt_options_table[i];
        char left[64], line[256];
        if (r->shortname)
            snprintf(left, sizeof left, "  -%c, --%s", r->shortname, r->name);
        else
            snprintf(left, sizeof left, "      --%s", r->name);
        if (r->metavar)
            snprintf(left + strlen(left), sizeof left - strlen(left), " %s", r->metavar);
        size_t n = strcspn(r->help, "\n");
        snprintf(line, sizeof line, "\n%-24s %.*s\n", left, (int)n, r->help);
        if (strlen(left) > 24) snprintf(line, sizeof line, "\n%s  %.*s\n", left, (int)n, r->help);
        if (!strstr(u, line)) fail_msg("usage lacks the line of --%s", r->name);
        for (const char *p = r->help + n; *p; p += n) {
            n = strcspn(++p, "\n");
            snprintf(line, sizeof line, "\n%25s%.*s\n", "", (int)n, p);
            if (!strstr(u, line)) fail_msg("usage lacks a line of --%s", r->name);
        }
        snprintf(line, sizeof line, "\n%s:\n", r->group);
        if (!strstr(u, line)) fail_msg("usage lacks the section %s", r->group);
    }
    assert_non_null(strstr(u, "usage: molotov [options] [scenario.lua]\n"));
    assert_non_null(strstr(u, "\n\nExit codes: 0 ok,"));
}

/* What a script sees of o in args, against the table's flags. */
static void check_args(const mt_options *o)
{
    mt_script *s = NULL;
    char err[256];
    if (mt_script_load(o, NULL, &s, err, sizeof err)) fail_msg("%s", err);
    lua_State *L = s->L;
    lua_rawgeti(L, LUA_REGISTRYINDEX, s->args_ref);
    lua_getfield(L, -1, "scenario");
    assert_string_equal(lua_tostring(L, -1), o->scenario);
    lua_pop(L, 1);
    for (int i = 0; i < MT_NOPTIONS; i++) {
        const mt_option *r = &mt_options_table[i];
        char key[64];
        mt_optval v = mt_options_get(o, r);
        bool shown = (r->flags & MT_OPTF_ARGS) ||
                     ((r->flags & MT_OPTF_ARGS_SET) && v.type == MT_OPTV_NUM && v.num != 0);
        lua_getfield(L, -1, mt_option_key(r, key, sizeof key));
        if (!shown || v.type == MT_OPTV_NONE) {
            if (!lua_isnil(L, -1)) fail_msg("args.%s is not nil", key);
        } else if (v.type == MT_OPTV_BOOL) {
            assert_true(lua_isboolean(L, -1) && lua_toboolean(L, -1) == v.b);
        } else if (v.type == MT_OPTV_NUM) {
            assert_true(lua_isnumber(L, -1) && lua_tonumber(L, -1) == v.num);
            assert_int_equal(lua_isinteger(L, -1), v.num == (double)(lua_Integer)v.num);
        } else {
            assert_string_equal(lua_tostring(L, -1), v.str);
        }
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    mt_script_free(s);
}

static void test_args_shows_its_rows(void **state)
{
    (void)state;
    char lua[] = "/tmp/mt-opt-args-XXXXXX.lua";
    write_tmpfile(lua, "molotov.scenario('a', 1, function() end)\n");
    mt_options o;
    PARSE_OK(&o, lua);
    check_args(&o); /* the defaults: what is 0 or unset is nil */
    PARSE_OK(&o, "-w", "3", "-r", "4", "-f", "2", "--abort-after", "5", "--rate", "1.5", "-s", "a",
             "--proxy", "http://p.test:1", "--json", "j.json", "--html", "h.html", "--junit",
             "u.xml", "--config", "c.json", "--sizing-p99", "9", "--max-body", "1k", "-x",
             "--statsd", "-vv", "--threshold", "p99<1s", "--timeout", "2.25");
    o.scenario = lua;
    check_args(&o);
    mt_options_defaults(&o);
    o.scenario = lua;
    assert_int_equal(mt_options_set(&o, "single-run", NULL, (char[64]){0}, 64), MT_OK);
    check_args(&o);
    unlink(lua);
}

/* tests/data/usage.txt, next to this source file: the --help text as it was
 * written by hand before the table built it, byte for byte. */
static void test_usage_is_the_text_users_know(void **state)
{
    (void)state;
    char path[4096];
    const char *slash = strrchr(__FILE__, '/');
    int dir = slash ? (int)(slash - __FILE__) + 1 : 0;
    snprintf(path, sizeof path, "%.*sdata/usage.txt", dir, __FILE__);
    mt_buf b;
    mt_buf_init(&b);
    assert_int_equal(mt_read_file(path, &b), MT_OK);
    assert_string_equal(mt_options_usage(), b.data);
    mt_buf_free(&b);
}

/* The names a script finds in args, Molotov's, kept as they were ("?": only
 * when not 0). */
static void test_args_names_are_molotovs(void **state)
{
    (void)state;
    static const char *const names[] = {"workers",        "processes",
                                        "duration",       "max_runs?",
                                        "single_run",     "single_mode",
                                        "ramp_up",        "delay",
                                        "exception",      "fail?",
                                        "abort_after?",   "force_shutdown",
                                        "timeout",        "connect_timeout",
                                        "http2",          "engine",
                                        "insecure",       "console_update",
                                        "quiet",          "verbose",
                                        "sizing",         "sizing_tolerance",
                                        "rate?",          "statsd",
                                        "statsd_address", "proxy",
                                        "json",           "html",
                                        "junit",          "config"};
    size_t n = sizeof names / sizeof *names, shown = 0;
    for (int i = 0; i < MT_NOPTIONS; i++) {
        const mt_option *r = &mt_options_table[i];
        char key[64];
        if (!(r->flags & (MT_OPTF_ARGS | MT_OPTF_ARGS_SET))) continue;
        mt_option_key(r, key, sizeof key);
        if (r->flags & MT_OPTF_ARGS_SET) strcat(key, "?");
        size_t j = 0;
        while (j < n && strcmp(names[j], key) != 0) j++;
        if (j == n) fail_msg("args.%s is new", key);
        shown++;
    }
    assert_int_equal(shown, n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_row_from_the_command_line),
        cmocka_unit_test(test_table_rows_are_sound),
        cmocka_unit_test(test_usage_lists_every_row),
        cmocka_unit_test(test_usage_is_the_text_users_know),
        cmocka_unit_test(test_args_shows_its_rows),
        cmocka_unit_test(test_args_names_are_molotovs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

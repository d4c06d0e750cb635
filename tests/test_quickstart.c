/* test_quickstart.c: `molotov quickstart` (src/quickstart.c) off a
 * terminal: the three files written byte for byte from their templates in
 * assets/quickstart/ with the default target in place of @TARGET@, the Lua
 * scenario compiling and molotov.json holding its three tests, nothing
 * written (and nothing replaced) when one of the files exists, a directory
 * that cannot be made, and the command line (--help, extra arguments). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <cjson/cJSON.h>
#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "molotov/common.h"
#include "molotov/quickstart.h"

#define TARGET "http://127.0.0.1:8080"

static const char *const NAMES[] = {"loadtest.lua", "molotov.json", "Makefile"};

static int run(const char *dir)
{
    char *argv[] = {"quickstart", (char *)dir, NULL};
    return mt_quickstart_main(dir ? 2 : 1, argv);
}

/* The whole file dir/name as a new string, or NULL when it is not there. */
static char *slurp(const char *dir, const char *name)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    mt_buf b;
    mt_buf_init(&b);
    if (mt_read_file(path, &b) != MT_OK) {
        mt_buf_free(&b);
        return NULL;
    }
    return b.data;
}

/* assets/quickstart/, found from this source file. */
static char *templates_dir(void)
{
    static char dir[4096];
    const char *slash = strrchr(__FILE__, '/');
    int n = slash ? (int)(slash - __FILE__) + 1 : 0;
    snprintf(dir, sizeof(dir), "%.*s../assets/quickstart", n, __FILE__);
    return dir;
}

/* The template with every @TARGET@ replaced: what quickstart must write. */
static char *expected(const char *name)
{
    char *tpl = slurp(templates_dir(), name);
    if (!tpl) fail_msg("no template %s/%s", templates_dir(), name);
    mt_buf b;
    mt_buf_init(&b);
    const char *p = tpl, *at;
    while ((at = strstr(p, "@TARGET@"))) {
        mt_buf_append(&b, p, (size_t)(at - p));
        mt_buf_appends(&b, TARGET);
        p = at + 8;
    }
    mt_buf_appends(&b, p);
    free(tpl);
    return b.data;
}

static char *new_dir(char *tmp, size_t size)
{
    snprintf(tmp, size, "/tmp/molotov-test-quickstart-XXXXXX");
    assert_non_null(mkdtemp(tmp));
    return tmp;
}

static void remove_all(const char *dir)
{
    char path[4096];
    for (size_t i = 0; i < 3; i++) {
        snprintf(path, sizeof(path), "%s/%s", dir, NAMES[i]);
        unlink(path);
    }
    rmdir(dir);
}

static void test_writes_the_templates(void **state)
{
    (void)state;
    char tmp[64], dir[128];
    new_dir(tmp, sizeof(tmp));
    snprintf(dir, sizeof(dir), "%s/lt", tmp); /* made by quickstart */
    assert_int_equal(run(dir), 0);
    for (size_t i = 0; i < 3; i++) {
        char *got = slurp(dir, NAMES[i]), *want = expected(NAMES[i]);
        assert_non_null(got);
        assert_string_equal(got, want);
        assert_null(strstr(got, "@TARGET@"));
        free(got);
        free(want);
    }

    char *lua = slurp(dir, "loadtest.lua");
    assert_non_null(strstr(lua, "local TARGET = os.getenv(\"TARGET\") or \"" TARGET "\"\n"));
    assert_non_null(strstr(lua, "molotov.scenario(\"homepage\", 60, function(session)"));
    lua_State *L = luaL_newstate();
    assert_int_equal(luaL_loadbufferx(L, lua, strlen(lua), "=loadtest.lua", "t"), LUA_OK);
    lua_close(L);
    free(lua);

    char *json = slurp(dir, "molotov.json");
    cJSON *cfg = cJSON_Parse(json);
    assert_non_null(cfg);
    cJSON *m = cJSON_GetObjectItem(cfg, "molotov");
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(m, "env"), "TARGET")->valuestring,
                        TARGET);
    cJSON *tests = cJSON_GetObjectItem(m, "tests");
    assert_int_equal(cJSON_GetArraySize(tests), 3);
    assert_true(
        cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetObjectItem(tests, "smoke"), "single_run")));
    assert_int_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(tests, "big"), "workers")->valueint,
                     100);
    cJSON_Delete(cfg);
    free(json);

    char *mk = slurp(dir, "Makefile");
    assert_non_null(strstr(mk, "\nsmoke:\n\t$(MOLOTOV) --config molotov.json smoke\n"));
    free(mk);
    remove_all(dir);
    rmdir(tmp);
}

static void test_never_overwrites(void **state)
{
    (void)state;
    char dir[64];
    new_dir(dir, sizeof(dir));
    char path[128];
    snprintf(path, sizeof(path), "%s/molotov.json", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("{\"mine\": true}\n", f);
    fclose(f);

    assert_int_equal(run(dir), MT_EXIT_USAGE);
    char *kept = slurp(dir, "molotov.json");
    assert_string_equal(kept, "{\"mine\": true}\n");
    free(kept);
    assert_null(slurp(dir, "loadtest.lua")); /* nothing else written */
    assert_null(slurp(dir, "Makefile"));
    remove_all(dir);
}

static void test_cannot_make_the_directory(void **state)
{
    (void)state;
    char tmp[64], dir[128];
    new_dir(tmp, sizeof(tmp));
    snprintf(dir, sizeof(dir), "%s/no/such/parent", tmp);
    assert_int_equal(run(dir), MT_EXIT_USAGE);
    rmdir(tmp);
}

static void test_command_line(void **state)
{
    (void)state;
    char *help[] = {"quickstart", "--help", NULL};
    assert_int_equal(mt_quickstart_main(2, help), 0);
    char *opt[] = {"quickstart", "-x", NULL};
    assert_int_equal(mt_quickstart_main(2, opt), MT_EXIT_USAGE);
    char *two[] = {"quickstart", "a", "b", NULL};
    assert_int_equal(mt_quickstart_main(3, two), MT_EXIT_USAGE);
}

int main(void)
{
    /* never a terminal: quickstart asks no question */
    if (!freopen("/dev/null", "r", stdin)) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_writes_the_templates),
        cmocka_unit_test(test_never_overwrites),
        cmocka_unit_test(test_cannot_make_the_directory),
        cmocka_unit_test(test_command_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* config.c: Molotov's molotov.json: reads the file, checks every key and its
 * type, and applies one test's options through the options table
 * (options.h): a key is an option's long name, its value gets the same
 * checks as on the command line, and its kind says how a file spells it. */
#include "molotov/config.h"
#include "molotov/common.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char **kept; /* strings the options point to */
static size_t nkept;

static const char *keep(char *s)
{
    kept = mt_realloc(kept, sizeof(char *) * (nkept + 1));
    kept[nkept++] = s;
    return s;
}

void mt_config_release(void)
{
    for (size_t i = 0; i < nkept; i++) free(kept[i]);
    free(kept);
    kept = NULL;
    nkept = 0;
}

/* One JSON value in text[0, len) (NUL-terminated at len), or NULL with
 * "PATH:LINE: not valid JSON" in err. */
static cJSON *parse_json(const char *path, const char *text, size_t len, char *err, size_t errlen)
{
    const char *end = NULL;
    cJSON *j = cJSON_ParseWithLengthOpts(text, len, &end, 0);
    if (j && end) end += strspn(end, " \t\r\n");
    if (j && end && end < text + len) { /* something after the value */
        cJSON_Delete(j);
        j = NULL;
    }
    if (!j) {
        int line = 1;
        for (const char *p = text; end && p < end && p < text + len; p++) line += *p == '\n';
        mt_error(err, errlen, MT_EINVAL, "%s:%d: not valid JSON", path, line);
    }
    return j;
}

cJSON *mt_config_read_json(const char *path, char *err, size_t errlen)
{
    mt_buf b;
    mt_buf_init(&b);
    int rc = mt_read_file(path, &b);
    cJSON *j = NULL;
    if (rc)
        mt_error(err, errlen, rc, "%s: cannot read: %s", path, strerror(errno));
    else
        j = parse_json(path, b.data ? b.data : "", b.len, err, errlen);
    mt_buf_free(&b);
    return j;
}

/* A relative scenario path is taken from the config file's directory. */
static const char *scenario_path(const char *config, const char *scenario)
{
    const char *slash = strrchr(config, '/');
    if (scenario[0] == '/' || !slash) return keep(mt_strdup(scenario));
    mt_buf b;
    mt_buf_init(&b);
    mt_buf_printf(&b, "%.*s/%s", (int)(slash - config), config, scenario);
    return keep(b.data);
}

/* A JSON value as the option's argument: strings as they are, numbers in
 * full precision. NULL when the type is wrong. */
static const char *as_arg(const cJSON *v)
{
    if (cJSON_IsString(v)) return keep(mt_strdup(v->valuestring));
    if (!cJSON_IsNumber(v)) return NULL;
    char tmp[64];
    snprintf(tmp, sizeof(tmp), "%.17g", v->valuedouble);
    return keep(mt_strdup(tmp));
}

/* A LIST (--threshold): a string or a list of strings, replacing the
 * command line's. */
static int set_list(mt_options *o, const mt_option *r, const char *where, const cJSON *v, char *err,
                    size_t errlen)
{
    char key[64];
    mt_option_key(r, key, sizeof key);
    mt_options_clear(o, r->name); /* the file's list replaces the command line's */
    if (cJSON_IsString(v)) return mt_options_set(o, r->name, as_arg(v), err, errlen);
    if (!cJSON_IsArray(v))
        return mt_error(err, errlen, MT_EINVAL, "%s.%s: expected a string or a list", where, key);
    const cJSON *x;
    cJSON_ArrayForEach(x, v)
    {
        if (!cJSON_IsString(x))
            return mt_error(err, errlen, MT_EINVAL, "%s.%s: expected strings", where, key);
        int rc = mt_options_set(o, r->name, as_arg(x), err, errlen);
        if (rc) return rc;
    }
    return MT_OK;
}

static int add_file(mt_options *o, const mt_option *r, const char *path, const char *where,
                    const char *key, const char *file, char *err, size_t errlen)
{
    char why[512];
    if (mt_options_set(o, r->name, scenario_path(path, file), why, sizeof why))
        return mt_error(err, errlen, MT_EINVAL, "%s.%s: %s", where, key, why);
    return MT_OK;
}

/* FILES (--use-extension, Molotov's list of modules): a file or a list of
 * them, from the config file's directory, after the command line's. */
static int set_files(mt_options *o, const mt_option *r, const char *path, const char *where,
                     const cJSON *v, char *err, size_t errlen)
{
    char key[64];
    mt_option_key(r, key, sizeof key);
    if (cJSON_IsString(v)) return add_file(o, r, path, where, key, v->valuestring, err, errlen);
    const cJSON *x;
    cJSON_ArrayForEach(x, v)
    {
        if (!cJSON_IsString(x))
            return mt_error(err, errlen, MT_EINVAL, "%s.%s: expected strings", where, key);
        int rc = add_file(o, r, path, where, key, x->valuestring, err, errlen);
        if (rc) return rc;
    }
    return MT_OK;
}

/* A COUNT (-v): Molotov's flag (true is 1) or a level from the row's range. */
static int set_level(mt_options *o, const mt_option *r, const char *where, const cJSON *v,
                     char *err, size_t errlen)
{
    char key[64], levels[64] = "", arg[16];
    double level = cJSON_IsBool(v) ? cJSON_IsTrue(v) : v->valuedouble;
    if (!(level >= r->min && level <= r->max)) {
        for (long i = r->min; i <= r->max; i++) { /* "0, 1 or 2" */
            const char *sep = i == r->max ? " or " : ", ";
            size_t n = strlen(levels);
            snprintf(levels + n, sizeof levels - n, "%s%ld", i == r->min ? "" : sep, i);
        }
        return mt_error(err, errlen, MT_EINVAL, "%s.%s: %s", where,
                        mt_option_key(r, key, sizeof key), levels);
    }
    snprintf(arg, sizeof arg, "%d", (int)level);
    mt_options_set(o, r->name, arg, err, errlen); /* in range: cannot fail */
    if (level >= 1) mt_options_file_wins(o, r->name);
    return MT_OK;
}

/* Any other option: true or false for a flag, else a number or a string
 * through the option's own checks; the file's value wins over the command
 * line's contradicting ones. */
static int set_option(mt_options *o, const mt_option *r, const char *where, const cJSON *v,
                      char *err, size_t errlen)
{
    int flag = mt_options_is_flag(r->name);
    if (flag && !cJSON_IsBool(v))
        return mt_error(err, errlen, MT_EINVAL, "%s.%s: expected true or false", where, v->string);
    const char *arg = flag ? NULL : as_arg(v);
    if (!flag && !arg)
        return mt_error(err, errlen, MT_EINVAL, "%s.%s: expected a number or a string", where,
                        v->string);
    if (flag && cJSON_IsFalse(v)) {
        mt_options_clear(o, r->name);
        return MT_OK;
    }
    char why[512];
    if (mt_options_set(o, r->name, arg, why, sizeof(why)))
        return mt_error(err, errlen, MT_EINVAL, "%s.%s: %s", where, v->string, why);
    mt_options_file_wins(o, r->name);
    return MT_OK;
}

/* Keys of a test that are not options, or that Molotov spells otherwise. */
static bool ignored(const char *name)
{
    return !strcmp(name, "env") || /* apply_tree exported it, ahead of the file's */
           /* Python's packages, event loop and asyncio debug: nothing for Lua */
           !strcmp(name, "requirements") || !strcmp(name, "uvloop") || !strcmp(name, "debug");
}

static int set_key(mt_options *o, const char *path, const char *where, const cJSON *v, char *err,
                   size_t errlen)
{
    char name[64];
    snprintf(name, sizeof(name), "%s", v->string);
    for (char *p = name; *p; p++)
        if (*p == '_') *p = '-';
    if (!strcmp(name, "scenario")) {
        if (!cJSON_IsString(v))
            return mt_error(err, errlen, MT_EINVAL, "%s.scenario: expected a string", where);
        o->scenario = scenario_path(path, v->valuestring);
        return MT_OK;
    }
    if (ignored(name)) return MT_OK;
    const mt_option *r = mt_options_find(!strcmp(name, "thresholds") ? "threshold" : name);
    if (!r || (r->flags & MT_OPTF_NOFILE))
        return mt_error(err, errlen, MT_EINVAL, "%s: unknown key '%s'", where, v->string);
    if (r->kind == MT_OPTK_LIST) return set_list(o, r, where, v, err, errlen);
    if (r->kind == MT_OPTK_FILES && (cJSON_IsArray(v) || cJSON_IsString(v)))
        return set_files(o, r, path, where, v, err, errlen);
    if (r->kind == MT_OPTK_COUNT && (cJSON_IsBool(v) || cJSON_IsNumber(v)))
        return set_level(o, r, where, v, err, errlen);
    return set_option(o, r, where, v, err, errlen);
}

static int apply_env(const char *path, const cJSON *env, bool export, char *err, size_t errlen)
{
    if (!env) return MT_OK;
    if (!cJSON_IsObject(env))
        return mt_error(err, errlen, MT_EINVAL, "%s: env: expected an object", path);
    const cJSON *v;
    cJSON_ArrayForEach(v, env)
    {
        const char *s = cJSON_IsString(v) ? v->valuestring : as_arg(v);
        if (!s)
            return mt_error(err, errlen, MT_EINVAL, "%s: env.%s: expected a string", path,
                            v->string);
        if (export) setenv(v->string, s, 0); /* the environment, when set, wins */
    }
    return MT_OK;
}

/* The test named `test`; without a name Molotov's default, "test" (or the
 * only test there is). */
static const cJSON *pick_test(const char *path, const cJSON *tests, const char *test, char *err,
                              size_t errlen)
{
    if (!cJSON_IsObject(tests) || !tests->child) {
        mt_error(err, errlen, MT_EINVAL, "%s: molotov.tests: expected an object of tests", path);
        return NULL;
    }
    if (!test && cJSON_GetObjectItemCaseSensitive(tests, "test")) test = "test";
    if (!test && !tests->child->next) return tests->child;
    const cJSON *t = test ? cJSON_GetObjectItemCaseSensitive(tests, test) : NULL;
    if (t) return t;
    mt_buf names;
    mt_buf_init(&names);
    for (const cJSON *x = tests->child; x; x = x->next)
        mt_buf_printf(&names, "%s%s", names.len ? ", " : "", x->string);
    if (test)
        mt_error(err, errlen, MT_EINVAL, "%s: no test named '%s' (tests: %s)", path, test,
                 names.data);
    else
        mt_error(err, errlen, MT_EINVAL, "%s: name the test to run (tests: %s)", path, names.data);
    mt_buf_free(&names);
    return NULL;
}

static int check_top(const char *path, const cJSON *m, char *err, size_t errlen)
{
    if (!cJSON_IsObject(m))
        return mt_error(err, errlen, MT_EINVAL, "%s: expected {\"molotov\": {...}}", path);
    const cJSON *k;
    cJSON_ArrayForEach(k, m)
    {
        if (strcmp(k->string, "env") && strcmp(k->string, "tests") &&
            strcmp(k->string, "requirements"))
            return mt_error(err, errlen, MT_EINVAL, "%s: molotov: unknown key '%s'", path,
                            k->string);
    }
    return MT_OK;
}

static int apply_test(mt_options *o, const char *path, const cJSON *t, char *err, size_t errlen)
{
    char where[256];
    snprintf(where, sizeof(where), "%s: tests.%s", path, t->string);
    if (!cJSON_IsObject(t))
        return mt_error(err, errlen, MT_EINVAL, "%s: expected an object", where);
    const cJSON *v;
    cJSON_ArrayForEach(v, t)
    {
        int rc = set_key(o, path, where, v, err, errlen);
        if (rc) return rc;
    }
    return MT_OK;
}

static int apply_tree(mt_options *o, const char *path, cJSON *j, const char *test, bool export,
                      char *err, size_t errlen)
{
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(j, "molotov");
    int rc = check_top(path, m, err, errlen);
    const cJSON *t =
        rc ? NULL
           : pick_test(path, cJSON_GetObjectItemCaseSensitive(m, "tests"), test, err, errlen);
    if (!rc && !t) rc = MT_EINVAL;
    char where[256];
    snprintf(where, sizeof where, "%s: molotov", path);
    char twhere[300];
    snprintf(twhere, sizeof twhere, "%s: tests.%s", path, t ? t->string : "");
    /* the test's env first: the file's (like the environment) does not replace it */
    if (!rc && cJSON_IsObject(t))
        rc = apply_env(twhere, cJSON_GetObjectItemCaseSensitive(t, "env"), export, err, errlen);
    if (!rc) rc = apply_env(where, cJSON_GetObjectItemCaseSensitive(m, "env"), export, err, errlen);
    if (!rc) rc = apply_test(o, path, t, err, errlen); /* its own env after the file's */
    o->config_test = t ? keep(mt_strdup(t->string)) : test;
    cJSON_Delete(j);
    return rc;
}

int mt_config_apply(mt_options *o, const char *path, const char *test, char *err, size_t errlen)
{
    cJSON *j = mt_config_read_json(path, err, errlen);
    return j ? apply_tree(o, path, j, test, true, err, errlen) : MT_EINVAL;
}

int mt_config_apply_text(mt_options *o, const char *path, const char *text, size_t len,
                         const char *test, char *err, size_t errlen)
{
    cJSON *j = parse_json(path, text, len, err, errlen);
    return j ? apply_tree(o, path, j, test, false, err, errlen) : MT_EINVAL;
}

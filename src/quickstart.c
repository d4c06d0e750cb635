/* quickstart.c: `molotov quickstart [DIR]` (Molotov's molostart): writes a
 * commented loadtest.lua using every fixture and three weighted scenarios, a
 * molotov.json with smoke, small and big tests, and a Makefile, each from its
 * template in assets/quickstart/ (embedded at build time, cmake/embed.cmake)
 * with @TARGET@ replaced by the target. Asks for the directory and the
 * target only on a terminal; never overwrites a file. */
#include "molotov/quickstart.h"
#include "molotov/common.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "molotov_quickstart_assets.h" /* generated from assets/quickstart/ */

#define DEFAULT_TARGET "http://127.0.0.1:8080"

/* Asks on the terminal; an empty answer keeps def. Returns a new string. */
static char *ask(const char *question, const char *def)
{
    printf("%s [%s]: ", question, def);
    fflush(stdout);
    char line[1024];
    if (!fgets(line, sizeof(line), stdin)) return mt_strdup(def);
    line[strcspn(line, "\r\n")] = 0;
    return mt_strdup(line[0] ? line : def);
}

/* The template with @TARGET@ replaced. */
static char *fill(const char *tpl, const char *target)
{
    mt_buf b;
    mt_buf_init(&b);
    const char *p = tpl, *at;
    while ((at = strstr(p, "@TARGET@"))) {
        mt_buf_append(&b, p, (size_t)(at - p));
        mt_buf_appends(&b, target);
        p = at + strlen("@TARGET@");
    }
    mt_buf_appends(&b, p);
    return b.data;
}

/* The files written, each from its template in assets/quickstart/. */
static const struct {
    const char *name, *tpl;
} FILES[] = {
    {"loadtest.lua", mt_asset_loadtest_lua},
    {"molotov.json", mt_asset_molotov_json},
    {"Makefile", mt_asset_makefile},
};
#define NFILES (sizeof(FILES) / sizeof(*FILES))

/* Refuses when any of the files exists; nothing is written then. */
static int check_free(const char *dir)
{
    int taken = 0;
    for (size_t i = 0; i < NFILES; i++) {
        char path[4096];
        snprintf(path, sizeof(path), "%s/%s", dir, FILES[i].name);
        if (access(path, F_OK) == 0) {
            fprintf(stderr, "molotov quickstart: %s exists; not overwriting it\n", path);
            taken++;
        }
    }
    return taken ? MT_EINVAL : MT_OK;
}

static int write_one(const char *dir, const char *name, const char *text)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "wx"); /* x: never replace a file made meanwhile */
    if (!f || fputs(text, f) < 0 || fclose(f) != 0) {
        fprintf(stderr, "molotov quickstart: %s: %s\n", path, strerror(errno));
        return MT_EIO;
    }
    printf("  wrote %s\n", path);
    return MT_OK;
}

static int write_all(const char *dir, const char *target)
{
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "molotov quickstart: %s: %s\n", dir, strerror(errno));
        return MT_EIO;
    }
    if (check_free(dir)) return MT_EINVAL;
    int rc = MT_OK;
    for (size_t i = 0; i < NFILES && !rc; i++) {
        char *text = fill(FILES[i].tpl, target);
        rc = write_one(dir, FILES[i].name, text);
        free(text);
    }
    return rc;
}

int mt_quickstart_main(int argc, char **argv)
{
    if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
        puts("usage: molotov quickstart [DIR]\n\n"
             "Writes loadtest.lua, molotov.json (tests smoke, small, big) and a Makefile\n"
             "into DIR (default: the current directory). On a terminal it asks for the\n"
             "directory and the target first. Existing files are never overwritten.");
        return 0;
    }
    if (argc > 2 || (argc == 2 && argv[1][0] == '-')) {
        fprintf(stderr, "molotov quickstart: %s: unexpected argument (see --help)\n",
                argv[argc - 1]);
        return MT_EXIT_USAGE;
    }
    bool tty = isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
    const char *given = argc == 2 ? argv[1] : ".";
    char *dir = tty && argc < 2 ? ask("Directory for the load test", given) : mt_strdup(given);
    char *target =
        tty ? ask("Target (the service to test)", DEFAULT_TARGET) : mt_strdup(DEFAULT_TARGET);
    printf("**** Molotov quickstart ****\n");
    int rc = write_all(dir, target);
    if (!rc)
        printf("Ready. Next: cd %s && make smoke  (with `molotov serve --port 8080` running for "
               "the default target)\n",
               dir);
    free(dir);
    free(target);
    return rc ? MT_EXIT_USAGE : 0;
}

/* slave.c: `molotov slave` (slave.h). git clones the repository (shallow,
 * a branch or tag after '#'), the test is checked in the clone's
 * molotov.json, then the molotov command runs it from inside the clone as
 * `molotov --config molotov.json TEST`, so the file's env, its scenario path
 * and its options apply as they do for --config. The clone is removed
 * afterwards unless --keep. Git is run with posix_spawnp, no shell. */
#include "molotov/slave.h"
#include "molotov/common.h"
#include "molotov/config.h"
#include "molotov/options.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <ftw.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static const char USAGE[] =
    "usage: molotov slave [--keep] [--config FILE] REPO[#REF] [TEST] [-- molotov options]\n"
    "       moloslave ...    (the same)\n"
    "\n"
    "Clones the git repository REPO (shallow; #REF picks a branch or tag), reads its\n"
    "molotov.json (or FILE) and runs the test TEST (default: test) from inside the\n"
    "clone, as `molotov --config molotov.json TEST`; options after `--` are added to\n"
    "that command. The clone is removed afterwards unless --keep.\n"
    "Exit codes: the run's; 2 when the clone fails or the file or the test is missing.\n";

typedef struct {
    bool keep, test_given;
    const char *config, *repo, *test;
    int extra; /* argv index of the first option after "--", or argc */
} slave_args;

static int parse(int argc, char **argv, slave_args *a)
{
    *a = (slave_args){.config = "molotov.json", .test = "test", .extra = argc};
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        if (!strcmp(s, "--")) {
            a->extra = i + 1;
            break;
        }
        if (!strcmp(s, "-h") || !strcmp(s, "--help")) return 1;
        if (!strcmp(s, "--keep")) {
            a->keep = true;
        } else if (!strcmp(s, "--config") && i + 1 < argc) {
            a->config = argv[++i];
        } else if (s[0] == '-') {
            fprintf(stderr, "molotov slave: %s: unknown option (see --help)\n", s);
            return MT_EINVAL;
        } else if (!a->repo) {
            a->repo = s;
        } else if (!a->test_given) {
            a->test = s;
            a->test_given = true;
        } else {
            fprintf(stderr, "molotov slave: %s: unexpected argument\n", s);
            return MT_EINVAL;
        }
    }
    if (!a->repo) {
        fprintf(stderr, "molotov slave: name the repository to clone (see --help)\n");
        return MT_EINVAL;
    }
    return MT_OK;
}

/* git clone --depth 1 [--branch REF] URL DIR; returns git's exit code. */
static int git_clone(const char *repo, const char *dir)
{
    char *url = mt_strdup(repo), *ref = strchr(url, '#'); /* a ref may hold '#' itself */
    if (ref) *ref++ = '\0';
    char *args[12];
    int n = 0;
    args[n++] = "git";
    args[n++] = "-c";
    args[n++] = "advice.detachedHead=false";
    args[n++] = "clone";
    args[n++] = "--quiet";
    args[n++] = "--depth";
    args[n++] = "1";
    if (ref && *ref) {
        args[n++] = "--branch";
        args[n++] = ref;
    }
    args[n++] = url;
    args[n++] = (char *)dir;
    args[n] = NULL;
    pid_t pid;
    int status = -1;
    /* Ctrl-C stops git, not us: the clone is then removed (git gets the
     * default handlers back) */
    struct sigaction ign = {.sa_handler = SIG_IGN}, old_int, old_term;
    sigaction(SIGINT, &ign, &old_int);
    sigaction(SIGTERM, &ign, &old_term);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t def;
    sigemptyset(&def);
    sigaddset(&def, SIGINT);
    sigaddset(&def, SIGTERM);
    posix_spawnattr_setsigdefault(&attr, &def);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF);
    int rc = posix_spawnp(&pid, "git", NULL, &attr, args, environ);
    if (rc == 0 && waitpid(pid, &status, 0) == pid)
        rc = WIFEXITED(status) ? WEXITSTATUS(status) : MT_EXIT_INTERRUPTED;
    else if (rc)
        fprintf(stderr, "molotov slave: cannot run git: %s\n", strerror(rc));
    posix_spawnattr_destroy(&attr);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    free(url);
    return rc;
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *f)
{
    (void)st;
    (void)flag;
    (void)f;
    return remove(path);
}

/* The test must be in the file before anything runs. */
static int check_test(const char *config, const char *test)
{
    char err[1024];
    cJSON *j = mt_config_read_json(config, err, sizeof err);
    if (!j) {
        fprintf(stderr, "molotov slave: %s\n", err);
        return MT_EINVAL;
    }
    const cJSON *tests =
        cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(j, "molotov"), "tests");
    bool found = cJSON_GetObjectItemCaseSensitive(tests, test) != NULL;
    if (!found) fprintf(stderr, "molotov slave: %s: no test named '%s'\n", config, test);
    cJSON_Delete(j);
    return found ? MT_OK : MT_EINVAL;
}

/* Report paths after -- are the caller's, not the clone's (it is removed):
 * a relative one is made absolute from here. */
static char *outside(const char *here, const char *path)
{
    mt_buf b;
    mt_buf_init(&b);
    if (path[0] == '/')
        mt_buf_appends(&b, path);
    else
        mt_buf_printf(&b, "%s/%s", here, path);
    return b.data;
}

static bool takes_path(const char *opt)
{
    return !strcmp(opt, "--json") || !strcmp(opt, "--html") || !strcmp(opt, "--junit");
}

/* "molotov" then the options after --, report paths made absolute. */
static char **overrides(int argc, char **argv, int from, const char *here, int *n, char ***owned,
                        int *nowned)
{
    char **v = mt_calloc((size_t)(argc - from) + 2, sizeof(char *));
    *owned = mt_calloc((size_t)(argc - from) + 1, sizeof(char *));
    *nowned = 0;
    int k = 0;
    v[k++] = "molotov";
    for (int i = from; i < argc; i++) {
        const char *eq = strchr(argv[i], '=');
        if (takes_path(argv[i]) && i + 1 < argc) {
            v[k++] = argv[i++];
            v[k++] = (*owned)[(*nowned)++] = outside(here, argv[i]);
        } else if (eq && argv[i][0] == '-' && eq[1]) {
            char opt[32];
            snprintf(opt, sizeof opt, "%.*s", (int)(eq - argv[i]), argv[i]);
            if (!takes_path(opt)) {
                v[k++] = argv[i];
                continue;
            }
            char *path = outside(here, eq + 1);
            mt_buf b;
            mt_buf_init(&b);
            mt_buf_printf(&b, "%s=%s", opt, path);
            free(path);
            v[k++] = (*owned)[(*nowned)++] = b.data;
        } else {
            v[k++] = argv[i];
        }
    }
    *n = k;
    return v;
}

static int run_in(const char *dir, const slave_args *a, int argc, char **argv,
                  int (*run)(int, char **))
{
    char here[4096];
    if (!getcwd(here, sizeof here) || chdir(dir) != 0) {
        fprintf(stderr, "molotov slave: cannot enter %s: %s\n", dir, strerror(errno));
        return MT_EXIT_USAGE;
    }
    int code = MT_EXIT_USAGE;
    if (check_test(a->config, a->test) == MT_OK) {
        int n, nowned;
        char **owned, **extra = overrides(argc, argv, a->extra, here, &n, &owned, &nowned);
        char *args[] = {"molotov", "--config", (char *)a->config, (char *)a->test, NULL};
        printf("Running: molotov --config %s %s", a->config, a->test);
        for (int i = 1; i < n; i++) printf(" %s", extra[i]);
        printf("\n");
        fflush(stdout);
        mt_options_set_overrides(n, extra); /* over the file's test, as given */
        code = run(4, args);
        mt_options_set_overrides(0, NULL);
        for (int i = 0; i < nowned; i++) free(owned[i]);
        free(owned);
        free(extra);
    }
    if (chdir(here) != 0) fprintf(stderr, "molotov slave: cannot return to %s\n", here);
    return code;
}

int mt_slave_main(int argc, char **argv, int (*run)(int argc, char **argv))
{
    slave_args a;
    int rc = parse(argc, argv, &a);
    if (rc == 1) fputs(USAGE, stdout);
    if (rc) return rc == 1 ? 0 : MT_EXIT_USAGE;
    char dir[] = "/tmp/molotov-slave-XXXXXX";
    if (!mkdtemp(dir)) {
        fprintf(stderr, "molotov slave: cannot make a directory: %s\n", strerror(errno));
        return MT_EXIT_USAGE;
    }
    printf("Working directory is %s\n", dir);
    fflush(stdout);
    int code = MT_EXIT_USAGE;
    int git = git_clone(a.repo, dir);
    if (git == MT_EXIT_INTERRUPTED) code = MT_EXIT_INTERRUPTED; /* git was stopped by a signal */
    if (git)
        fprintf(stderr, "molotov slave: git clone %s failed (exit %d)\n", a.repo, git);
    else
        code = run_in(dir, &a, argc, argv, run);
    if (a.keep)
        printf("The clone stays in %s (--keep)\n", dir);
    else
        nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
    return code;
}

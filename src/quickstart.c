/* quickstart.c: `molotov quickstart [DIR]` (Molotov's molostart): writes a
 * commented loadtest.lua using every fixture and three weighted scenarios, a
 * molotov.json with smoke, small and big tests, and a Makefile. Asks for the
 * directory and the target only on a terminal; never overwrites a file. */
#include "molotov/quickstart.h"
#include "molotov/common.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DEFAULT_TARGET "http://127.0.0.1:8080"

static const char LOADTEST[] =
    "-- loadtest.lua: written by `molotov quickstart`. Run it with\n"
    "--   make smoke              (one run of every scenario: a check for CI)\n"
    "--   make small / make big   (load: see molotov.json)\n"
    "-- or directly: molotov -w 10 -d 30 loadtest.lua\n"
    "--\n"
    "-- Every function below runs in a worker's coroutine: session:get() reads\n"
    "-- like a blocking call, but only this worker waits for the answer.\n"
    "\n"
    "local molotov = require(\"molotov\")\n"
    "\n"
    "-- molotov.json's \"env\" sets TARGET; the environment wins when it sets it.\n"
    "local TARGET = os.getenv(\"TARGET\") or \"@TARGET@\"\n"
    "\n"
    "-- Once, in the main process, before any worker starts. Requests are\n"
    "-- allowed; what set_var stores here reaches every worker of every process.\n"
    "molotov.global_setup(function(args)\n"
    "  local resp = molotov.request(TARGET .. \"/\")\n"
    "  assert(resp.status < 500, \"the target is not healthy: \" .. resp.status)\n"
    "  molotov.set_var(\"started_with\", args.workers .. \" workers\")\n"
    "end)\n"
    "\n"
    "-- Once per worker, before its first scenario. The table it returns holds\n"
    "-- the session's defaults: headers, timeout, auth, cookies...\n"
    "molotov.setup(function(worker_id, args)\n"
    "  return {\n"
    "    headers = { [\"User-Agent\"] = \"molotov-quickstart/\" .. worker_id },\n"
    "    timeout = 10,\n"
    "  }\n"
    "end)\n"
    "\n"
    "-- Once per worker, when its session exists: a place to log in.\n"
    "molotov.setup_session(function(worker_id, session)\n"
    "  session.headers[\"X-Run\"] = molotov.get_var(\"started_with\")\n"
    "end)\n"
    "\n"
    "-- Weights are relative: 60 / 30 / 10 of the runs.\n"
    "molotov.scenario(\"homepage\", 60, function(session)\n"
    "  local resp = session:get(TARGET .. \"/\")\n"
    "  -- a status never fails a scenario by itself: assert what you expect\n"
    "  assert(resp.status == 200, \"GET / returned \" .. resp.status)\n"
    "end)\n"
    "\n"
    "molotov.scenario(\"read_json\", 30, function(session)\n"
    "  local resp = session:get(TARGET .. \"/json\")\n"
    "  assert(resp.status == 200, \"GET /json returned \" .. resp.status)\n"
    "  assert(type(resp:json()) == \"table\", \"not a JSON object\")\n"
    "end)\n"
    "\n"
    "-- The table form adds `delay`: seconds of think time after each success.\n"
    "molotov.scenario {\n"
    "  name = \"create_item\",\n"
    "  weight = 10,\n"
    "  delay = 0.01,\n"
    "  run = function(session)\n"
    "    local resp = session:post(TARGET .. \"/items\", { json = { name = \"quickstart\" } })\n"
    "    assert(resp.status == 201, \"POST /items returned \" .. resp.status)\n"
    "  end,\n"
    "}\n"
    "\n"
    "-- Once per worker, after its last scenario (errors are reported, not fatal).\n"
    "molotov.teardown_session(function(worker_id, session) end)\n"
    "\n"
    "-- Once per worker that started, even if its setup failed.\n"
    "molotov.teardown(function(worker_id) end)\n"
    "\n"
    "-- Once, in the main process, after every worker ended.\n"
    "molotov.global_teardown(function() end)\n";

static const char CONFIG[] =
    "{\n"
    "  \"molotov\": {\n"
    "    \"env\": {\"TARGET\": \"@TARGET@\"},\n"
    "    \"tests\": {\n"
    "      \"smoke\": {\"scenario\": \"loadtest.lua\", \"single_run\": true},\n"
    "      \"small\": {\"scenario\": \"loadtest.lua\", \"workers\": 10, \"duration\": 10,\n"
    "                \"threshold\": [\"failure_rate<1%\"]},\n"
    "      \"big\": {\"scenario\": \"loadtest.lua\", \"workers\": 100, \"processes\": 2,\n"
    "              \"duration\": 60, \"ramp_up\": 10, \"json\": \"report.json\",\n"
    "              \"html\": \"report.html\", \"threshold\": [\"p99<500ms\", "
    "\"failure_rate<1%\"]}\n"
    "    }\n"
    "  }\n"
    "}\n";

static const char MAKEFILE[] =
    "# Makefile: written by `molotov quickstart`; the tests are in molotov.json.\n"
    "MOLOTOV ?= molotov\n"
    "\n"
    ".PHONY: smoke small big\n"
    "\n"
    "smoke:\n"
    "\t$(MOLOTOV) --config molotov.json smoke\n"
    "\n"
    "small:\n"
    "\t$(MOLOTOV) --config molotov.json small\n"
    "\n"
    "big:\n"
    "\t$(MOLOTOV) --config molotov.json big\n";

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

static const char *const FILES[] = {"loadtest.lua", "molotov.json", "Makefile"};

/* Refuses when any of the files exists; nothing is written then. */
static int check_free(const char *dir)
{
    int taken = 0;
    for (int i = 0; i < 3; i++) {
        char path[4096];
        snprintf(path, sizeof(path), "%s/%s", dir, FILES[i]);
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
    const char *const tpl[] = {LOADTEST, CONFIG, MAKEFILE};
    int rc = MT_OK;
    for (int i = 0; i < 3 && !rc; i++) {
        char *text = fill(tpl[i], target);
        rc = write_one(dir, FILES[i], text);
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

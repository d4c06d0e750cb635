/* main.c: the molotov command: options, script, runner, console, signals,
 * exit codes; `merge` and `quickstart` are handed to their modules, `serve`
 * to the molotov-serve executable beside this one. */
#include "molotov/common.h"
#include "molotov/config.h"
#include "molotov/console.h"
#include "molotov/dashboard.h"
#include "molotov/luamod.h"
#include "molotov/merge.h"
#include "molotov/options.h"
#include "molotov/pool.h"
#include "molotov/quickstart.h"
#include "molotov/report.h"
#include "molotov/report_files.h"
#include "molotov/runinfo.h"
#include "molotov/sizing.h"
#include "molotov/slave.h"
#include "molotov/runner.h"
#include "molotov/script.h"
#include "molotov/statsd.h"

#include <curl/curl.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#define GRACE_S 5.0 /* after a first Ctrl-C, how long in-flight work may finish */

typedef struct {
    mt_runner runner;
    mt_runinfo info;
    mt_console console;
    mt_sizing sizing;
    uv_signal_t sigint, sigterm;
    uv_timer_t grace;
    uv_timer_t start_timer; /* --start-at */
    double start_at;
    bool waiting;
    mt_dashboard *dash; /* --dashboard, or NULL */
} app;

static void on_grace_over(uv_timer_t *t)
{
    app *a = t->data;
    mt_runner_abort(&a->runner);
}

static void on_signal(uv_signal_t *s, int signum)
{
    (void)signum;
    app *a = s->data;
    mt_runner *r = &a->runner;
    if (a->waiting) { /* before --start-at: nothing to finish */
        r->interrupted = true;
        mt_runner_set_stop_reason(r, MT_STOP_INTERRUPTED);
        uv_stop(s->loop);
        return;
    }
    bool again = r->interrupted || r->stopping; /* a second signal, or one past the deadline */
    r->interrupted = true;
    mt_runner_set_stop_reason(r, MT_STOP_INTERRUPTED);
    if (again) {
        mt_runner_abort(r); /* stop at once */
        return;
    }
    mt_runner_stop(r);
    uv_timer_start(&a->grace, on_grace_over, (uint64_t)(GRACE_S * 1000), 0);
    mt_console_refresh(&a->console); /* acknowledged at once */
}

static void on_finished(mt_runner *r)
{
    uv_stop(r->loop);
}

static void app_close(app *a, uv_loop_t *loop, mt_pool *pool)
{
    if (a->runner.opt->sizing && a->sizing.runner) mt_sizing_close(&a->sizing);
    mt_runner_close(&a->runner);
    mt_pool_close(pool);
    mt_console_close(&a->console);
    mt_dashboard_close(a->dash);
    a->dash = NULL; /* freed by the loop below */
    mt_runinfo_free(&a->info);
    uv_close((uv_handle_t *)&a->sigint, NULL);
    uv_close((uv_handle_t *)&a->sigterm, NULL);
    uv_close((uv_handle_t *)&a->grace, NULL);
    uv_close((uv_handle_t *)&a->start_timer, NULL);
    uv_run(loop, UV_RUN_DEFAULT);
    if (uv_loop_close(loop)) fprintf(stderr, "molotov: warning: handles left open at exit\n");
    mt_pool_free(pool); /* waits for every child */
}

static void watch_signals(app *a, uv_loop_t *loop)
{
    uv_signal_init(loop, &a->sigint);
    uv_signal_init(loop, &a->sigterm);
    a->sigint.data = a->sigterm.data = a;
    uv_signal_start(&a->sigint, on_signal, SIGINT);
    uv_signal_start(&a->sigterm, on_signal, SIGTERM);
    uv_timer_init(loop, &a->grace);
    a->grace.data = a;
    uv_timer_init(loop, &a->start_timer);
    a->start_timer.data = a;
}

/* --start-at: a countdown every second until the time. */
static void on_start_time(uv_timer_t *t)
{
    app *a = t->data;
    double left = a->start_at - mt_wall_now();
    if (left < 0.001) {
        uv_stop(t->loop);
        return;
    }
    mt_console_countdown(&a->console, left);
    uv_timer_start(t, on_start_time, (uint64_t)((left < 1 ? left : 1) * 1000 + 0.5), 0);
}

/* --start-at: runs the loop (signals, the pool's pipes) until the time.
 * Returns MT_OK, or MT_ESTOPPED when interrupted first. */
static int wait_for_start(app *a, double at)
{
    double now = mt_wall_now();
    if (at <= now) {
        if (now - at > 1)
            fprintf(stderr, "molotov: --start-at: that time passed %.1f s ago; starting now\n",
                    now - at);
        return MT_OK;
    }
    a->waiting = true;
    a->start_at = at;
    on_start_time(&a->start_timer);
    uv_run(a->start_timer.loop, UV_RUN_DEFAULT);
    a->waiting = false;
    uv_timer_stop(&a->start_timer);
    if (a->runner.interrupted) return MT_ESTOPPED;
    double left = at - mt_wall_now(); /* the timer counts whole ms: never start early */
    if (left > 0)
        nanosleep(&(struct timespec){(time_t)left, (long)((left - (double)(time_t)left) * 1e9)},
                  NULL);
    return MT_OK;
}

#define FD_SPARE 64 /* descriptors besides the workers' connections */

/* Each worker holds a connection: allows as many descriptors as permitted.
 * Returns MT_OK, or MT_EINVAL with one line in err when -w cannot fit. */
static int raise_fd_limit(const mt_options *o, char *err, size_t errlen)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return MT_OK;
    if (rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
        getrlimit(RLIMIT_NOFILE, &rl);
    }
    if (rl.rlim_cur == RLIM_INFINITY || (rlim_t)o->workers + FD_SPARE <= rl.rlim_cur) return MT_OK;
    snprintf(err, errlen,
             "-w %d: each worker needs a connection, and a process may open %llu files "
             "(ulimit -n): use at most -w %llu per process, more processes (-p), or raise "
             "the limit",
             o->workers, (unsigned long long)rl.rlim_cur,
             rl.rlim_cur > FD_SPARE ? (unsigned long long)(rl.rlim_cur - FD_SPARE) : 0ull);
    return MT_EINVAL;
}

/* global_setup, then the workers: here, or in the pool's processes. */
static int start_load(app *a, mt_pool *pool, char *err, size_t errlen)
{
    int rc = mt_runner_global_setup(&a->runner, err, errlen);
    if (rc) return rc;
    if (a->runner.opt->start_at > 0 && wait_for_start(a, a->runner.opt->start_at)) {
        snprintf(err, errlen, "interrupted before --start-at");
        return MT_ESTOPPED;
    }
    if (pool) return mt_pool_start(pool, &a->runner, err, errlen);
    mt_runner_begin(&a->runner, a->runner.opt->workers);
    return MT_OK;
}

/* A bad --statsd-address is a usage error before anything starts. */
static int check_statsd(const mt_options *o, char *err, size_t errlen)
{
    mt_statsd *s = NULL;
    if (!o->statsd) return MT_OK;
    int rc = mt_statsd_open(o->statsd_address, &s, err, errlen);
    mt_statsd_close(s);
    return rc;
}

/* The exit code and, when it is not 0, the one line that says why. */
static int outcome(const mt_runner *r, int failed, int n, char *why, size_t len)
{
    const mt_stats *s = &r->stats;
    int code = mt_runner_exit_code(r);
    why[0] = '\0';
    if (r->interrupted)
        snprintf(why, len, "interrupted");
    else if (r->fatal)
        snprintf(why, len, "%s", r->fatal_msg);
    else if (code && !s->successes)
        snprintf(why, len,
                 "no scenario run succeeded (%" PRIu64 " failed, %" PRIu64 " cancelled, %" PRIu64
                 " of %" PRIu64 " requests failed)",
                 s->failures, s->cancelled, s->failed_requests, s->requests);
    else if (code && r->opt->fail && s->failures >= (uint64_t)r->opt->fail)
        snprintf(why, len, "%" PRIu64 " scenario runs failed, -f %ld allowed fewer", s->failures,
                 r->opt->fail);
    else if (code)
        snprintf(why, len, "%" PRIu64 " scenario runs failed", s->failures);
    else if (failed)
        snprintf(why, len, "%d of %d thresholds failed", failed, n);
    return code == 0 && failed ? MT_EXIT_THRESHOLDS : code;
}

/* The run's report as it stands at `end` (monotonic seconds). */
static mt_report report_of(app *a, const char **names, double end)
{
    mt_runner *r = &a->runner;
    const mt_options *o = r->opt;
    return (mt_report){.stats = &r->stats,
                       .opt = o,
                       .scenario_names = names,
                       .started_wall = r->started_wall,
                       .duration_s = r->started_at ? end - r->started_at : 0,
                       .info = &a->info,
                       .fixtures = &r->fixture_stats,
                       .processes = o->processes,
                       .workers = o->workers * o->processes,
                       .sizing = o->sizing && a->sizing.runner ? &a->sizing : NULL};
}

/* The report so far, for --dashboard's events: "running", no exit code. */
static cJSON *live_report(void *ud)
{
    app *a = ud;
    const char **names = mt_script_names(a->runner.script);
    mt_runinfo info = a->info;
    info.started_wall = a->runner.started_wall ? a->runner.started_wall : mt_wall_now();
    info.ended_wall = mt_wall_now();
    mt_report rep = report_of(a, names, mt_now_s());
    rep.info = &info;
    cJSON *j = mt_report_json(&rep);
    cJSON_ReplaceItemInObject(j, "stop_reason", cJSON_CreateString("running"));
    cJSON_ReplaceItemInObject(j, "exit_code", cJSON_CreateNull());
    free(names);
    return j;
}

/* --dashboard: listening before global_setup, its URL printed (its
 * address was checked, and bound once, before anything was printed). */
static int open_dashboard(app *a, uv_loop_t *loop)
{
    char err[512];
    if (mt_dashboard_open(loop, a->runner.opt->dashboard, &a->dash, err, sizeof err)) {
        fprintf(stderr, "molotov: %s\n", err);
        return MT_EINVAL;
    }
    if (!a->runner.opt->quiet) printf("Dashboard: %s\n", mt_dashboard_url(a->dash));
    fflush(stdout);
    return MT_OK;
}

/* --dashboard-keep S: the final report stays downloadable S seconds. */
static void keep_dashboard(app *a)
{
    double s = a->runner.opt->dashboard_keep;
    if (!a->dash || s <= 0) return;
    if (!a->runner.opt->quiet)
        printf("Dashboard: %s stays up %g s (Ctrl-C ends it)\n", mt_dashboard_url(a->dash), s);
    fflush(stdout);
    uv_signal_stop(&a->sigint); /* the dashboard's own handlers end the wait */
    uv_signal_stop(&a->sigterm);
    mt_dashboard_keep(a->dash, s);
}

/* Summary, thresholds and reports (even after Ctrl-C); the exit code. */
static int finish(app *a, mt_script *script, mt_threshold_result *thresholds, int n)
{
    mt_runner *r = &a->runner;
    const char **names = mt_script_names(script);
    double end = r->ended_at ? r->ended_at : mt_now_s();
    const mt_options *o = r->opt;
    if (o->sizing) mt_sizing_finish(&a->sizing);
    mt_report rep = report_of(a, names, end);
    rep.thresholds = thresholds;
    rep.nthresholds = n;
    int failed = mt_report_evaluate(&rep);
    mt_runinfo *ri = &a->info;
    ri->started_wall = r->started_wall ? r->started_wall : mt_wall_now();
    ri->ended_wall = r->ended_wall ? r->ended_wall : mt_wall_now();
    ri->stop_reason = mt_stop_reason_name(r->stop_reason);
    ri->exit_code = outcome(r, failed, n, ri->outcome, sizeof ri->outcome);
    if (a->dash) {
        cJSON *j = mt_report_json(&rep);
        mt_dashboard_finish(a->dash, j);
        cJSON_Delete(j);
    }
    mt_console_finish(&a->console, thresholds, n, o->sizing ? &a->sizing : NULL);
    if (ri->exit_code == 1 && (o->quiet || (!r->fatal && !r->interrupted)))
        fprintf(stderr, "molotov: %s\n", ri->outcome); /* the why, even with -q */
    int written = mt_report_write_all(&rep);
    free(names);
    return written && ri->exit_code == 0 ? 1 : ri->exit_code;
}

static void console_note(void *console, const char *text)
{
    mt_console_note(console, text);
}

static double planned_duration(const mt_options *o)
{
    if (o->single_run || o->max_runs) return -1;
    return o->duration + (o->ramp_up > 0 && o->rate <= 0 && !o->sizing ? o->ramp_up : 0);
}

static int run(const mt_options *o, mt_script *script, int argc, char **argv)
{
    static app a;
    char err[1024];
    if (raise_fd_limit(o, err, sizeof(err)) || check_statsd(o, err, sizeof(err)) ||
        mt_report_check_paths(o, err, sizeof(err)) ||
        (o->dashboard && mt_dashboard_check(o->dashboard, err, sizeof(err)))) {
        fprintf(stderr, "molotov: %s\n", err);
        return MT_EXIT_USAGE;
    }
    mt_threshold_result *thresholds = NULL;
    int nthresholds = 0;
    const char **names = mt_script_names(script);
    int rc = mt_report_parse_thresholds(o, names, script->nscenarios, script->path, &thresholds,
                                        &nthresholds, err, sizeof(err));
    free(names);
    if (rc) {
        fprintf(stderr, "molotov: %s\n", err);
        free(thresholds);
        return MT_EXIT_USAGE;
    }
    mt_pool *pool = NULL; /* forked before libuv and libcurl start here */
    if (o->processes > 1 && mt_pool_fork(o, script, &pool, err, sizeof(err))) {
        fprintf(stderr, "molotov: %s\n", err);
        free(thresholds);
        return MT_EXIT_USAGE;
    }
    uv_loop_t loop;
    if (uv_loop_init(&loop) || mt_runner_init(&a.runner, &loop, script, o)) {
        fprintf(stderr, "molotov: could not start the engine (libcurl/libuv)\n");
        free(thresholds);
        return MT_EXIT_USAGE;
    }
    mt_runinfo_init(&a.info, argc, argv, script->path);
    a.info.planned_s = planned_duration(o);
    a.runner.on_finished = on_finished;
    watch_signals(&a, &loop);
    mt_console_init(&a.console, &a.runner, stdout, isatty(STDOUT_FILENO));
    mt_pool_on_note(pool, console_note, &a.console);
    if (o->dashboard && open_dashboard(&a, &loop)) {
        app_close(&a, &loop, pool);
        free(thresholds);
        return MT_EXIT_USAGE;
    }
    rc = start_load(&a, pool, err, sizeof(err));
    /* interrupted while waiting for --start-at: global_teardown still runs
     * after global_setup, and the (empty) summary and reports are written */
    bool before_start =
        rc == MT_ESTOPPED && a.runner.global_setup_done && !a.runner.global_setup_err[0];
    if (rc) fprintf(stderr, "molotov: %s\n", err);
    if (rc && !before_start) {
        app_close(&a, &loop, pool);
        free(thresholds);
        return rc == MT_ESTOPPED ? MT_EXIT_INTERRUPTED : MT_EXIT_USAGE;
    }
    if (before_start) {
        mt_runner_global_teardown(&a.runner);
        uv_run(&loop, UV_RUN_DEFAULT); /* until it ends; or clears the stop it already asked */
    } else {
        mt_console_start(&a.console);
        if (a.dash) mt_dashboard_feed(a.dash, live_report, &a, 1000);
        if (o->sizing) mt_sizing_start(&a.sizing, &a.runner);
        if (o->sizing) a.console.sizing = &a.sizing;
        if (!a.runner.finished) uv_run(&loop, UV_RUN_DEFAULT);
    }
    int code = finish(&a, script, thresholds, nthresholds);
    keep_dashboard(&a);
    app_close(&a, &loop, pool);
    free(thresholds);
    return code;
}

static int molotov_main(int argc, char **argv);

/* `molotov serve ARGS...`: execs the molotov-serve beside this binary with
 * ARGS; returns 2 after one line on stderr when it cannot. */
static int exec_serve(char **argv)
{
    char path[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", path, sizeof path);
    char *slash = n > 0 && n < (ssize_t)sizeof path ? memrchr(path, '/', (size_t)n) : NULL;
    if (!slash || (size_t)(slash - path) + sizeof "/molotov-serve" > sizeof path) {
        fprintf(stderr, "molotov serve: cannot find this binary's directory\n");
        return MT_EXIT_USAGE;
    }
    memcpy(slash, "/molotov-serve", sizeof "/molotov-serve");
    argv[0] = path;
    execv(path, argv);
    fprintf(stderr, "molotov serve: cannot run %s: %s\n", path, strerror(errno));
    return MT_EXIT_USAGE;
}

int main(int argc, char **argv)
{
    const char *self = strrchr(argv[0], '/');
    self = self ? self + 1 : argv[0];
    if (strcmp(self, "moloslave") == 0) return mt_slave_main(argc, argv, molotov_main);
    if (argc > 1 && strcmp(argv[1], "slave") == 0)
        return mt_slave_main(argc - 1, argv + 1, molotov_main);
    if (argc > 1 && strcmp(argv[1], "serve") == 0) return exec_serve(argv + 1);
    if (argc > 1 && strcmp(argv[1], "merge") == 0) return mt_merge_main(argc - 1, argv + 1);
    if (argc > 1 && strcmp(argv[1], "quickstart") == 0)
        return mt_quickstart_main(argc - 1, argv + 1);
    return molotov_main(argc, argv);
}

/* The options in Molotov's order: the defaults, the command line, a
 * --config file's test over it, then molotov slave's overrides and the
 * checks of the whole. */
static int load_options(mt_options *o, int argc, char **argv, char *err, size_t errlen)
{
    mt_options_defaults(o);
    int rc = mt_options_parse(o, argc, argv, err, errlen);
    if (rc || o->show_help || o->show_version) return rc;
    if (o->config && (rc = mt_config_apply(o, o->config, o->config_test, err, errlen))) return rc;
    return mt_options_finish(o, err, errlen);
}

/* The molotov command itself: options, script, run. */
static int molotov_main(int argc, char **argv)
{
    mt_options o;
    char err[1024];
    if (load_options(&o, argc, argv, err, sizeof(err))) {
        fprintf(stderr, "molotov: %s\n", err);
        mt_config_release();
        return MT_EXIT_USAGE;
    }
    if (o.show_help) {
        fputs(mt_options_usage(), stdout);
        return 0;
    }
    if (o.show_version) {
        printf("molotov %s\n", MOLOTOV_VERSION);
        return 0;
    }
    mt_script *script = NULL;
    if (mt_luamod_load(&o, &script, err, sizeof(err))) {
        fprintf(stderr, "molotov: %s\n", err);
        mt_script_free(script);
        return MT_EXIT_USAGE;
    }
    int code = run(&o, script, argc, argv);
    mt_script_free(script);
    mt_config_release();
    mt_respbuf_drain_pool();
    curl_global_cleanup();
    return code;
}

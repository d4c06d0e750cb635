/* pool.c: the process pool (-p N). Main and children talk in JSON lines over
 * two pipes per child. Main -> child: start (with the vars of global_setup),
 * stop, abort. Child -> main: stats (what happened since the last report,
 * merged by addition), fatal (-x or a setup failure), done. A child whose
 * control pipe closes, or whose parent dies, quits. The lines themselves
 * are pool_wire.c's. */
#include "molotov/pool.h"
#include "molotov/common.h"
#include "molotov/json.h"
#include "molotov/phases.h"
#include "molotov/pool_wire.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <lauxlib.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#define REPORT_EVERY_MS 200

typedef struct {
    pid_t pid;
    int index;
    int ctl_fd; /* main -> child */
    int out_fd; /* child -> main */
    uv_pipe_t out;
    mt_buf in;
    bool reading, eof, exited, done, started;
    int status;
    int workers;
    double runaway_at; /* when it last said all its workers fail at once (monotonic s) */
    mt_pool *pool;
} child;

struct mt_pool {
    const mt_options *opt;
    mt_script *script;
    child *children;
    int n, alive;
    mt_runner *runner;
    uv_signal_t sigchld;
    bool sigchld_on;
    void (*note)(void *data, const char *text); /* prints a child's ready lines */
    void *note_data;
};

/* ---- the child ---- */

typedef struct {
    mt_runner runner;
    uv_loop_t loop;
    uv_pipe_t ctl;
    uv_timer_t report;
    mt_buf in;
    int out_fd;
    bool fatal_sent;
} worker_proc;

static cJSON *stats_json(const mt_stats *s, int workers)
{
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "type", "stats");
    cJSON_AddNumberToObject(j, "workers", workers);
    cJSON_AddItemToObject(j, "stats", mt_stats_to_json(s));
    return j;
}

/* Sends what happened since the last report, then forgets it. */
static void report(worker_proc *wp)
{
    mt_runner *r = &wp->runner;
    mt_wire_send_json(wp->out_fd, stats_json(&r->stats, mt_runner_active_workers(r)));
    mt_stats_reset(&r->stats);
}

static void on_report(uv_timer_t *t)
{
    report(t->data);
}

static void child_fatal(mt_runner *r)
{
    worker_proc *wp = r->data;
    if (wp->fatal_sent) return;
    wp->fatal_sent = true;
    report(wp); /* the failure that tripped -x is counted before the stop */
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "type", "fatal");
    cJSON_AddStringToObject(j, "msg", r->fatal_msg);
    cJSON_AddNumberToObject(j, "reason", r->stop_reason);
    mt_wire_send_json(wp->out_fd, j);
}

static void child_runaway(mt_runner *r, const char *why)
{
    worker_proc *wp = r->data;
    report(wp);
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "type", "runaway");
    cJSON_AddStringToObject(j, "msg", why);
    mt_wire_send_json(wp->out_fd, j);
}

static void child_finished(mt_runner *r)
{
    worker_proc *wp = r->data;
    report(wp);
    mt_wire_send_type(wp->out_fd, "done");
    uv_stop(r->loop);
}

static void on_ctl_line(void *data, cJSON *j)
{
    worker_proc *wp = data;
    const char *type = mt_wire_type_of(j);
    if (strcmp(type, "stop") == 0)
        mt_runner_stop(&wp->runner);
    else if (strcmp(type, "abort") == 0)
        mt_runner_abort(&wp->runner);
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    (void)h;
    static char chunk[65536];
    (void)suggested;
    buf->base = chunk;
    buf->len = sizeof(chunk);
}

static void on_ctl_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
    worker_proc *wp = s->data;
    if (n < 0) { /* the main process closed the pipe or died: stop at once */
        uv_read_stop(s);
        mt_runner_abort(&wp->runner);
        return;
    }
    mt_buf_append(&wp->in, buf->base, (size_t)n);
    mt_wire_each_line(&wp->in, on_ctl_line, wp); /* the main process writes whole lines */
}

/* global_setup's vars, as JSON text, into this process's var store. */
static void load_vars(mt_script *s, const char *json)
{
    lua_State *L = s->L;
    if (!json || mt_json_decode(L, json, strlen(json)) != 0 || !lua_istable(L, -1)) {
        lua_pop(L, 1);
        return;
    }
    lua_rawgeti(L, LUA_REGISTRYINDEX, s->vars_ref);
    lua_pushnil(L);
    while (lua_next(L, -3)) {
        lua_pushvalue(L, -2);
        lua_insert(L, -2);
        lua_rawset(L, -4);
    }
    lua_pop(L, 2);
}

static void child_run(worker_proc *wp, const mt_options *o, mt_script *script, int index,
                      int ctl_fd)
{
    mt_runner *r = &wp->runner;
    if (uv_loop_init(&wp->loop) || mt_runner_init(r, &wp->loop, script, o)) _exit(3);
    r->is_child = true;
    r->first_id = index * o->workers;
    /* with --ramp-up the pool's starts are evenly spaced: child k starts its
     * workers k/P of a step after child 0's */
    if (o->ramp_up > 0 && o->workers > 0)
        r->ramp_offset = o->ramp_up / o->workers * index / o->processes;
    r->data = wp;
    r->on_finished = child_finished;
    r->on_fatal = child_fatal;
    r->on_runaway = child_runaway;
    uv_pipe_init(&wp->loop, &wp->ctl, 0);
    uv_pipe_open(&wp->ctl, ctl_fd);
    wp->ctl.data = wp;
    uv_read_start((uv_stream_t *)&wp->ctl, on_alloc, on_ctl_read);
    uv_timer_init(&wp->loop, &wp->report);
    wp->report.data = wp;
    int every = o->sizing ? REPORT_EVERY_MS / 4 : REPORT_EVERY_MS; /* sizing: as results arrive */
    uv_timer_start(&wp->report, on_report, every, every);
    mt_wire_send_type(wp->out_fd, "ready"); /* the main process prints it, whole */
    mt_runner_begin(r, o->workers);
    if (!r->finished) uv_run(&wp->loop, UV_RUN_DEFAULT);
    mt_runner_close(r);
    uv_close((uv_handle_t *)&wp->ctl, NULL);
    uv_close((uv_handle_t *)&wp->report, NULL);
    uv_run(&wp->loop, UV_RUN_DEFAULT);
    uv_loop_close(&wp->loop);
}

void mt_pool_child_main_(const mt_options *o, mt_script *script, int index, int ctl_fd, int out_fd,
                         pid_t parent)
{
    prctl(PR_SET_PDEATHSIG, SIGKILL); /* never outlive the main process */
    if (getppid() != parent) _exit(0);
    signal(SIGINT, SIG_IGN); /* the terminal's Ctrl-C is the main process's to handle */
    cJSON *start = mt_wire_wait_for_start(ctl_fd);
    if (!start) _exit(0);
    const cJSON *vars = cJSON_GetObjectItemCaseSensitive(start, "vars");
    load_vars(script, cJSON_IsString(vars) ? vars->valuestring : NULL);
    cJSON_Delete(start);
    static worker_proc wp;
    wp.out_fd = out_fd;
    child_run(&wp, o, script, index, ctl_fd);
    mt_buf_free(&wp.in);
    mt_script_free(script);
    mt_respbuf_drain_pool();
    curl_global_cleanup();
    fflush(NULL);
    _exit(0);
}

/* ---- the main process ---- */

static void close_fd(int *fd)
{
    if (*fd >= 0) close(*fd);
    *fd = -1;
}

int mt_pool_open_pipes_(int ctl[2], int res[2])
{
    if (pipe(ctl)) return MT_EIO;
    if (pipe(res)) {
        int saved = errno;
        close(ctl[0]);
        close(ctl[1]);
        errno = saved; /* for the caller's message */
        return MT_EIO;
    }
    return MT_OK;
}

int mt_pool_fork(const mt_options *o, mt_script *script, mt_pool **out, char *err, size_t errlen)
{
    mt_pool *p = mt_calloc(1, sizeof(*p));
    p->opt = o;
    p->script = script;
    p->children = mt_calloc((size_t)o->processes, sizeof(child));
    fflush(NULL); /* or the children would print our buffered output again */
    pid_t parent = getpid();
    for (int i = 0; i < o->processes; i++) {
        int ctl[2], res[2];
        if (mt_pool_open_pipes_(ctl, res)) {
            snprintf(err, errlen, "-p: cannot create pipes (%s)", strerror(errno));
            mt_pool_free(p);
            return MT_EIO;
        }
        pid_t pid = fork();
        if (pid == 0) {
            close(ctl[1]);
            close(res[0]);
            for (int j = 0; j < p->n; j++) { /* siblings' pipes are not ours */
                close_fd(&p->children[j].ctl_fd);
                close_fd(&p->children[j].out_fd);
            }
            free(p->children); /* the main process's bookkeeping */
            free(p);
            mt_pool_child_main_(o, script, i, ctl[0], res[1], parent);
        }
        close(ctl[0]);
        close(res[1]);
        if (pid < 0) {
            close(ctl[1]);
            close(res[0]);
            snprintf(err, errlen, "-p: cannot create process %d (%s)", i + 1, strerror(errno));
            mt_pool_free(p);
            return MT_EIO;
        }
        child *c = &p->children[p->n++];
        c->pid = pid;
        c->index = i;
        c->ctl_fd = ctl[1];
        c->out_fd = res[0];
        c->pool = p;
        fcntl(c->ctl_fd, F_SETFD, FD_CLOEXEC);
        fcntl(c->out_fd, F_SETFD, FD_CLOEXEC);
    }
    p->alive = p->n;
    *out = p;
    return MT_OK;
}

static void broadcast(mt_pool *p, const char *type)
{
    for (int i = 0; i < p->n; i++)
        if (p->children[i].ctl_fd >= 0 && !p->children[i].exited)
            mt_wire_send_type(p->children[i].ctl_fd, type);
}

static void pool_stop(mt_runner *r)
{
    broadcast(r->data, "stop");
}

static void pool_abort(mt_runner *r)
{
    broadcast(r->data, "abort");
}

/* A report of c's that could not be read: its statistics are lost, so the
 * run's figures would be wrong; the run ends as if c had crashed. */
static void report_lost(child *c, const char *what)
{
    char msg[160];
    snprintf(msg, sizeof msg, "worker process %d sent %s: what it counted is lost", (int)c->pid,
             what);
    fprintf(stderr, "molotov: %s\n", msg);
    mt_runner_fatal(c->pool->runner, MT_STOP_CRASHED, msg);
}

/* The children's workers counted now and in the seconds a report covers
 * (its workers were running then): the first second has its count though
 * the first report comes later, maybe in the next second. */
static void sample_workers(mt_runner *r, const cJSON *stats)
{
    mt_phases_sample_workers(r);
    const cJSON *k;
    cJSON_ArrayForEach(k, cJSON_GetObjectItemCaseSensitive(stats, "timeline"))
    {
        const cJSON *t = cJSON_GetObjectItemCaseSensitive(k, "t");
        if (cJSON_IsNumber(t))
            mt_stats_workers(&r->stats, (int64_t)t->valuedouble, mt_phases_active(r));
    }
}

static void merge_stats(mt_pool *p, child *c, const cJSON *j)
{
    mt_stats *s = &p->runner->stats;
    const cJSON *stats = cJSON_GetObjectItemCaseSensitive(j, "stats");
    if (mt_stats_merge_json(s, stats)) {
        report_lost(c, "statistics that do not decode");
        return;
    }
    const cJSON *w = cJSON_GetObjectItemCaseSensitive(j, "workers");
    int workers = cJSON_IsNumber(w) ? (int)w->valuedouble : 0;
    p->runner->remote_workers += workers - c->workers;
    c->workers = workers;
    if (workers) sample_workers(p->runner, stats);
    const mt_options *o = p->opt;
    if (o->abort_after && s->failures >= (uint64_t)o->abort_after) {
        char why[64];
        snprintf(why, sizeof(why), "%ld failures reached (--abort-after)", o->abort_after);
        mt_runner_fatal(p->runner, MT_STOP_FAIL_REACHED, why);
    }
}

/* Whether every child still running said, within the last RUNAWAY_RECENT_S,
 * that all its workers fail at once: only then does the run stop. */
#define RUNAWAY_RECENT_S 2.5

static bool all_runaway(const mt_pool *p)
{
    double now = mt_now_s();
    for (int i = 0; i < p->n; i++) {
        const child *c = &p->children[i];
        if (c->started && !c->done && now - c->runaway_at > RUNAWAY_RECENT_S) return false;
    }
    return true;
}

/* "[pid] Preparing N workers..." and "[pid] OK", printed by the main process
 * as one text, so the children's lines never interleave. */
static void ready(child *c)
{
    const mt_options *o = c->pool->opt;
    if (o->quiet) return;
    char text[128];
    snprintf(text, sizeof text, "[%d] Preparing %d worker%s...\n[%d] OK\n", (int)c->pid, o->workers,
             o->workers > 1 ? "s" : "", (int)c->pid);
    if (c->pool->note) {
        c->pool->note(c->pool->note_data, text);
    } else {
        fputs(text, stdout);
        fflush(stdout);
    }
}

void mt_pool_on_note(mt_pool *p, void (*note)(void *data, const char *text), void *data)
{
    if (!p) return;
    p->note = note;
    p->note_data = data;
}

static void on_child_line(void *data, cJSON *j)
{
    child *c = data;
    const char *type = mt_wire_type_of(j);
    if (strcmp(type, "stats") == 0) {
        merge_stats(c->pool, c, j);
    } else if (strcmp(type, "fatal") == 0) {
        const cJSON *msg = cJSON_GetObjectItemCaseSensitive(j, "msg");
        const cJSON *why = cJSON_GetObjectItemCaseSensitive(j, "reason");
        int reason = cJSON_IsNumber(why) ? (int)why->valuedouble : MT_STOP_CRASHED;
        if (reason < MT_STOP_COMPLETED || reason > MT_STOP_CRASHED) reason = MT_STOP_CRASHED;
        mt_runner_fatal(c->pool->runner, (mt_stop_reason)reason,
                        cJSON_IsString(msg) ? msg->valuestring : "failure");
    } else if (strcmp(type, "runaway") == 0) {
        const cJSON *msg = cJSON_GetObjectItemCaseSensitive(j, "msg");
        c->runaway_at = mt_now_s();
        if (all_runaway(c->pool))
            mt_runner_fatal(c->pool->runner, MT_STOP_NO_SUCCESS,
                            cJSON_IsString(msg) ? msg->valuestring : "no success");
    } else if (strcmp(type, "ready") == 0) {
        ready(c);
    } else if (strcmp(type, "done") == 0) {
        c->done = true;
    }
}

void mt_pool_describe_end_(pid_t pid, int status, char *out, size_t len)
{
    if (WIFSIGNALED(status))
        snprintf(out, len, "worker process %d was killed by signal %d (%s)", (int)pid,
                 WTERMSIG(status), strsignal(WTERMSIG(status)));
    else if (WIFEXITED(status) && WEXITSTATUS(status))
        snprintf(out, len, "worker process %d exited with status %d", (int)pid,
                 WEXITSTATUS(status));
    else
        snprintf(out, len, "worker process %d ended without finishing its run", (int)pid);
}

/* A child is over when it has exited and its pipe is drained. */
static void maybe_over(child *c)
{
    mt_pool *p = c->pool;
    if (!c->exited || !c->eof || !c->started) return;
    c->started = false; /* counted once */
    if (!c->done || !WIFEXITED(c->status) || WEXITSTATUS(c->status)) {
        char msg[256];
        mt_pool_describe_end_(c->pid, c->status, msg, sizeof(msg));
        fprintf(stderr, "molotov: %s\n", msg);
        mt_runner_fatal(p->runner, MT_STOP_CRASHED, msg);
    }
    p->runner->remote_workers -= c->workers;
    c->workers = 0;
    if (--p->alive == 0) mt_runner_global_teardown(p->runner);
}

static void reap(mt_pool *p)
{
    for (int i = 0; i < p->n; i++) {
        child *c = &p->children[i];
        if (c->exited) continue;
        int status;
        pid_t got = waitpid(c->pid, &status, WNOHANG);
        if (got != c->pid) continue;
        c->exited = true;
        c->status = status;
        close_fd(&c->ctl_fd);
        maybe_over(c);
    }
}

static void on_sigchld(uv_signal_t *s, int signum)
{
    (void)signum;
    reap(s->data);
}

static void on_child_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
    child *c = s->data;
    if (n < 0) {
        uv_read_stop(s);
        c->eof = true;
        reap(c->pool);
        maybe_over(c);
        return;
    }
    mt_pool_child_input_(c->pool, c->index, buf->base, (size_t)n);
}

pid_t mt_pool_child_pid_(const mt_pool *p, int i)
{
    return p->children[i].pid;
}

void mt_pool_child_input_(mt_pool *p, int i, const char *bytes, size_t n)
{
    child *c = &p->children[i];
    mt_buf_append(&c->in, bytes, n);
    if (mt_wire_each_line(&c->in, on_child_line, c)) report_lost(c, "a line that is not JSON");
}

/* global_setup's vars as one JSON text; NULL with err filled if one cannot
 * travel (a function, a coroutine...). */
static char *vars_json(mt_script *s, char *err, size_t errlen)
{
    lua_State *L = s->L;
    lua_rawgeti(L, LUA_REGISTRYINDEX, s->vars_ref);
    char why[160];
    char *json = mt_json_encode(L, -1, why, sizeof(why));
    if (!json)
        snprintf(err, errlen, "-p: the vars global_setup set cannot reach the worker processes: %s",
                 why);
    lua_pop(L, 1);
    return json;
}

static void start_child(mt_pool *p, child *c, const char *vars)
{
    uv_loop_t *loop = p->runner->loop;
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "type", "start");
    cJSON_AddStringToObject(j, "vars", vars);
    mt_wire_send_json(c->ctl_fd, j);
    c->started = true;
    uv_pipe_init(loop, &c->out, 0);
    uv_pipe_open(&c->out, c->out_fd);
    c->out_fd = -1; /* the pipe handle owns it now */
    c->out.data = c;
    c->reading = true;
    uv_read_start((uv_stream_t *)&c->out, on_alloc, on_child_read);
}

int mt_pool_start(mt_pool *p, mt_runner *r, char *err, size_t errlen)
{
    p->runner = r;
    char *vars = vars_json(p->script, err, errlen);
    if (!vars) return MT_ESCRIPT;
    r->data = p;
    r->on_stop = pool_stop;
    r->on_abort = pool_abort;
    uv_signal_init(r->loop, &p->sigchld);
    p->sigchld.data = p;
    uv_signal_start(&p->sigchld, on_sigchld, SIGCHLD);
    p->sigchld_on = true;
    for (int i = 0; i < p->n; i++) start_child(p, &p->children[i], vars);
    free(vars);
    mt_runner_begin(r, 0);
    reap(p); /* a child may have ended before SIGCHLD was watched */
    return MT_OK;
}

/* Waits for a child to exit, killing it after `ms` milliseconds. */
static void wait_child(child *c, int ms)
{
    for (int waited = 0; !c->exited; waited += 10) {
        pid_t got = waitpid(c->pid, &c->status, WNOHANG);
        if (got == c->pid) {
            c->exited = true;
        } else if (got < 0 && errno != EINTR) {
            return;
        } else {
            if (waited == ms) kill(c->pid, SIGKILL);
            usleep(10000);
        }
    }
}

void mt_pool_close(mt_pool *p)
{
    if (!p) return;
    for (int i = 0; i < p->n; i++) {
        child *c = &p->children[i];
        close_fd(&c->ctl_fd); /* a child still waiting to start quits on EOF */
        close_fd(&c->out_fd);
        if (c->reading) uv_close((uv_handle_t *)&c->out, NULL);
        c->reading = false;
    }
    if (p->sigchld_on) uv_close((uv_handle_t *)&p->sigchld, NULL);
    p->sigchld_on = false;
}

void mt_pool_free(mt_pool *p)
{
    if (!p) return;
    mt_pool_close(p);
    for (int i = 0; i < p->n; i++) {
        wait_child(&p->children[i], 5000); /* none is left behind, none a zombie */
        mt_buf_free(&p->children[i].in);
    }
    free(p->children);
    free(p);
}

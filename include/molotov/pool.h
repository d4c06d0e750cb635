/* pool.h: -p N, the process pool. The main process forks N worker processes
 * before libcurl or libuv start anywhere, runs global_setup, hands its vars
 * to the children, merges what they report into one view and stops them
 * together. */
#ifndef MOLOTOV_POOL_H
#define MOLOTOV_POOL_H

#include "molotov/runner.h"

#include <stddef.h>
#include <sys/types.h>

typedef struct mt_pool mt_pool;

/* Forks o->processes worker processes that wait for mt_pool_start. Call it
 * right after the script is loaded, before any libuv loop or curl handle
 * exists in this process. Children never return from it. Returns MT_OK or
 * MT_EIO (with err filled) when a process could not be created; the
 * processes already made are then stopped and reaped. */
int mt_pool_fork(const mt_options *o, mt_script *script, mt_pool **out, char *err, size_t errlen);

/* After global_setup succeeded in `main_runner` (which has no workers of its
 * own): sends the vars to the children and starts them; from then on their
 * statistics are merged into main_runner's and its stop/abort/fatal reach
 * them. When the last child has ended, global_teardown runs. Returns MT_OK,
 * or MT_ESCRIPT with err filled when the vars cannot be sent (a function,
 * say); the children are then told to quit. */
int mt_pool_start(mt_pool *p, mt_runner *main_runner, char *err, size_t errlen);

/* How the main process prints a child's "[pid] Preparing N workers..." /
 * "[pid] OK" lines when it reports ready (whole lines, one text per child);
 * without it, on stdout. */
void mt_pool_on_note(mt_pool *p, void (*note)(void *data, const char *text), void *data);

/* Closes the pool's handles on the loop and tells children that have not
 * started to quit. Run the loop afterwards so the handles finish closing. */
void mt_pool_close(mt_pool *p);

/* Waits for every child (none is left a zombie, one that hangs is killed
 * after 5 s) and frees the pool. Once the loop has closed its handles; closes
 * them first if mt_pool_close was not called (before the loop started). */
void mt_pool_free(mt_pool *p);

/* For tests/test_pool.c only: the parts of pool.c its unit test reaches
 * without a whole run. */

/* Opens a child's two pipes. Returns MT_OK, or MT_EIO with errno set and
 * no descriptor left open. */
int mt_pool_open_pipes_(int ctl[2], int res[2]);

/* "worker process PID was killed by signal 9 (Killed)", "... exited with
 * status 3" or "... ended without finishing its run", from waitpid's
 * status. */
void mt_pool_describe_end_(pid_t pid, int status, char *out, size_t len);

/* The main process reads n bytes from child i: each whole line is handled;
 * one that is not JSON, or statistics that do not decode, end the run as
 * a crash with a message naming the child (what it counted is lost). */
void mt_pool_child_input_(mt_pool *p, int i, const char *bytes, size_t n);

/* Child i's process id. */
pid_t mt_pool_child_pid_(const mt_pool *p, int i);

/* A child after the fork: waits for start on ctl_fd, runs its workers,
 * reports on out_fd, and _exits (0, or 3 when its loop or runner cannot
 * be set up). Never returns. */
void mt_pool_child_main_(const mt_options *o, mt_script *script, int index, int ctl_fd, int out_fd,
                         pid_t parent);

#endif

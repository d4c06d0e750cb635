/* pool_int.h: inside the pool module (pool.c, pool_wire.c; not installed):
 * the line protocol both sides speak, and the parts of pool.c its unit test
 * reaches without a whole run: the pipe opener, a child's end in words, the
 * main side's reading of a child, a child's life after the fork. */
#ifndef MOLOTOV_POOL_INT_H
#define MOLOTOV_POOL_INT_H

#include "molotov/common.h"
#include "molotov/pool.h"

#include <cjson/cJSON.h>
#include <sys/types.h>

/* pool_wire.c: writes j (deleted here) as one line to fd; the same for
 * {"type": type}; a message's type ("" without one). MT_OK or MT_EIO. */
int mt_pool_send_json_(int fd, cJSON *j);
int mt_pool_send_type_(int fd, const char *type);
const char *mt_pool_type_of_(const cJSON *j);

/* Blocks until the main process says start on fd (returns its message),
 * or NULL when the pipe closes or says something else. */
cJSON *mt_pool_wait_for_start_(int fd);

/* Calls fn for each complete line of JSON in buf and keeps the rest (a
 * line not yet whole). Returns how many whole lines were not JSON. */
int mt_pool_each_line_(mt_buf *buf, void (*fn)(void *, cJSON *), void *data);

/* pool.c */

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

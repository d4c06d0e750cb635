/* pool.h: -p N, the process pool. The main process forks N worker processes
 * before libcurl or libuv start anywhere, runs global_setup, hands its vars
 * to the children, merges what they report into one view and stops them
 * together. */
#ifndef MOLOTOV_POOL_H
#define MOLOTOV_POOL_H

#include "molotov/runner.h"

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

/* Closes the pool's handles on the loop and tells children that have not
 * started to quit. Run the loop afterwards so the handles finish closing. */
void mt_pool_close(mt_pool *p);

/* Waits for every child (none is left a zombie, one that hangs is killed
 * after 5 s) and frees the pool. Once the loop has closed its handles; closes
 * them first if mt_pool_close was not called (before the loop started). */
void mt_pool_free(mt_pool *p);

#endif

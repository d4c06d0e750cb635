/* busy.h: the busy check. A worker's Lua may not keep the loop (every other
 * worker) for longer than MT_BUSY_LIMIT_S without yielding: a count hook on
 * its threads checks, every so many instructions, how long ago Lua was
 * entered; past the limit it yields (the runner turns that into a failure)
 * or, where Lua cannot yield (inside a C call), raises. */
#ifndef MOLOTOV_BUSY_H
#define MOLOTOV_BUSY_H

#include <lua.h>
#include <stdbool.h>
#include <stdint.h>

#define MT_BUSY_LIMIT_S 5

/* One worker's Lua, as the check sees it. */
typedef struct {
    uint64_t entered_ns; /* when its Lua was entered (monotonic); 0 outside */
    bool expired;        /* the check stopped it */
} mt_busy;

/* Puts the check's hook on thread L (a worker's coroutine or its listeners'). */
void mt_busy_watch(lua_State *L);

/* Around every entry into a worker's Lua: one runs at a time per process. */
void mt_busy_enter(mt_busy *b);
void mt_busy_leave(mt_busy *b);

/* Whether Lua entered at entered_ns has run past the limit at now_ns. */
bool mt_busy_over(uint64_t entered_ns, uint64_t now_ns);

/* The failure of the last Lua the check stopped ("file:line: ran for 5 s..."). */
const char *mt_busy_message(void);

#endif

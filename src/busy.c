/* busy.c: the busy check (busy.h): a count hook every HOOK_EVERY
 * instructions on a worker's threads, against the time its Lua was
 * entered. */
#include "molotov/busy.h"
#include "molotov/common.h"
#include "molotov/worker.h"

#include <stdio.h>

#define HOOK_EVERY 1000000

static char busy_msg[512]; /* one Lua runs at a time in a process */
static mt_busy *current;   /* the worker whose Lua runs */

void mt_busy_enter(mt_busy *b)
{
    b->entered_ns = mt_now_ns();
    b->expired = false;
    current = b;
}

void mt_busy_leave(mt_busy *b)
{
    b->entered_ns = 0;
    if (current == b) current = NULL;
}

bool mt_busy_over(uint64_t entered_ns, uint64_t now_ns)
{
    return entered_ns && now_ns - entered_ns > MT_BUSY_LIMIT_S * 1000000000ull;
}

const char *mt_busy_message(void)
{
    return busy_msg;
}

/* Only a worker's own threads count: a coroutine the script made inherits
 * the hook but belongs to no worker. */
static void on_instructions(lua_State *L, lua_Debug *ar)
{
    mt_busy *b = current;
    if (!mt_worker_of(L) || !b || !mt_busy_over(b->entered_ns, mt_now_ns())) return;
    lua_getinfo(L, "Sl", ar);
    snprintf(busy_msg, sizeof(busy_msg),
             "%s:%d: ran for %d s without yielding (an endless loop?); every other worker of "
             "this process was stopped meanwhile",
             ar->short_src, ar->currentline, MT_BUSY_LIMIT_S);
    b->expired = true;
    if (lua_isyieldable(L)) {
        lua_yield(L, 0);
        return;
    }
    lua_pushstring(L, busy_msg); /* the hook stays off for this thread: the runner replaces it */
    lua_error(L);
}

void mt_busy_watch(lua_State *L)
{
    lua_sethook(L, on_instructions, LUA_MASKCOUNT, HOOK_EVERY);
}

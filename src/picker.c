/* picker.c: a worker's next scenario (picker.h). */
#include "molotov/picker.h"

#include <lauxlib.h>
#include <stdio.h>

static uint64_t rng_state = 1;

void mt_picker_seed(uint64_t seed)
{
    rng_state = seed ? seed : 1;
}

uint64_t mt_picker_random(void)
{
    uint64_t x = rng_state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    rng_state = x;
    return x * 2685821657736338717ull;
}

int mt_picker_weighted(const int *cum, int n, uint64_t x)
{
    int at = (int)(x % (uint64_t)cum[n - 1]);
    int lo = 0, hi = n - 1;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (cum[mid] > at)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

int mt_picker_call(lua_State *co, const mt_script *s, int wid, long step, mt_busy *b, char *msg,
                   size_t len)
{
    lua_rawgeti(co, LUA_REGISTRYINDEX, s->picker_ref);
    lua_pushinteger(co, wid);
    lua_pushinteger(co, step + 1); /* Molotov counts steps from 1 */
    mt_busy_enter(b);
    int rc = lua_pcall(co, 2, 1, 0);
    mt_busy_leave(b);
    if (rc != LUA_OK) {
        mt_script_error_message(co, msg, len);
    } else {
        const char *name = lua_tostring(co, -1);
        int i = name ? mt_script_find(s, name) : -1;
        if (i >= 0) {
            lua_pop(co, 1);
            return i;
        }
        snprintf(msg, len, "scenario_picker returned %s, which is no scenario",
                 luaL_tolstring(co, -1, NULL));
    }
    lua_settop(co, 0);
    return -1;
}

int mt_picker_pick(const mt_script *s, const mt_options *o, long step)
{
    if (o->single_run) return (int)step;
    if (o->single_mode) return mt_script_find(s, o->single_mode);
    if (s->picker_ref != LUA_NOREF) return -2;
    return mt_picker_weighted(s->cumweights, s->nscenarios, mt_picker_random());
}

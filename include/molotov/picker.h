/* picker.h: which scenario a worker runs next: in turn with --single-run,
 * the one of -s, the script's scenario_picker, or by weight (a random pick
 * over the cumulative weights, xorshift64*). */
#ifndef MOLOTOV_PICKER_H
#define MOLOTOV_PICKER_H

#include "molotov/busy.h"
#include "molotov/options.h"
#include "molotov/script.h"

#include <lua.h>
#include <stddef.h>
#include <stdint.h>

/* Seeds the random numbers (0 is taken as 1). */
void mt_picker_seed(uint64_t seed);

/* The next random number (xorshift64*). */
uint64_t mt_picker_random(void);

/* The index whose cumulative weight range holds x % total: cum[i] is the
 * sum of the weights up to i (n > 0, cum[n - 1] > 0). */
int mt_picker_weighted(const int *cum, int n, uint64_t x);

/* What the script's scenario_picker (called on co with worker id and the
 * 1-based step, under the busy check b) returns, as a scenario index; -1
 * with why in msg when it raised or named no scenario. */
int mt_picker_call(lua_State *co, const mt_script *s, int wid, long step, mt_busy *b, char *msg,
                   size_t len);

/* The choice without Lua: step's scenario for --single-run, -s's, or a
 * weighted pick; -2 when the script's picker must be called. */
int mt_picker_pick(const mt_script *s, const mt_options *o, long step);

#endif

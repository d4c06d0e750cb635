/* response.h: the Lua response object. Body and headers stay raw bytes in a
 * pooled buffer until a script reads them. */
#ifndef MOLOTOV_RESPONSE_H
#define MOLOTOV_RESPONSE_H

#include "molotov/http.h"

#include <lua.h>
#include <stdbool.h>

/* Pushes a response owning `buf` (returned to the pool when collected).
 * ok: the request did not fail (its `expect`, or a status < 400). */
void mt_response_push(lua_State *L, long status, bool ok, double elapsed, mt_respbuf *buf);

/* Sets the table on top of L (popped) as the response at idx's history. */
void mt_response_set_history(lua_State *L, int idx);

/* Creates the response metatable; call once per Lua state. */
void mt_response_register(lua_State *L);

/* Parses a raw header block (status line first) into a new table with
 * lower-case names and case-insensitive lookup, pushed on L. Repeated
 * headers are joined with ", ". */
void mt_response_push_headers(lua_State *L, const char *raw, size_t len);

#endif

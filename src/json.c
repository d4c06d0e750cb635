/* json.c: Lua values to JSON text and back. Tables that are sequences become
 * arrays (an empty table becomes {}), other tables objects with string keys;
 * JSON null is the light userdata molotov.json.null. */
#include "molotov/json.h"
#include "molotov/common.h"

#include <cjson/cJSON.h>
#include <lauxlib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 128

static char null_sentinel;
#define JSON_NULL ((void *)&null_sentinel)

static cJSON *to_json(lua_State *L, int idx, int depth, char *err, size_t errlen);

/* A table is an array when its keys are exactly 1..n with n > 0. */
static lua_Integer array_length(lua_State *L, int idx)
{
    lua_Integer n = (lua_Integer)lua_rawlen(L, idx), count = 0;
    if (n == 0) return 0;
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        lua_pop(L, 1);
        if (!lua_isinteger(L, -1) || lua_tointeger(L, -1) < 1 || lua_tointeger(L, -1) > n) {
            lua_pop(L, 1);
            return 0;
        }
        count++;
    }
    return count == n ? n : 0;
}

static cJSON *table_to_json(lua_State *L, int idx, int depth, char *err, size_t errlen)
{
    lua_Integer n = array_length(L, idx);
    cJSON *out = n ? cJSON_CreateArray() : cJSON_CreateObject();
    if (n) {
        for (lua_Integer i = 1; i <= n; i++) {
            lua_rawgeti(L, idx, i);
            cJSON *item = to_json(L, lua_gettop(L), depth + 1, err, errlen);
            lua_pop(L, 1);
            if (!item) goto fail;
            cJSON_AddItemToArray(out, item);
        }
        return out;
    }
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        if (lua_type(L, -2) != LUA_TSTRING && lua_type(L, -2) != LUA_TNUMBER) {
            snprintf(err, errlen, "cannot encode a table key of type %s", luaL_typename(L, -2));
            lua_pop(L, 2);
            goto fail;
        }
        lua_pushvalue(L, -2);
        size_t keylen;
        const char *key = lua_tolstring(L, -1, &keylen); /* on the copy: keeps lua_next safe */
        if (strlen(key) != keylen) {
            snprintf(err, errlen, "cannot encode a table key containing a NUL byte");
            lua_pop(L, 3);
            goto fail;
        }
        cJSON *item = to_json(L, lua_gettop(L) - 1, depth + 1, err, errlen);
        if (item) cJSON_AddItemToObject(out, key, item);
        lua_pop(L, 2);
        if (!item) {
            lua_pop(L, 1);
            goto fail;
        }
    }
    return out;
fail:
    cJSON_Delete(out);
    return NULL;
}

/* Numbers are printed here rather than by cJSON, which goes through a double
 * and keeps 15 digits when they are "close enough": integers are exact, floats
 * take the shortest form that reads back as the same double. */
static cJSON *number_to_json(lua_State *L, int idx, char *err, size_t errlen)
{
    char buf[64];
    if (lua_isinteger(L, idx)) {
        snprintf(buf, sizeof(buf), LUA_INTEGER_FMT, (LUAI_UACINT)lua_tointeger(L, idx));
        return cJSON_CreateRaw(buf);
    }
    double v = lua_tonumber(L, idx);
    if (!isfinite(v)) {
        snprintf(err, errlen, "cannot encode a non-finite number");
        return NULL;
    }
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, sizeof(buf), "%.*g", prec, v);
        if (strtod(buf, NULL) == v) break;
    }
    return cJSON_CreateRaw(buf);
}

static cJSON *to_json(lua_State *L, int idx, int depth, char *err, size_t errlen)
{
    if (depth > MAX_DEPTH) {
        snprintf(err, errlen, "cannot encode: nested deeper than %d (a cycle?)", MAX_DEPTH);
        return NULL;
    }
    switch (lua_type(L, idx)) {
    case LUA_TNIL: return cJSON_CreateNull();
    case LUA_TBOOLEAN: return cJSON_CreateBool(lua_toboolean(L, idx));
    case LUA_TNUMBER: return number_to_json(L, idx, err, errlen);
    case LUA_TSTRING: {
        size_t len;
        const char *s = lua_tolstring(L, idx, &len);
        if (strlen(s) != len) { /* cJSON strings end at the first NUL */
            snprintf(err, errlen, "cannot encode a string containing a NUL byte");
            return NULL;
        }
        return cJSON_CreateString(s);
    }
    case LUA_TTABLE: return table_to_json(L, idx, depth, err, errlen);
    case LUA_TLIGHTUSERDATA:
        if (lua_touserdata(L, idx) == JSON_NULL) return cJSON_CreateNull();
        /* fall through */
    default:
        snprintf(err, errlen, "cannot encode a value of type %s", luaL_typename(L, idx));
        return NULL;
    }
}

char *mt_json_encode(lua_State *L, int idx, char *err, size_t errlen)
{
    idx = lua_absindex(L, idx);
    luaL_checkstack(L, MAX_DEPTH * 3 + 10, "json nesting");
    cJSON *j = to_json(L, idx, 0, err, errlen);
    if (!j) return NULL;
    char *s = cJSON_PrintUnformatted(j);
    cJSON_Delete(j);
    if (!s) snprintf(err, errlen, "out of memory while encoding JSON");
    return s;
}

static void push_json(lua_State *L, const cJSON *j)
{
    luaL_checkstack(L, 4, "JSON nesting");
    if (cJSON_IsNull(j))
        lua_pushlightuserdata(L, JSON_NULL);
    else if (cJSON_IsBool(j))
        lua_pushboolean(L, cJSON_IsTrue(j));
    else if (cJSON_IsString(j))
        lua_pushstring(L, j->valuestring);
    else if (cJSON_IsNumber(j)) {
        double v = j->valuedouble;
        if (v == floor(v) && fabs(v) < 9007199254740992.0)
            lua_pushinteger(L, (lua_Integer)v);
        else
            lua_pushnumber(L, v);
    } else if (cJSON_IsArray(j)) {
        lua_createtable(L, cJSON_GetArraySize(j), 0);
        lua_Integer i = 1;
        for (const cJSON *c = j->child; c; c = c->next) {
            push_json(L, c);
            lua_rawseti(L, -2, i++);
        }
    } else {
        lua_createtable(L, 0, cJSON_GetArraySize(j));
        for (const cJSON *c = j->child; c; c = c->next) {
            push_json(L, c);
            lua_setfield(L, -2, c->string);
        }
    }
}

int mt_json_decode(lua_State *L, const char *s, size_t len)
{
    const char *end = NULL;
    cJSON *j = cJSON_ParseWithLengthOpts(s, len, &end, 0);
    if (!j) {
        size_t at = end && end >= s ? (size_t)(end - s) : 0;
        lua_pushfstring(L, "invalid JSON at byte %d", (int)at);
        return -1;
    }
    /* cJSON stops after the first value: only whitespace may follow it */
    while (end && end < s + len && (*end == ' ' || *end == '\t' || *end == '\n' || *end == '\r'))
        end++;
    if (end && end < s + len) {
        cJSON_Delete(j);
        lua_pushfstring(L, "invalid JSON at byte %d (data after the value)", (int)(end - s));
        return -1;
    }
    push_json(L, j);
    cJSON_Delete(j);
    return 0;
}

static int l_encode(lua_State *L)
{
    char err[160];
    luaL_checkany(L, 1);
    char *s = mt_json_encode(L, 1, err, sizeof(err));
    if (!s) return luaL_error(L, "%s", err);
    lua_pushstring(L, s);
    cJSON_free(s);
    return 1;
}

static int l_decode(lua_State *L)
{
    size_t len;
    const char *s = luaL_checklstring(L, 1, &len);
    if (mt_json_decode(L, s, len)) return lua_error(L);
    return 1;
}

void mt_json_push_module(lua_State *L)
{
    lua_createtable(L, 0, 3);
    lua_pushcfunction(L, l_encode);
    lua_setfield(L, -2, "encode");
    lua_pushcfunction(L, l_decode);
    lua_setfield(L, -2, "decode");
    lua_pushlightuserdata(L, JSON_NULL);
    lua_setfield(L, -2, "null");
}

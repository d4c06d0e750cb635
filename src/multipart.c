/* multipart.c: `files = { field = { filename =, body = | path =,
 * content_type = } }` as a multipart/form-data body, with curl's mime API:
 * curl writes the boundary and the part headers, and reads a `path` when
 * the request is sent. Checking and building are two passes so that a bad
 * option raises before anything is allocated. */
#include "molotov/multipart.h"

#include <lauxlib.h>
#include <string.h>
#include <unistd.h>

static const char *field_string(lua_State *L, int part, const char *key, const char *field)
{
    int t = lua_getfield(L, part, key);
    const char *s = t == LUA_TNIL ? NULL : lua_tostring(L, -1);
    if (t != LUA_TNIL && t != LUA_TSTRING && t != LUA_TNUMBER)
        luaL_error(L, "files.%s.%s must be a string", field, key);
    lua_pop(L, 1); /* the string stays alive in the table */
    return s;
}

static void check_part(lua_State *L, const char *field, int part)
{
    if (!lua_istable(L, part))
        luaL_error(L, "files.%s must be a table { filename =, body = or path =, content_type = }",
                   field);
    field_string(L, part, "filename", field);
    field_string(L, part, "content_type", field);
    const char *body = field_string(L, part, "body", field);
    const char *path = field_string(L, part, "path", field);
    if (!body == !path) luaL_error(L, "files.%s needs one of body and path", field);
    if (path && access(path, R_OK) != 0) luaL_error(L, "files.%s: cannot read '%s'", field, path);
}

void mt_multipart_check(lua_State *L, int files)
{
    luaL_checkstack(L, 8, "files");
    if (!lua_istable(L, files)) luaL_error(L, "files must be a table of field name -> file");
    lua_pushnil(L);
    while (lua_next(L, files)) {
        if (lua_type(L, -2) != LUA_TSTRING) luaL_error(L, "files: field names must be strings");
        check_part(L, lua_tostring(L, -2), lua_gettop(L));
        lua_pop(L, 1);
    }
}

static void add_field(curl_mime *mime, lua_State *L)
{
    size_t n;
    curl_mimepart *p = curl_mime_addpart(mime);
    curl_mime_name(p, lua_tostring(L, -2));
    const char *v = lua_tolstring(L, -1, &n);
    curl_mime_data(p, v, n);
}

static void add_file(curl_mime *mime, lua_State *L, int part)
{
    curl_mimepart *p = curl_mime_addpart(mime);
    curl_mime_name(p, lua_tostring(L, part - 1));
    lua_getfield(L, part, "path");
    if (lua_isstring(L, -1)) curl_mime_filedata(p, lua_tostring(L, -1)); /* read when sent */
    lua_getfield(L, part, "body");
    size_t n;
    const char *body = lua_tolstring(L, -1, &n);
    if (body) curl_mime_data(p, body, n);
    lua_getfield(L, part, "filename");
    if (lua_isstring(L, -1))
        curl_mime_filename(p, lua_tostring(L, -1));
    else if (body)
        curl_mime_filename(p, lua_tostring(L, part - 1)); /* a file part needs a name */
    lua_getfield(L, part, "content_type");
    curl_mime_type(p, lua_isstring(L, -1) ? lua_tostring(L, -1) : "application/octet-stream");
    lua_pop(L, 4);
}

mt_mime *mt_multipart_build(lua_State *L, mt_http *h, int files, int form)
{
    curl_mime *mime = curl_mime_init(mt_http_easy(h));
    if (form) {
        lua_pushnil(L);
        while (lua_next(L, form)) {
            if (lua_type(L, -2) == LUA_TSTRING && lua_isstring(L, -1)) add_field(mime, L);
            lua_pop(L, 1);
        }
    }
    lua_pushnil(L);
    while (lua_next(L, files)) {
        add_file(mime, L, lua_gettop(L));
        lua_pop(L, 1);
    }
    return (mt_mime *)mime;
}

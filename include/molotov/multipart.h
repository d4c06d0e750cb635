/* multipart.h: the `files` request option: multipart/form-data bodies made
 * with curl's mime API (no hand-made boundaries), `form` fields as parts
 * beside the files. */
#ifndef MOLOTOV_MULTIPART_H
#define MOLOTOV_MULTIPART_H

#include "molotov/http.h"

#include <lua.h>

/* Checks the files table at index `files`: field name -> { filename =,
 * body = | path =, content_type = }. Raises a Lua error naming the field
 * on anything wrong (a path that cannot be read included); allocates
 * nothing, so an error leaks nothing. */
void mt_multipart_check(lua_State *L, int files);

/* The mime body for the slot h: the form table's fields (index `form`, 0 for
 * none) then the files (checked). Never raises; the strings are copied. */
mt_mime *mt_multipart_build(lua_State *L, mt_http *h, int files, int form);

#endif

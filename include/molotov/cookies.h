/* cookies.h: the session's cookie jar as Lua sees it: session.cookies
 * (every cookie), session:cookies_for(url), session:set_cookie(name, value,
 * { domain =, path =, secure = }) and session:clear_cookies(). The jar is
 * the session slot's (jar.h), whichever transport sends the requests. */
#ifndef MOLOTOV_COOKIES_H
#define MOLOTOV_COOKIES_H

#include "molotov/http.h"

#include <lua.h>

/* Pushes session.cookies: a list of { name, value, domain, path, secure,
 * http_only, expires, same_site } for every live cookie of the slot's jar. */
void mt_cookies_push_all(lua_State *L, mt_http *h);

/* Adds cookies_for, set_cookie and clear_cookies to the methods table on
 * top of L; slot_of(L, 1) finds the jar of the session at index 1. */
void mt_cookies_register(lua_State *L, mt_http *(*slot_of)(lua_State *L, int idx));

#endif

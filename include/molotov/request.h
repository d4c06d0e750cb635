/* request.h: a Lua request's options checked and turned into what the
 * transport sends (mt_http_req) and what its statistics need: the
 * request's own options over the session's defaults (headers merged
 * case-insensitively), params, body, json, form, files, timeouts, auth,
 * cookies, TLS, HTTP version, proxy, name, expect, redirects. Every check
 * runs before the header list or the mime body exists, so a Lua error
 * leaks nothing. */
#ifndef MOLOTOV_REQUEST_H
#define MOLOTOV_REQUEST_H

#include "molotov/common.h"
#include "molotov/http.h"
#include "molotov/options.h"

#include <lua.h>
#include <stdbool.h>

#define MT_MAX_EXPECT 32 /* status codes one request's `expect` may list */

/* A request as its next redirect hop would send it, and what its
 * statistics need. */
typedef struct {
    mt_http_req req;
    mt_http *slot;               /* the slot it goes on */
    char label[256];             /* its statistics label */
    char origin[200];            /* its "scheme://host:port" */
    bool named;                  /* its label is the request's name option */
    bool follow;                 /* follow its redirects */
    short expect[MT_MAX_EXPECT]; /* its `expect` statuses (nexpect of them) */
    int nexpect, max_redirects;
} mt_reqstate;

/* The strings a request builds (URL with params, body, cookie line), kept
 * per slot until its next request. */
typedef struct {
    mt_buf url, body, cookie;
} mt_scratch;

void mt_scratch_free(mt_scratch *s);

/* Where a request's options are: stack indexes (0 = none). */
typedef struct {
    int o, d, sh, rh;    /* options, defaults, session headers, request headers */
    int files, form;     /* the files and form tables (set by the build) */
    const char *label;   /* the name option, or NULL (set by the build) */
    mt_http *h;          /* the slot it goes on */
    mt_scratch *scratch; /* that slot's strings */
    const mt_options *opt;
} mt_reqctx;

/* Raises "unknown <what> option 'k'" on a key of the table at idx that is
 * not in known (NULL-terminated). */
void mt_check_option_names(lua_State *L, int idx, const char *const *known, const char *what);

/* Raises on a key of the table at idx that is no request option. */
void mt_request_check_names(lua_State *L, int idx);

/* The string at idx (a number is converted), or raises "<what> must be a
 * string". key_text takes strings only (a key converted in place would
 * break lua_next). */
const char *mt_request_text(lua_State *L, int idx, const char *what);
const char *mt_request_key_text(lua_State *L, int idx, const char *what);

/* Checks the options and fills st (its req, label, origin, expect,
 * redirects) for method and url. Raises a Lua error on a bad option, with
 * nothing allocated. */
void mt_request_build(lua_State *L, mt_reqctx *c, const char *method, const char *url,
                      mt_reqstate *st);

/* The label a request's statistics go under: its name option, or "METHOD
 * /path" without the query. */
void mt_request_set_label(mt_reqstate *st, const char *name, const char *method, const char *url);

/* Whether an answer with `code` failed: not one `expect` listed, or >= 400. */
bool mt_request_status_failed(const mt_reqstate *st, long code);

#endif

/* script.h: the Lua side of a run: one lua_State per process, the `molotov`
 * module, and what a scenario file registered (scenarios, fixtures,
 * picker, listeners, vars). */
#ifndef MOLOTOV_SCRIPT_H
#define MOLOTOV_SCRIPT_H

#include "molotov/options.h"

#include <lua.h>
#include <stdbool.h>

enum {
    MT_FIX_GLOBAL_SETUP,
    MT_FIX_SETUP,
    MT_FIX_SETUP_SESSION,
    MT_FIX_TEARDOWN_SESSION,
    MT_FIX_TEARDOWN,
    MT_FIX_GLOBAL_TEARDOWN,
    MT_FIX_COUNT
};

typedef struct {
    char *name;
    int weight;
    double delay; /* seconds slept after each successful run */
    int fn_ref;   /* registry reference */
    int info_ref; /* { name =, weight = } for events */
} mt_scenario;

typedef struct mt_script {
    lua_State *L;
    char *path;
    const mt_options *opt;
    mt_scenario *scenarios; /* sorted by name once loaded */
    int nscenarios;
    int *cumweights;            /* running sums of the weights, for picking */
    int fixtures[MT_FIX_COUNT]; /* registry references or LUA_NOREF */
    int picker_ref;
    int *listeners;
    int nlisteners;
    int vars_ref;         /* table of molotov.set_var values */
    int args_ref;         /* the read-only args table */
    struct mt_host *host; /* the run executing this script (worker.h), or NULL */
} mt_script;

/* Adds the pieces of the `molotov` module that other modules own to the
 * module table on top of L (see luamod.h). */
typedef void (*mt_script_reg)(lua_State *L, mt_script *s);

/* Creates the Lua state and the `molotov` module (this file's pieces, then
 * reg's, when not NULL), loads `o->scenario` as text and runs it so it
 * registers its scenarios. Returns MT_OK; MT_ENOENT or MT_ESCRIPT with one
 * line in err naming the file and line (with a traceback if o->verbose). */
int mt_script_load(const mt_options *o, mt_script_reg reg, mt_script **out, char *err,
                   size_t errlen);
void mt_script_free(mt_script *s);

/* The scenarios' names in index order, NULL-terminated (free the array, not
 * the names). */
const char **mt_script_names(const mt_script *s);

/* Index of the scenario called name, or -1. */
int mt_script_find(const mt_script *s, const char *name);

/* Calls every listener with (event, info at info_idx) on thread L. Errors are
 * printed (once per distinct message) and ignored. */
void mt_script_emit(mt_script *s, lua_State *L, const char *event, int info_idx);

/* The mt_script a Lua state belongs to. */
mt_script *mt_script_of(lua_State *L);

/* Error message of the value on top of L's stack (a thread that raised it),
 * prefixed with "file:line: " of the innermost Lua frame when the message has
 * no position. Written into out. */
void mt_script_error_message(lua_State *co, char *out, size_t outlen);

#endif

/* script.c: the Lua state of a process and the registration half of the
 * `molotov` module: scenarios, picker, listeners, fixtures, vars and the
 * read-only args table; the rest of the module is handed in by the caller
 * (luamod.c). Loading reports errors as "file:line: message". */
#include "molotov/script.h"
#include "molotov/common.h"
#include "molotov/json.h"

#include <ctype.h>
#include <errno.h>
#include <lauxlib.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const fixture_names[MT_FIX_COUNT] = {
    "global_setup", "setup", "setup_session", "teardown_session", "teardown", "global_teardown",
};

static char script_key;

mt_script *mt_script_of(lua_State *L)
{
    lua_rawgetp(L, LUA_REGISTRYINDEX, &script_key);
    mt_script *s = lua_touserdata(L, -1);
    lua_pop(L, 1);
    return s;
}

/* True when msg starts with "something:123:" (Lua's position prefix). */
static bool has_position(const char *msg)
{
    const char *colon = strchr(msg, ':');
    if (!colon || colon == msg) return false;
    const char *p = colon + 1;
    if (!isdigit((unsigned char)*p)) return false;
    while (isdigit((unsigned char)*p)) p++;
    return *p == ':';
}

/* "file:line: " of the innermost Lua frame from `level` up, or "". */
static void where(lua_State *L, int level, char *out, size_t outlen)
{
    lua_Debug ar;
    out[0] = '\0';
    for (; lua_getstack(L, level, &ar); level++) {
        lua_getinfo(L, "Sl", &ar);
        if (ar.currentline > 0) {
            snprintf(out, outlen, "%s:%d: ", ar.short_src, ar.currentline);
            return;
        }
    }
}

void mt_script_error_message(lua_State *co, char *out, size_t outlen)
{
    const char *msg = luaL_tolstring(co, -1, NULL);
    char pos[256] = "";
    if (!has_position(msg)) where(co, 0, pos, sizeof(pos));
    snprintf(out, outlen, "%s%s", pos, msg);
    lua_pop(co, 1);
}

/* Message handler of the top-level chunk: position, and traceback with -v. */
static int on_load_error(lua_State *L)
{
    mt_script *s = mt_script_of(L);
    const char *msg = luaL_tolstring(L, 1, NULL);
    char pos[256] = "";
    if (!has_position(msg)) where(L, 1, pos, sizeof(pos));
    lua_pushfstring(L, "%s%s", pos, msg);
    if (s->opt->verbose) luaL_traceback(L, L, lua_tostring(L, -1), 1);
    return 1;
}

static mt_script *self(lua_State *L)
{
    return lua_touserdata(L, lua_upvalueindex(1));
}

static void add_scenario(lua_State *L, const char *name, lua_Integer weight, double delay,
                         int fn_idx)
{
    mt_script *s = self(L);
    if (weight < 0) luaL_error(L, "scenario '%s': negative weight %d", name, (int)weight);
    if (weight > 1000000) luaL_error(L, "scenario '%s': weight above 1000000", name);
    if (delay < 0) luaL_error(L, "scenario '%s': negative delay", name);
    for (int i = 0; i < s->nscenarios; i++)
        if (strcmp(s->scenarios[i].name, name) == 0)
            luaL_error(L, "scenario '%s' is registered twice", name);
    if (weight == 0) return; /* weight 0: not registered */
    s->scenarios = mt_realloc(s->scenarios, sizeof(mt_scenario) * (size_t)(s->nscenarios + 1));
    mt_scenario *sc = &s->scenarios[s->nscenarios++];
    sc->name = mt_strdup(name);
    sc->weight = (int)weight;
    sc->delay = delay;
    lua_pushvalue(L, fn_idx);
    sc->fn_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    lua_createtable(L, 0, 2);
    lua_pushstring(L, name);
    lua_setfield(L, -2, "name");
    lua_pushinteger(L, weight);
    lua_setfield(L, -2, "weight");
    sc->info_ref = luaL_ref(L, LUA_REGISTRYINDEX);
}

/* The default name of a scenario: "<file>:<line>" where fn is defined. */
static const char *defined_at(lua_State *L, int fn_idx)
{
    lua_Debug ar;
    lua_pushvalue(L, fn_idx);
    lua_getinfo(L, ">S", &ar);
    return lua_pushfstring(L, "%s:%d", ar.short_src, ar.linedefined);
}

static lua_Integer check_weight(lua_State *L, int idx)
{
    int isint;
    lua_Integer w = lua_tointegerx(L, idx, &isint);
    if (!isint) luaL_error(L, "scenario weight must be an integer, got %s", luaL_typename(L, idx));
    return w;
}

static void scenario_from_table(lua_State *L)
{
    lua_getfield(L, 1, "run");
    if (!lua_isfunction(L, -1)) luaL_error(L, "scenario{...}: 'run' must be a function");
    int fn = lua_gettop(L);
    lua_getfield(L, 1, "name");
    const char *name = lua_isnil(L, -1) ? defined_at(L, fn) : NULL;
    if (!name && !lua_isstring(L, -1)) luaL_error(L, "scenario{...}: 'name' must be a string");
    if (!name) name = lua_tostring(L, -1);
    lua_getfield(L, 1, "weight");
    lua_Integer weight = lua_isnil(L, -1) ? 1 : check_weight(L, -1);
    lua_getfield(L, 1, "delay");
    if (!lua_isnil(L, -1) && !lua_isnumber(L, -1))
        luaL_error(L, "scenario{...}: 'delay' must be a number of seconds");
    add_scenario(L, name, weight, lua_tonumber(L, -1), fn);
}

static int l_scenario(lua_State *L)
{
    if (lua_istable(L, 1) && lua_gettop(L) == 1) {
        scenario_from_table(L);
    } else if (lua_type(L, 1) == LUA_TSTRING) {
        lua_Integer w = check_weight(L, 2);
        luaL_argexpected(L, lua_isfunction(L, 3), 3, "function");
        add_scenario(L, lua_tostring(L, 1), w, 0, 3);
    } else if (lua_isnumber(L, 1)) {
        lua_Integer w = check_weight(L, 1);
        luaL_argexpected(L, lua_isfunction(L, 2), 2, "function");
        add_scenario(L, defined_at(L, 2), w, 0, 2);
    } else {
        luaL_error(L, "molotov.scenario expects (name, weight, fn), (weight, fn) or {name=, "
                      "weight=, delay=, run=}");
    }
    return 0;
}

static int l_picker(lua_State *L)
{
    mt_script *s = self(L);
    luaL_checktype(L, 1, LUA_TFUNCTION);
    if (s->picker_ref != LUA_NOREF) luaL_error(L, "scenario_picker is already registered");
    lua_pushvalue(L, 1);
    s->picker_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    return 0;
}

static int l_events(lua_State *L)
{
    mt_script *s = self(L);
    luaL_checktype(L, 1, LUA_TFUNCTION);
    s->listeners = mt_realloc(s->listeners, sizeof(int) * (size_t)(s->nlisteners + 1));
    lua_pushvalue(L, 1);
    s->listeners[s->nlisteners++] = luaL_ref(L, LUA_REGISTRYINDEX);
    return 0;
}

static int l_fixture(lua_State *L)
{
    mt_script *s = self(L);
    int which = (int)lua_tointeger(L, lua_upvalueindex(2));
    luaL_checktype(L, 1, LUA_TFUNCTION);
    if (s->fixtures[which] != LUA_NOREF)
        luaL_error(L, "%s is already registered", fixture_names[which]);
    lua_pushvalue(L, 1);
    s->fixtures[which] = luaL_ref(L, LUA_REGISTRYINDEX);
    return 0;
}

static int l_set_var(lua_State *L)
{
    mt_script *s = self(L);
    luaL_checkstring(L, 1);
    luaL_checkany(L, 2);
    lua_rawgeti(L, LUA_REGISTRYINDEX, s->vars_ref);
    lua_pushvalue(L, 1);
    lua_pushvalue(L, 2);
    lua_rawset(L, -3);
    return 0;
}

static int l_get_var(lua_State *L)
{
    mt_script *s = self(L);
    luaL_checkstring(L, 1);
    if (!lua_isnoneornil(L, 2)) luaL_checktype(L, 2, LUA_TFUNCTION);
    lua_settop(L, 2);
    lua_rawgeti(L, LUA_REGISTRYINDEX, s->vars_ref);
    lua_pushvalue(L, 1);
    lua_rawget(L, 3);
    if (!lua_isnil(L, -1) || lua_isnil(L, 2)) return 1;
    lua_pop(L, 1);
    lua_pushvalue(L, 2);
    lua_call(L, 0, 1); /* the factory fills a missing name */
    lua_pushvalue(L, 1);
    lua_pushvalue(L, -2);
    lua_rawset(L, 3);
    return 1;
}

static int l_readonly(lua_State *L)
{
    return luaL_error(L, "args is read-only (tried to set '%s')", luaL_tolstring(L, 2, NULL));
}

static void set_num(lua_State *L, const char *k, double v)
{
    if (v == (double)(lua_Integer)v)
        lua_pushinteger(L, (lua_Integer)v);
    else
        lua_pushnumber(L, v);
    lua_setfield(L, -2, k);
}

static void set_str(lua_State *L, const char *k, const char *v)
{
    if (!v) return;
    lua_pushstring(L, v);
    lua_setfield(L, -2, k);
}

static void set_bool(lua_State *L, const char *k, bool v)
{
    lua_pushboolean(L, v);
    lua_setfield(L, -2, k);
}

/* args: the scenario and every option options.def shows there, named with
 * '_' for '-'. */
static void push_args_values(lua_State *L, const mt_options *o)
{
    lua_createtable(L, 0, 32);
    set_str(L, "scenario", o->scenario);
    for (int i = 0; i < MT_NOPTIONS; i++) {
        const mt_option *r = &mt_options_table[i];
        if (!(r->flags & (MT_OPTF_ARGS | MT_OPTF_ARGS_SET))) continue;
        mt_optval v = mt_options_get(o, r);
        if ((r->flags & MT_OPTF_ARGS_SET) && v.type == MT_OPTV_NUM && v.num == 0) continue;
        char key[64];
        mt_option_key(r, key, sizeof key);
        if (v.type == MT_OPTV_BOOL) set_bool(L, key, v.b);
        if (v.type == MT_OPTV_NUM) set_num(L, key, v.num);
        if (v.type == MT_OPTV_STR) set_str(L, key, v.str);
    }
}

/* args: an empty proxy whose metatable reads the values and refuses writes. */
static int make_args(lua_State *L, const mt_options *o)
{
    lua_newtable(L);
    lua_createtable(L, 0, 3);
    push_args_values(L, o);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, l_readonly);
    lua_setfield(L, -2, "__newindex");
    lua_pushliteral(L, "read-only");
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, -2);
    return luaL_ref(L, LUA_REGISTRYINDEX);
}

static void register_module(lua_State *L, mt_script *s, mt_script_reg reg)
{
    static const luaL_Reg fns[] = {
        {"scenario", l_scenario}, {"scenario_picker", l_picker}, {"events", l_events},
        {"set_var", l_set_var},   {"get_var", l_get_var},        {NULL, NULL},
    };
    lua_newtable(L);
    lua_pushlightuserdata(L, s);
    luaL_setfuncs(L, fns, 1);
    for (int i = 0; i < MT_FIX_COUNT; i++) {
        lua_pushlightuserdata(L, s);
        lua_pushinteger(L, i);
        lua_pushcclosure(L, l_fixture, 2);
        lua_setfield(L, -2, fixture_names[i]);
    }
    mt_json_push_module(L);
    lua_setfield(L, -2, "json");
    lua_pushliteral(L, MOLOTOV_VERSION);
    lua_setfield(L, -2, "version");
    if (reg) reg(L, s);
    luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
    lua_pushvalue(L, -2);
    lua_setfield(L, -2, "molotov");
    lua_pop(L, 1);
    lua_setglobal(L, "molotov");
}

static mt_script *script_new(const mt_options *o, mt_script_reg reg)
{
    mt_script *s = mt_calloc(1, sizeof(*s));
    s->opt = o;
    s->path = mt_strdup(o->scenario);
    s->picker_ref = LUA_NOREF;
    for (int i = 0; i < MT_FIX_COUNT; i++) s->fixtures[i] = LUA_NOREF;
    s->L = luaL_newstate();
    if (!s->L) {
        fprintf(stderr, "molotov: out of memory (Lua state)\n");
        abort();
    }
    /* threads copy the main thread's extra space: no worker there, so the
     * coroutines a script makes are no worker either */
    *(void **)lua_getextraspace(s->L) = NULL;
    lua_State *L = s->L;
    luaL_openlibs(L);
    lua_gc(L, LUA_GCGEN, 0, 0); /* responses die young; their buffers live outside Lua */
    lua_pushlightuserdata(L, s);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &script_key);
    lua_newtable(L);
    s->vars_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    s->args_ref = make_args(L, o);
    register_module(L, s, reg);
    return s;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(((const mt_scenario *)a)->name, ((const mt_scenario *)b)->name);
}

static int finish_load(mt_script *s, char *err, size_t errlen)
{
    if (s->nscenarios == 0) {
        snprintf(err, errlen, "%s: no scenario registered (use molotov.scenario)", s->path);
        return MT_ESCRIPT;
    }
    qsort(s->scenarios, (size_t)s->nscenarios, sizeof(mt_scenario), by_name);
    s->cumweights = mt_malloc(sizeof(int) * (size_t)s->nscenarios);
    int sum = 0;
    for (int i = 0; i < s->nscenarios; i++) s->cumweights[i] = sum += s->scenarios[i].weight;
    if (s->opt->single_mode && mt_script_find(s, s->opt->single_mode) < 0) {
        snprintf(err, errlen, "-s/--single-mode: %s has no scenario named '%s'", s->path,
                 s->opt->single_mode);
        return MT_EINVAL;
    }
    return MT_OK;
}

/* Loads (text only) and runs one Lua file; its error, with file and line, in err. */
static int run_file(lua_State *L, const char *path, char *err, size_t errlen)
{
    lua_pushcfunction(L, on_load_error);
    int rc = luaL_loadfilex(L, path, "t");
    if (rc == LUA_OK) rc = lua_pcall(L, 0, 0, -2);
    if (rc != LUA_OK) snprintf(err, errlen, "%s", luaL_tolstring(L, -1, NULL));
    lua_settop(L, 0);
    return rc == LUA_OK ? MT_OK : MT_ESCRIPT;
}

int mt_script_load(const mt_options *o, mt_script_reg reg, mt_script **out, char *err,
                   size_t errlen)
{
    FILE *f = fopen(o->scenario, "r");
    if (!f) {
        snprintf(err, errlen, "%s: cannot open scenario file (%s)", o->scenario, strerror(errno));
        return MT_ENOENT;
    }
    fclose(f);
    mt_script *s = script_new(o, reg);
    *out = s;
    lua_State *L = s->L;
    for (int i = 0; i < o->nextensions; i++) /* Molotov's --use-extension: listeners, fixtures */
        if (run_file(L, o->extensions[i], err, errlen)) return MT_ESCRIPT;
    lua_pushcfunction(L, on_load_error);
    if (luaL_loadfilex(L, o->scenario, "t") != LUA_OK) {
        snprintf(err, errlen, "%s", lua_tostring(L, -1));
        lua_settop(L, 0);
        return MT_ESCRIPT;
    }
    if (lua_pcall(L, 0, 0, 1) != LUA_OK) {
        snprintf(err, errlen, "%s", luaL_tolstring(L, -1, NULL));
        lua_settop(L, 0);
        return MT_ESCRIPT;
    }
    lua_settop(L, 0);
    return finish_load(s, err, errlen);
}

void mt_script_free(mt_script *s)
{
    if (!s) return;
    lua_close(s->L);
    for (int i = 0; i < s->nscenarios; i++) free(s->scenarios[i].name);
    free(s->scenarios);
    free(s->cumweights);
    free(s->listeners);
    free(s->path);
    free(s);
}

const char **mt_script_names(const mt_script *s)
{
    const char **names = mt_calloc((size_t)s->nscenarios + 1, sizeof(char *));
    for (int i = 0; i < s->nscenarios; i++) names[i] = s->scenarios[i].name;
    return names;
}

int mt_script_find(const mt_script *s, const char *name)
{
    for (int i = 0; i < s->nscenarios; i++)
        if (strcmp(s->scenarios[i].name, name) == 0) return i;
    return -1;
}

void mt_script_emit(mt_script *s, lua_State *L, const char *event, int info_idx)
{
    static int reported;
    info_idx = lua_absindex(L, info_idx);
    int top = lua_gettop(L);
    for (int i = 0; i < s->nlisteners; i++) {
        lua_rawgeti(L, LUA_REGISTRYINDEX, s->listeners[i]);
        lua_pushstring(L, event);
        lua_pushvalue(L, info_idx);
        if (lua_pcall(L, 2, 0, 0) != LUA_OK) {
            if (reported++ < 20)
                fprintf(stderr, "molotov: event listener failed on %s: %s\n", event,
                        luaL_tolstring(L, -1, NULL));
            lua_settop(L, top);
        }
    }
}

/* options.h: the command line parsed into one struct, and the table of the
 * options (options.def) that the command line, the config file and the
 * scenario's `args` all read. */
#ifndef MOLOTOV_OPTIONS_H
#define MOLOTOV_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

#define MT_MAX_THRESHOLDS 64
#define MT_MAX_EXTENSIONS 32

/* The options' ids (MT_OPT_WORKERS...), from options.def. */
enum {
#define MT_OPTION(id, ...) MT_OPT_##id,
#include "molotov/options.def"
#undef MT_OPTION
    MT_NOPTIONS
};

typedef struct {
    const char *scenario; /* path, default "loadtest.lua" */
    int workers;          /* per process */
    int processes;
    double duration; /* seconds */
    long max_runs;   /* 0: none */
    bool single_run;
    const char *single_mode; /* -s NAME or NULL */
    double ramp_up;
    double delay;
    bool exception;   /* -x */
    long fail;        /* -f N: the run fails when it ends with N failures or more; 0: none */
    long abort_after; /* --abort-after N: stop once failures reach N; 0: none */
    const char *extensions[MT_MAX_EXTENSIONS]; /* --use-extension FILE..., loaded first */
    int nextensions;
    bool force_shutdown;
    double timeout;         /* seconds */
    double connect_timeout; /* seconds */
    long max_body;          /* body bytes kept per response */
    const char *cacert;     /* --cacert: CA certificates (PEM) to verify servers with */
    const char *proxy;      /* --proxy URL, or NULL */
    bool trust_env;         /* --trust-env: the environment's proxies */
    bool http2;
    const char *engine; /* --engine: "auto", "curl" or "native" */
    bool insecure;
    double console_update; /* seconds */
    bool quiet;
    int verbose; /* 0, 1 (-v), 2 (-vv) */
    bool sizing;
    double sizing_tolerance; /* percent */
    double sizing_p99;       /* ms, 0: no latency objective */
    double rate;             /* 0: closed model */
    const char *thresholds[MT_MAX_THRESHOLDS];
    int nthresholds;
    const char *json_path, *html_path, *junit_path;
    const char *dashboard; /* --dashboard [ADDR]: NULL off, "" the default address */
    double dashboard_keep; /* --dashboard-keep S: seconds it stays up after the run */
    bool statsd;
    const char *statsd_address;
    const char *config;      /* --config FILE, or NULL */
    const char *config_test; /* the TEST of --config FILE [TEST], or NULL */
    double start_at;         /* --start-at, Unix seconds; 0: start at once */
    bool given[MT_NOPTIONS]; /* the options given explicitly, by MT_OPT_ id */
    bool show_help, show_version;
} mt_options;

/* How an option's value is checked and stored. */
typedef enum {
    MT_OPTK_FLAG,     /* bool: true when given; a config file's false clears it */
    MT_OPTK_COUNT,    /* int: one more each time (-vv); in a config file a bool or a level */
    MT_OPTK_ACCEPTED, /* Molotov's option with nothing to do here: no field */
    MT_OPTK_INT,      /* int from min to max */
    MT_OPTK_LONG,     /* long from min to max */
    MT_OPTK_NUM,      /* double: a non-negative number */
    MT_OPTK_TIME,     /* double: Unix seconds from a time (mt_options_parse_time) */
    MT_OPTK_SIZE,     /* long: bytes, with an optional k, m or g (powers of 1024) */
    MT_OPTK_STR,      /* const char * */
    MT_OPTK_FILE,     /* const char *: a file that can be read */
    MT_OPTK_URL,      /* const char *: a URL with its scheme */
    MT_OPTK_ADDR,     /* const char *: a listening address (dashboard_addr.h's
                       * forms, checked), the value may be left out ("": the
                       * caller's default), as in "--dashboard x.lua"
                       * (mt_options_parse takes a next argument only when it
                       * looks like one: mt_dash_addr_like) */
    MT_OPTK_LIST,     /* int: the count of a list the setter appends to; a config
                       * file's list (or string) replaces the command line's */
    MT_OPTK_FILES,    /* the same for files; a config file's add to the command
                       * line's, taken from the file's directory */
} mt_optkind;

enum {
    MT_OPTF_ARGS = 1,     /* in the scenario's `args` (a string only when set) */
    MT_OPTF_ARGS_SET = 2, /* in `args` only when not 0 */
    MT_OPTF_NOFILE = 4,   /* not a key of a config file's test */
    MT_OPTF_POSITIVE = 8, /* a NUM that must be more than 0, checked at once */
};

#define MT_OFF(member) offsetof(mt_options, member)
#define MT_NOFF ((size_t)-1)

/* One row of options.def. */
typedef struct mt_option {
    const char *name; /* long name */
    int shortname;    /* letter, or 0 */
    mt_optkind kind;
    size_t off; /* of the field in mt_options, or MT_NOFF */
    const char *def;
    long min, max;
    unsigned flags;     /* MT_OPTF_* */
    const char *clears; /* names separated by spaces, or NULL */
    int (*set)(mt_options *o, const char *arg, const char *name, char *err, size_t errlen);
    const char *group, *metavar, *help;
} mt_option;

/* The table, indexed by MT_OPT_ id. */
extern const mt_option mt_options_table[MT_NOPTIONS];

/* The row of the option with this long name, or NULL. */
const mt_option *mt_options_find(const char *name);

/* The option's name in a config file and in `args`: its long name with '_'
 * for '-' ("ramp_up"), written to key. */
const char *mt_option_key(const mt_option *r, char *key, size_t keylen);

/* An option's value in o, as a scenario's `args` shows it. */
typedef struct {
    enum { MT_OPTV_NONE, MT_OPTV_BOOL, MT_OPTV_NUM, MT_OPTV_STR } type; /* NONE: no value */
    bool b;
    double num;
    const char *str;
} mt_optval;

mt_optval mt_options_get(const mt_options *o, const mt_option *row);

/* Fills `o` with the defaults of options.def. */
void mt_options_defaults(mt_options *o);

/* Parses the command line argv (argv[0] is the program) over o: each option
 * through its row's checks; the first positional argument is the scenario,
 * or with --config the test (o->config records the file: the caller applies
 * it, then calls mt_options_finish). Returns MT_OK, or MT_EINVAL with one
 * line naming the problem written to err (e.g. "-w/--workers: expected an
 * integer from 1 to 1000000, got 'x'"). Strings in `o` point into argv. */
int mt_options_parse(mt_options *o, int argc, char **argv, char *err, size_t errlen);

/* After the command line and the config file: molotov slave's overrides
 * (mt_options_set_overrides), --sizing's defaults, and the checks of the
 * options together (contradictions, -vv at most). MT_OK or MT_EINVAL. */
int mt_options_finish(mt_options *o, char *err, size_t errlen);

/* Sets one option by its long name ("workers", "ramp-up"), as the config
 * file does. value is NULL for a flag; a count (-v) given a value is set to
 * that level. Returns MT_OK, MT_ENOENT when no
 * option has that name, or MT_EINVAL with one line in err. */
int mt_options_set(mt_options *o, const char *name, const char *value, char *err, size_t errlen);

/* Options parsed after the config file's test, over it (molotov slave's
 * options after --); argv[0] is a placeholder. */
void mt_options_set_overrides(int argc, char **argv);

/* A flag the config file sets to false, or a list it replaces: back to
 * false, 0 or empty. MT_ENOENT for an option that takes a single value or
 * has nothing to clear (--console). */
int mt_options_clear(mt_options *o, const char *name);

/* The config file set option `name` over the command line: options that
 * contradict it give way (their rows' `clears`: -q/-v, --single-run/-r/-s,
 * --sizing/--rate). */
void mt_options_file_wins(mt_options *o, const char *name);

/* 1 when the option named `name` is a flag, 0 when it takes a value, -1 when
 * there is no such option. */
int mt_options_is_flag(const char *name);

/* Parses a time for --start-at: Unix seconds ("1795992000", fractions
 * allowed) or ISO-8601 ("2026-11-29T22:40:00Z", ".123" and "+01:00"
 * allowed; no zone means UTC). Returns MT_OK or MT_EINVAL. */
int mt_options_parse_time(const char *s, double *out);

/* The --help text. */
const char *mt_options_usage(void);

#endif

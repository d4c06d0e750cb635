/* options.h: the command line (cli.md) parsed into one struct. */
#ifndef MOLOTOV_OPTIONS_H
#define MOLOTOV_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

#define MT_MAX_THRESHOLDS 64
#define MT_MAX_EXTENSIONS 32

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
    bool statsd;
    const char *statsd_address;
    const char *config;      /* --config FILE, or NULL */
    const char *config_test; /* the TEST of --config FILE [TEST], or NULL */
    double start_at;         /* --start-at, Unix seconds; 0: start at once */
    /* which options were given explicitly */
    bool workers_given, ramp_up_given, duration_given;
    bool show_help, show_version;
} mt_options;

/* Fills `o` with the defaults of cli.md. */
void mt_options_defaults(mt_options *o);

/* Parses argv (argv[0] is the program). Returns MT_OK, or MT_EINVAL with one
 * line naming the problem written to err (e.g. "-w: expected a positive
 * integer, got 'x'"). Strings in `o` point into argv. */
int mt_options_parse(mt_options *o, int argc, char **argv, char *err, size_t errlen);

/* Sets one option by its long name ("workers", "ramp-up"), as the config
 * file does. value is NULL for a flag. Returns MT_OK, MT_ENOENT when no
 * option has that name, or MT_EINVAL with one line in err. */
int mt_options_set(mt_options *o, const char *name, const char *value, char *err, size_t errlen);

/* Options parsed after the config file's test, over it (molotov slave's
 * options after --); argv[0] is a placeholder. */
void mt_options_set_overrides(int argc, char **argv);

/* A flag the config file sets to false: cleared (MT_ENOENT for a flag that
 * has nothing to clear). */
int mt_options_clear(mt_options *o, const char *name);

/* The config file set option `name` over the command line: options that
 * contradict it give way (-q/-v, --single-run/-r/-s, --sizing/--rate). */
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

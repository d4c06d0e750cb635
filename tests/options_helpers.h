/* options_helpers.h: what test_options.c and test_options_table.c share: a
 * command line parsed as molotov's main parses it (defaults, parse, finish),
 * from a NULL-terminated list of arguments, and the PARSE and PARSE_OK
 * shorthands over it. */
#ifndef MOLOTOV_TESTS_OPTIONS_HELPERS_H
#define MOLOTOV_TESTS_OPTIONS_HELPERS_H

#include <stddef.h>

#include "molotov/common.h"
#include "molotov/options.h"

#define MAX_ARGS 200

static char *argv_store[MAX_ARGS + 2];

/* Parses {"molotov", args..., NULL} into o after filling in the defaults. The
 * argv array is static so that the strings in o stay valid after the call. */
static inline int parse_argv(mt_options *o, char *err, size_t errlen, const char *const *args)
{
    int argc = 0;
    argv_store[argc++] = "molotov";
    for (; args[argc - 1]; argc++) {
        assert_true(argc <= MAX_ARGS);
        argv_store[argc] = (char *)args[argc - 1];
    }
    argv_store[argc] = NULL;
    mt_options_defaults(o);
    err[0] = '\0';
    int rc = mt_options_parse(o, argc, argv_store, err, errlen);
    if (rc || o->show_help || o->show_version) return rc;
    return mt_options_finish(o, err, errlen); /* no --config here: test_config.c */
}

#define PARSE(o, err, ...)                                                                         \
    parse_argv((o), (err), sizeof(err), (const char *const[]){__VA_ARGS__, NULL})

/* Parses args expecting success. */
#define PARSE_OK(o, ...)                                                                           \
    do {                                                                                           \
        char err_[256];                                                                            \
        int rc_ = PARSE(o, err_, __VA_ARGS__);                                                     \
        if (rc_ != MT_OK) fail_msg("unexpected error %d: %s", rc_, err_);                          \
    } while (0)

#endif

/* option_samples.h: what test_options.c and test_config.c share: for every
 * row of the options table, a value as a user would give it and what it
 * sets, so each surface (command line, config file, args) is checked row by
 * row without listing the options again. */
#ifndef MOLOTOV_TESTS_OPTION_SAMPLES_H
#define MOLOTOV_TESTS_OPTION_SAMPLES_H

#include "molotov/options.h"

#include <stdbool.h>
#include <string.h>

typedef struct {
    const char *arg; /* the value given (NULL: a flag); JSON's number when number */
    bool number;     /* a config file gives it as a JSON number */
    mt_optval want;  /* what mt_options_get then says (lists: NONE) */
} option_sample;

/* file: a readable file ending in .lua, for FILE and FILES rows. */
static inline option_sample sample_of(const mt_option *r, const char *file)
{
    option_sample s = {NULL, false, {.type = MT_OPTV_NONE}};
    switch (r->kind) {
    case MT_OPTK_FLAG: s.want = (mt_optval){.type = MT_OPTV_BOOL, .b = true}; break;
    case MT_OPTK_COUNT: s.want = (mt_optval){.type = MT_OPTV_NUM, .num = 1}; break;
    case MT_OPTK_ACCEPTED: break;
    case MT_OPTK_INT:
    case MT_OPTK_LONG: s = (option_sample){"7", true, {.type = MT_OPTV_NUM, .num = 7}}; break;
    case MT_OPTK_NUM: s = (option_sample){"2.5", true, {.type = MT_OPTV_NUM, .num = 2.5}}; break;
    case MT_OPTK_TIME:
        s = (option_sample){
            "2026-11-29T22:40:00Z", false, {.type = MT_OPTV_NUM, .num = 1795992000}};
        break;
    case MT_OPTK_SIZE: s = (option_sample){"3k", false, {.type = MT_OPTV_NUM, .num = 3072}}; break;
    case MT_OPTK_STR: s = (option_sample){"some-name", false, {.type = MT_OPTV_STR}}; break;
    case MT_OPTK_FILE: s = (option_sample){file, false, {.type = MT_OPTV_STR}}; break;
    case MT_OPTK_URL:
        s = (option_sample){"http://proxy.test:3128", false, {.type = MT_OPTV_STR}};
        break;
    case MT_OPTK_ADDR: s = (option_sample){"127.0.0.1:8089", false, {.type = MT_OPTV_STR}}; break;
    case MT_OPTK_LIST: s = (option_sample){"p99<250ms", false, {.type = MT_OPTV_NONE}}; break;
    case MT_OPTK_FILES: s = (option_sample){file, false, {.type = MT_OPTV_NONE}}; break;
    }
    if (strcmp(r->name, "engine") == 0) s.arg = "curl"; /* a choice: one of its words */
    if (s.want.type == MT_OPTV_STR) s.want.str = s.arg;
    return s;
}

static inline bool optval_equal(mt_optval a, mt_optval b)
{
    if (a.type != b.type) return false;
    if (a.type == MT_OPTV_BOOL) return a.b == b.b;
    if (a.type == MT_OPTV_NUM) return a.num == b.num;
    if (a.type == MT_OPTV_STR) return strcmp(a.str, b.str) == 0;
    return true;
}

/* The count of a LIST or FILES row (its field). */
static inline int list_count(const mt_options *o, const mt_option *r)
{
    return *(const int *)((const char *)o + r->off);
}

#endif

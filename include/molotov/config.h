/* config.h: Molotov's molotov.json, one test of it applied to the options:
 *   {"molotov": {"env": {"K": "V"}, "requirements": "...",
 *                "tests": {"NAME": {"scenario": "loadtest.lua", "workers": 10}}}}
 * A test's keys are the long options with underscores ("ramp_up"). */
#ifndef MOLOTOV_CONFIG_H
#define MOLOTOV_CONFIG_H

#include "molotov/options.h"

#include <cjson/cJSON.h>
#include <stddef.h>

/* Reads `path`, picks `test` (NULL: the only one) and sets its options in o;
 * the file's env is exported where the environment does not already set a
 * variable. A relative "scenario" is taken from the file's directory.
 * Returns MT_OK, or MT_EINVAL with one line naming the file and the key in
 * err (a file that cannot be read included). Strings set in o stay valid until mt_config_release().
 */
int mt_config_apply(mt_options *o, const char *path, const char *test, char *err, size_t errlen);

/* The same from text[0, len) (NUL-terminated at len), without exporting
 * env: what the fuzzer drives. path names the text in errors. */
int mt_config_apply_text(mt_options *o, const char *path, const char *text, size_t len,
                         const char *test, char *err, size_t errlen);

/* Reads and parses a JSON file. Returns the tree (caller frees), or NULL
 * with one line in err ("FILE: cannot read: ...", "FILE:LINE: not valid
 * JSON"). */
cJSON *mt_config_read_json(const char *path, char *err, size_t errlen);

/* Frees the strings every mt_config_apply() call kept. */
void mt_config_release(void);

#endif

/* fuzz_config.c: libFuzzer target for the config loader (src/config.c and
 * the option checks it goes through): any bytes as a molotov.json. */
#include "molotov/common.h"
#include "molotov/config.h"
#include "molotov/options.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = mt_strndup((const char *)data, size);
    mt_options o;
    mt_options_defaults(&o);
    char err[512];
    /* the first byte picks: the only test, or the test named "big" */
    const char *test = size && (data[0] & 1) ? "big" : NULL;
    if (mt_config_apply_text(&o, "fuzz.json", text, size, test, err, sizeof(err)) != MT_OK &&
        !memchr(err, 0, sizeof(err)))
        abort();
    mt_config_release();
    free(text);
    return 0;
}

/* fuzz_threshold.c: libFuzzer target for the --threshold grammar
 * (src/threshold.c): any bytes parse to a threshold or to one error line. */
#include "molotov/common.h"
#include "molotov/threshold.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *expr = mt_strndup((const char *)data, size);
    mt_threshold t;
    char err[256];
    if (mt_threshold_parse(expr, &t, err, sizeof(err)) == MT_OK) {
        mt_threshold_metric_name(t.metric);
        mt_threshold_passes(&t, 1.0);
    } else if (!memchr(err, 0, sizeof(err))) {
        abort(); /* an error is a NUL-terminated message */
    }
    free(expr);
    return 0;
}

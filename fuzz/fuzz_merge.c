/* fuzz_merge.c: libFuzzer target for the report merger (src/merge.c and
 * the statistics JSON it reads): any bytes as two reports to merge, then the
 * merged report written. */
#include "molotov/merge.h"
#include "molotov/options.h"
#include "molotov/report.h"

#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cJSON *a = cJSON_ParseWithLength((const char *)data, size);
    if (!a) return 0;
    cJSON *b = cJSON_Duplicate(a, 1);
    cJSON *reports[2] = {a, b};
    const char *paths[2] = {"a.json", "b.json"};
    mt_merged m;
    char err[512];
    if (mt_merge_reports(reports, paths, 2, false, &m, err, sizeof(err)) == MT_OK) {
        mt_options o;
        mt_options_defaults(&o);
        mt_report r = {.stats = &m.stats,
                       .opt = &o,
                       .scenario_names = (const char *const *)m.names,
                       .started_wall = m.started_wall,
                       .duration_s = m.duration_s};
        cJSON *out = mt_report_json(&r);
        cJSON_Delete(out);
    }
    mt_merged_free(&m);
    cJSON_Delete(a);
    cJSON_Delete(b);
    return 0;
}

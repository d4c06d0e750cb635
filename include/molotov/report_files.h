/* report_files.h: the report files a run asks for (--json, --html,
 * --junit): checked writable before any load, written at the end. */
#ifndef MOLOTOV_REPORT_FILES_H
#define MOLOTOV_REPORT_FILES_H

#include "molotov/options.h"
#include "molotov/report.h"

#include <stddef.h>

/* Writes the reports o asks for (--json, --html, --junit). Returns 0, or
 * MT_EIO after printing one line per file that could not be written. */
int mt_report_write_all(const mt_report *r);

/* Before any load: whether every report path o names can be written (a
 * file is created and removed again if it did not exist; an existing one is
 * opened for appending, not truncated). Returns 0, or MT_EIO with one line
 * naming the option and the path in err. */
int mt_report_check_paths(const mt_options *o, char *err, size_t errlen);

#endif

/* report_junit.h: the --junit report: one testcase per scenario and per
 * threshold, what ran and how it ended in <system-out>. */
#ifndef MOLOTOV_REPORT_JUNIT_H
#define MOLOTOV_REPORT_JUNIT_H

#include "molotov/report.h"

#include <stdio.h>

/* JUnit XML: one testcase per scenario and per threshold. Returns 0 or
 * MT_EIO. */
int mt_report_junit(const mt_report *r, FILE *out);

#endif

/* report_html.h: the --html report, one self-contained HTML file drawn from
 * the report JSON (report.c, mt_report_json). Nothing in it reaches the
 * network: the CSS and the plotting code (plain JS into inline SVG) are
 * inline, and the report itself is embedded as
 *   <script type="application/json" id="report">...</script>
 * with every "</" written "<\/" (and "<!--" as "\u003c!--"), both of which
 * JSON.parse and cJSON_Parse read back as the original text. */
#ifndef MOLOTOV_REPORT_HTML_H
#define MOLOTOV_REPORT_HTML_H

#include <cjson/cJSON.h>
#include <stdio.h>

/* Writes the HTML report for `report` (any JSON; missing fields are shown as
 * absent, NULL as an empty report) to `out`, and flushes it. Returns 0, or
 * MT_EIO when a write fails or the JSON cannot be printed. */
int mt_report_html(const cJSON *report, FILE *out);

#endif

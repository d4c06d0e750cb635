/* report_html.c: the --html report (report_html.h). The page is a fixed
 * shell around the report JSON: assets/report/report.html with its slots
 * filled (the date in the title, report.css, the JSON, then report_lib.js,
 * report_charts.js, report_cards.js and report.js as one script), the files embedded at build
 * time (cmake/embed.cmake). The script reads the JSON back and draws the
 * page (what it shows: report.js). */
#include "molotov/report_html.h"
#include "molotov/common.h"

#include "molotov_report_assets.h" /* generated from assets/report/ */

#include <string.h>

/* Writes s as HTML text (for <title>). */
static void put_text(const char *s, FILE *out)
{
    for (; *s; s++) {
        switch (*s) {
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '&': fputs("&amp;", out); break;
        default: fputc(*s, out);
        }
    }
}

/* Writes JSON text so that it can neither end the script element ("</") nor
 * open a comment that changes how the element ends ("<!--"); both stay the
 * same JSON: "<\/" is an escaped '/', "\u003c" an escaped '<' (and '<' only
 * ever occurs inside JSON strings). */
static void put_json(const char *s, FILE *out)
{
    for (; *s; s++) {
        if (s[0] == '<' && s[1] == '/')
            fputs("<\\", out);
        else if (s[0] == '<' && s[1] == '!')
            fputs("\\u003c", out);
        else
            fputc(*s, out);
    }
}

/* The slots of report.html; fill writes what goes in their place. */
enum { TITLE_DATE, REPORT_CSS, REPORT_JSON, REPORT_JS, NSLOTS };
static const char *const SLOTS[NSLOTS] = {"@TITLE_DATE@", "@REPORT_CSS@", "@REPORT_JSON@",
                                          "@REPORT_JS@"};

/* The slot that starts at p, or -1. */
static int slot_at(const char *p)
{
    for (int i = 0; i < NSLOTS; i++)
        if (!strncmp(p, SLOTS[i], strlen(SLOTS[i]))) return i;
    return -1;
}

/* Writes what goes in place of slot i; json is the report, printed. */
static void fill(int slot, const cJSON *report, const char *json, FILE *out)
{
    const cJSON *started = cJSON_GetObjectItemCaseSensitive(report, "started_at");
    switch (slot) {
    case TITLE_DATE:
        if (!cJSON_IsString(started)) break;
        fputs(" \xC2\xB7 ", out);
        put_text(started->valuestring, out);
        break;
    case REPORT_CSS: fwrite(mt_asset_report_css, 1, sizeof(mt_asset_report_css) - 1, out); break;
    case REPORT_JSON: put_json(json, out); break;
    case REPORT_JS:
        fwrite(mt_asset_report_lib_js, 1, sizeof(mt_asset_report_lib_js) - 1, out);
        fwrite(mt_asset_report_charts_js, 1, sizeof(mt_asset_report_charts_js) - 1, out);
        fwrite(mt_asset_report_cards_js, 1, sizeof(mt_asset_report_cards_js) - 1, out);
        fwrite(mt_asset_report_js, 1, sizeof(mt_asset_report_js) - 1, out);
        break;
    }
}

int mt_report_html(const cJSON *report, FILE *out)
{
    char *json = report ? cJSON_PrintUnformatted(report) : NULL;
    if (report && !json) return MT_EIO;
    const char *p = mt_asset_report_html, *at;
    while ((at = strchr(p, '@'))) {
        fwrite(p, 1, (size_t)(at - p), out);
        int slot = slot_at(at);
        if (slot < 0) {
            fputc('@', out);
            p = at + 1;
            continue;
        }
        fill(slot, report, json ? json : "{}", out);
        p = at + strlen(SLOTS[slot]);
    }
    fputs(p, out);
    cJSON_free(json);
    return fflush(out) || ferror(out) ? MT_EIO : MT_OK;
}

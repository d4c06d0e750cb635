/* report_junit.c: the --junit report (report.h): one testcase per scenario
 * (failed when any run failed, its time the sum of its runs, its most
 * frequent failure messages with their counts in the failure's text) and
 * per threshold, and what ran and how it ended in <system-out>. */
#include "molotov/common.h"
#include "molotov/report_junit.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TOP_MESSAGES 5

static void xml_text(FILE *out, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '&': fputs("&amp;", out); break;
        case '"': fputs("&quot;", out); break;
        default:
            if ((unsigned char)*s >= 0x20 || *s == '\n' || *s == '\t') fputc(*s, out);
        }
    }
}

static void junit_failure_text(FILE *out, const mt_scn_stats *sc)
{
    size_t n;
    const mt_msgcount **m = mt_msgtab_sorted(&sc->msgs, &n);
    for (size_t i = 0; i < n && i < TOP_MESSAGES; i++) {
        fprintf(out, "%llu x ", (unsigned long long)m[i]->count);
        xml_text(out, m[i]->msg);
        fputc('\n', out);
    }
    if (n > TOP_MESSAGES) fprintf(out, "(%zu more distinct messages)\n", n - TOP_MESSAGES);
    free(m);
}

static void junit_scenario(FILE *out, const mt_report *r, int i)
{
    const mt_scn_stats *sc = &r->stats->scenarios[i];
    double total_s = mt_hist_mean(sc->duration) * (double)mt_hist_count(sc->duration) / 1e6;
    fputs("    <testcase classname=\"molotov.scenario\" name=\"", out);
    xml_text(out, r->scenario_names[i]);
    fprintf(out, "\" time=\"%.3f\">", total_s);
    if (sc->failures) {
        fprintf(out, "<failure message=\"%llu of %llu runs failed\" type=\"scenario\">",
                (unsigned long long)sc->failures, (unsigned long long)sc->runs);
        junit_failure_text(out, sc);
        fputs("</failure>", out);
    } else if (!sc->runs) {
        fputs("<skipped message=\"never ran\"/>", out);
    }
    fputs("</testcase>\n", out);
}

static void junit_threshold(FILE *out, const mt_threshold_result *t)
{
    fputs("    <testcase classname=\"molotov.threshold\" name=\"", out);
    xml_text(out, t->t.expr);
    fputs("\" time=\"0\">", out);
    if (!t->passed) {
        char msg[128];
        if (isnan(t->value))
            snprintf(msg, sizeof(msg), "no data");
        else
            snprintf(msg, sizeof(msg), "%s%s = %.3f%s", t->t.ok ? "ok:" : "",
                     mt_threshold_metric_name(t->t.metric), t->value,
                     mt_threshold_unit(t->t.metric));
        fputs("<failure message=\"", out);
        xml_text(out, msg);
        fputs("\"/>", out);
    }
    fputs("</testcase>\n", out);
}

/* What ran and how it ended, one "key: value" line each. */
static void junit_system_out(FILE *out, const mt_report *r)
{
    const mt_runinfo *ri = r->info;
    const mt_stats *s = r->stats;
    char when[40];
    fputs("  <system-out>", out);
    fprintf(out, "molotov %s\n", MOLOTOV_VERSION);
    if (ri) {
        fputs("command: ", out);
        xml_text(out, ri->command_line ? ri->command_line : "");
        fputs("\nscript: ", out);
        xml_text(out, ri->script ? ri->script : "");
        fprintf(out, " (sha256 %s)\nrun id: %s\nhost: ", ri->sha256, ri->run_id);
        xml_text(out, ri->hostname);
        mt_runinfo_iso_time(ri->started_wall, when, sizeof when);
        fprintf(out, "\nstarted: %s\n", when);
        if (ri->planned_s >= 0) fprintf(out, "planned: %.1f s\n", ri->planned_s);
        fprintf(out, "stop reason: %s\nexit code: %d\n", ri->stop_reason, ri->exit_code);
        if (ri->outcome[0]) {
            fputs("outcome: ", out);
            xml_text(out, ri->outcome);
            fputc('\n', out);
        }
    }
    fprintf(out, "duration: %.3f s\nworkers: %d in %d processes\n", r->duration_s,
            r->workers ? r->workers : r->opt->workers,
            r->processes ? r->processes : r->opt->processes);
    for (int i = 0; i < s->nhosts; i++) {
        fputs("target: ", out);
        xml_text(out, s->hosts[i].origin);
        fputc('\n', out);
    }
    fprintf(out, "requests: %llu, failed %llu; runs: %llu ok, %llu failed, %llu cancelled\n",
            (unsigned long long)s->requests, (unsigned long long)s->failed_requests,
            (unsigned long long)s->successes, (unsigned long long)s->failures,
            (unsigned long long)s->cancelled);
    fputs("</system-out>\n", out);
}

/* The run itself: failed when its exit code says so (99, thresholds, is
 * the thresholds suite's to show), so a CI never reads green for a run
 * that exited 1 or 130. */
static bool run_failed(const mt_report *r)
{
    return r->info && r->info->exit_code != 0 && r->info->exit_code != MT_EXIT_THRESHOLDS;
}

static void junit_run(FILE *out, const mt_report *r)
{
    fprintf(out, "  <testsuite name=\"run\" tests=\"1\" failures=\"%d\" time=\"%.3f\">\n",
            run_failed(r), r->duration_s);
    fprintf(out, "    <testcase classname=\"molotov.run\" name=\"exit code\" time=\"%.3f\">",
            r->duration_s);
    if (run_failed(r)) {
        char msg[1400];
        snprintf(msg, sizeof msg, "exit code %d (%s): %s", r->info->exit_code, r->info->stop_reason,
                 r->info->outcome[0] ? r->info->outcome : "");
        fputs("<failure message=\"", out);
        xml_text(out, msg);
        fputs("\"/>", out);
    }
    fputs("</testcase>\n  </testsuite>\n", out);
}

int mt_report_junit(const mt_report *r, FILE *out)
{
    int nscn = r->stats->nscenarios, failed_scn = 0, failed_thr = 0;
    for (int i = 0; i < nscn; i++) failed_scn += r->stats->scenarios[i].failures > 0;
    for (int i = 0; i < r->nthresholds; i++) failed_thr += !r->thresholds[i].passed;
    fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    fprintf(out, "<testsuites name=\"molotov\" tests=\"%d\" failures=\"%d\" time=\"%.3f\">\n",
            nscn + r->nthresholds + 1, failed_scn + failed_thr + run_failed(r), r->duration_s);
    fprintf(out, "  <testsuite name=\"scenarios\" tests=\"%d\" failures=\"%d\" time=\"%.3f\">\n",
            nscn, failed_scn, r->duration_s);
    for (int i = 0; i < nscn; i++) junit_scenario(out, r, i);
    junit_system_out(out, r);
    fprintf(out, "  </testsuite>\n");
    fprintf(out, "  <testsuite name=\"thresholds\" tests=\"%d\" failures=\"%d\" time=\"0\">\n",
            r->nthresholds, failed_thr);
    for (int i = 0; i < r->nthresholds; i++) junit_threshold(out, &r->thresholds[i]);
    fprintf(out, "  </testsuite>\n");
    junit_run(out, r);
    fprintf(out, "</testsuites>\n");
    return ferror(out) ? MT_EIO : MT_OK;
}

/* report_files.c: the report files (report_files.h): each path checked
 * writable before the run without truncating what is there, then the JSON,
 * HTML and JUnit reports written from one JSON document at the end. */
#include "molotov/report_files.h"
#include "molotov/common.h"
#include "molotov/report_html.h"
#include "molotov/report_junit.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

typedef int (*writer)(const mt_report *r, const cJSON *j, FILE *out);

static int write_json(const mt_report *r, const cJSON *j, FILE *out)
{
    (void)r;
    char *txt = cJSON_Print(j);
    int rc = txt && fputs(txt, out) >= 0 && fputc('\n', out) != EOF ? MT_OK : MT_EIO;
    cJSON_free(txt);
    return rc;
}

static int write_html(const mt_report *r, const cJSON *j, FILE *out)
{
    (void)r;
    return mt_report_html(j, out);
}

static int write_junit(const mt_report *r, const cJSON *j, FILE *out)
{
    (void)j;
    return mt_report_junit(r, out);
}

static int write_file(const char *opt, const char *path, writer fn, const mt_report *r,
                      const cJSON *j)
{
    if (!path) return MT_OK;
    FILE *out = fopen(path, "w");
    int rc = out ? fn(r, j, out) : MT_EIO;
    int saved = errno;
    if (out && fclose(out)) {
        rc = MT_EIO;
        saved = errno; /* the buffered write failed at the close: ENOSPC, EDQUOT... */
    }
    if (rc) fprintf(stderr, "molotov: %s %s: cannot write (%s)\n", opt, path, strerror(saved));
    return rc;
}

int mt_report_write_all(const mt_report *r)
{
    const mt_options *o = r->opt;
    if (!o->json_path && !o->html_path && !o->junit_path) return MT_OK;
    cJSON *j = mt_report_json(r);
    int rc = write_file("--json", o->json_path, write_json, r, j);
    rc |= write_file("--html", o->html_path, write_html, r, j);
    rc |= write_file("--junit", o->junit_path, write_junit, r, j);
    cJSON_Delete(j);
    return rc ? MT_EIO : MT_OK;
}

static int check_path(const char *opt, const char *path, char *err, size_t errlen)
{
    if (!path) return MT_OK;
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    bool created = fd >= 0;
    if (fd < 0 && errno == EEXIST) fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "%s %s: cannot write (%s)", opt, path, strerror(errno));
        return MT_EIO;
    }
    close(fd);
    if (created) unlink(path);
    return MT_OK;
}

int mt_report_check_paths(const mt_options *o, char *err, size_t errlen)
{
    int rc = check_path("--json", o->json_path, err, errlen);
    if (!rc) rc = check_path("--html", o->html_path, err, errlen);
    if (!rc) rc = check_path("--junit", o->junit_path, err, errlen);
    return rc;
}

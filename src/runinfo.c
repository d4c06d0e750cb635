/* runinfo.c: the run's identity for its reports: a random id (so merge can
 * refuse the same report twice), the machine's name, the command line with
 * its secrets masked, and the script's SHA-256 (OpenSSL's libcrypto, so
 * merge can tell reports of different scripts apart). */
#include "molotov/runinfo.h"
#include "molotov/common.h"
#include "molotov/mask.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

static void hex(const unsigned char *p, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[p[i] >> 4];
        out[2 * i + 1] = digits[p[i] & 15];
    }
    out[2 * n] = '\0';
}

static int new_run_id(char out[33])
{
    unsigned char id[16];
    if (getrandom(id, sizeof id, GRND_NONBLOCK) == (ssize_t)sizeof id) {
        hex(id, sizeof id, out);
        return MT_OK;
    }
    uint64_t a = mt_now_ns(), b = (uint64_t)getpid() ^ (uint64_t)time(NULL) << 20;
    memcpy(id, &a, 8);
    memcpy(id + 8, &b, 8);
    hex(id, sizeof id, out);
    return MT_EIO;
}

int mt_runinfo_sha256_file(const char *path, char out[65])
{
    out[0] = '\0';
    mt_buf text;
    mt_buf_init(&text);
    int rc = path ? mt_read_file(path, &text) : MT_ENOENT;
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (rc == MT_OK && EVP_Digest(text.data ? text.data : "", text.len, md, &n, EVP_sha256(), NULL))
        hex(md, n, out);
    else if (rc == MT_OK)
        rc = MT_EIO;
    mt_buf_free(&text);
    return rc;
}

/* Whether a shell would read s back as one word without quotes. */
static bool plain_word(const char *s)
{
    if (!*s) return false;
    for (; *s; s++)
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,+%@", *s))
            return false;
    return true;
}

static void append_word(mt_buf *b, const char *w)
{
    if (b->len) mt_buf_append(b, " ", 1);
    if (plain_word(w)) {
        mt_buf_appends(b, w);
        return;
    }
    mt_buf_append(b, "'", 1);
    for (; *w; w++) {
        if (*w == '\'')
            mt_buf_appends(b, "'\\''");
        else
            mt_buf_append(b, w, 1);
    }
    mt_buf_append(b, "'", 1);
}

char *mt_runinfo_command_line(int argc, char **argv)
{
    mt_buf b;
    mt_buf_init(&b);
    for (int i = 0; i < argc; i++) {
        char *url = mt_mask_url(argv[i]);
        const char *w = url ? url : argv[i];
        char *masked = mt_mask_secrets(w);
        append_word(&b, masked ? masked : w);
        free(masked);
        free(url);
    }
    if (!b.data) mt_buf_appends(&b, "");
    return b.data;
}

int mt_runinfo_init(mt_runinfo *ri, int argc, char **argv, const char *script)
{
    memset(ri, 0, sizeof(*ri));
    int rc = new_run_id(ri->run_id);
    if (gethostname(ri->hostname, sizeof ri->hostname - 1) != 0) strcpy(ri->hostname, "unknown");
    ri->command_line = argv ? mt_runinfo_command_line(argc, argv) : NULL;
    ri->script = script ? mt_strdup(script) : NULL;
    if (script) mt_runinfo_sha256_file(script, ri->sha256);
    ri->planned_s = -1;
    ri->stop_reason = "completed";
    return rc;
}

void mt_runinfo_free(mt_runinfo *ri)
{
    free(ri->command_line);
    free(ri->script);
    ri->command_line = ri->script = NULL;
}

void mt_runinfo_iso_time(double unix_s, char *out, size_t outlen)
{
    if (!(unix_s >= 0 && unix_s < 1e11)) unix_s = 0; /* from a report: no undefined cast */
    time_t secs = (time_t)unix_s;
    struct tm tm;
    gmtime_r(&secs, &tm);
    size_t n = strftime(out, outlen, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out + n, outlen - n, ".%03dZ", (int)((unix_s - (double)secs) * 1000) % 1000);
}

static void add_str_or_null(cJSON *j, const char *key, const char *v)
{
    if (v && *v)
        cJSON_AddStringToObject(j, key, v);
    else
        cJSON_AddNullToObject(j, key);
}

void mt_runinfo_to_json(const mt_runinfo *ri, cJSON *j)
{
    char when[40];
    cJSON_AddStringToObject(j, "run_id", ri->run_id);
    cJSON_AddStringToObject(j, "hostname", ri->hostname);
    mt_runinfo_iso_time(ri->started_wall, when, sizeof when);
    cJSON_AddStringToObject(j, "started_at", when);
    mt_runinfo_iso_time(ri->ended_wall > 0 ? ri->ended_wall : ri->started_wall, when, sizeof when);
    cJSON_AddStringToObject(j, "ended_at", when);
    if (ri->planned_s >= 0)
        cJSON_AddNumberToObject(j, "planned_duration_s", ri->planned_s);
    else
        cJSON_AddNullToObject(j, "planned_duration_s");
    add_str_or_null(j, "command_line", ri->command_line);
    cJSON *s = cJSON_AddObjectToObject(j, "script");
    add_str_or_null(s, "path", ri->script);
    add_str_or_null(s, "sha256", ri->sha256);
    cJSON_AddStringToObject(j, "stop_reason", ri->stop_reason ? ri->stop_reason : "completed");
    cJSON_AddNumberToObject(j, "exit_code", ri->exit_code);
    add_str_or_null(j, "outcome", ri->outcome);
}

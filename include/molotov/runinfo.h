/* runinfo.h: what a report says about the run itself: its id, the machine,
 * the command line (secrets masked), the script and its SHA-256, the
 * planned and actual span, how it ended and with which exit code. */
#ifndef MOLOTOV_RUNINFO_H
#define MOLOTOV_RUNINFO_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct {
    char run_id[33]; /* 128 random bits in hex: the same report twice is seen */
    char hostname[256];
    char *command_line;              /* argv joined, secrets masked (NULL: not known) */
    char *script;                    /* the scenario file as given */
    char sha256[65];                 /* of its text ("" when it could not be read) */
    double planned_s;                /* -d, or < 0 when runs (-r, --single-run) bound it */
    double started_wall, ended_wall; /* Unix seconds */
    const char *stop_reason;         /* "completed", "interrupted", ... */
    int exit_code;                   /* the code the run exits with */
    char outcome[1200];              /* one line saying why it failed, or "" */
} mt_runinfo;

/* Fills the parts known before the run: a fresh run id, the host name, the
 * masked command line and the script's hash. Returns MT_OK, or MT_EIO when
 * no randomness could be had (the id is then made of the clock and pid). */
int mt_runinfo_init(mt_runinfo *ri, int argc, char **argv, const char *script);
void mt_runinfo_free(mt_runinfo *ri);

/* The SHA-256 of the file at path as 64 hex digits into out[65]. Returns
 * MT_OK or MT_EIO/MT_ENOENT (out is then ""). */
int mt_runinfo_sha256_file(const char *path, char out[65]);

/* The command line argv[0..argc) as one string a shell reads back (quoted
 * where needed), secret values replaced by ***. A new string to free. */
char *mt_runinfo_command_line(int argc, char **argv);

/* Adds the run's fields to the report object j (run_id, hostname,
 * started_at, ended_at, planned_duration_s, command_line, script,
 * stop_reason, exit_code, outcome). */
void mt_runinfo_to_json(const mt_runinfo *ri, cJSON *j);

/* An ISO 8601 UTC time with milliseconds into out (>= 32 bytes); a time
 * outside [1970, year 5138] is written as 1970-01-01T00:00:00.000Z. */
void mt_runinfo_iso_time(double unix_s, char *out, size_t outlen);

#endif

/* mask.h: secrets kept out of what molotov prints and writes (failure
 * messages, -vv traces, the command line in reports). */
#ifndef MOLOTOV_MASK_H
#define MOLOTOV_MASK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* msg with the values of Authorization, Cookie and Set-Cookie headers and of
 * Bearer tokens replaced by *** (a new string to free), or NULL when there is
 * nothing to mask. */
char *mt_mask_secrets(const char *msg);

/* True when the header line p (n bytes) is one of those secret headers. */
bool mt_is_secret_header(const char *p, size_t n);

/* Writes text to out with its secrets masked (as mt_mask_secrets), then end. */
void mt_print_masked(FILE *out, const char *text, const char *end);

/* A URL with its userinfo's password replaced by *** (a new string to
 * free), or NULL when it has none. */
char *mt_mask_url(const char *url);

#endif

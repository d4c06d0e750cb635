/* tmpfile_helpers.h: what the tests that hand a file to molotov share (a
 * script to load, a file to upload): a new file under /tmp with the given
 * text in it. */
#ifndef MOLOTOV_TESTS_TMPFILE_HELPERS_H
#define MOLOTOV_TESTS_TMPFILE_HELPERS_H

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Makes a file from tmpl, a mkstemps template whose XXXXXX is followed by
 * a 4-character suffix such as ".lua", and writes text into it; the file's
 * name is left in tmpl. */
static inline void write_tmpfile(char *tmpl, const char *text)
{
    int fd = mkstemps(tmpl, 4);
    assert_true(fd >= 0);
    size_t n = strlen(text);
    assert_int_equal(write(fd, text, n), (ssize_t)n);
    close(fd);
}

#endif

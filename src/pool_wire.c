/* pool_wire.c: what the pool's processes say to each other (pool_wire.h):
 * one JSON object per line, with its "type", over a pipe each way. */
#include "molotov/pool_wire.h"
#include "molotov/common.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

static int write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t k = write(fd, p, n);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) return MT_EIO;
        p += k;
        n -= (size_t)k;
    }
    return MT_OK;
}

int mt_wire_send_json(int fd, cJSON *j)
{
    char *txt = cJSON_PrintUnformatted(j);
    cJSON_Delete(j);
    if (!txt) return MT_EIO;
    size_t n = strlen(txt);
    txt[n] = '\n'; /* replaces the NUL: write n + 1 bytes */
    int rc = write_all(fd, txt, n + 1);
    cJSON_free(txt);
    return rc;
}

int mt_wire_send_type(int fd, const char *type)
{
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "type", type);
    return mt_wire_send_json(fd, j);
}

const char *mt_wire_type_of(const cJSON *j)
{
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(j, "type");
    return cJSON_IsString(t) ? t->valuestring : "";
}

int mt_wire_each_line(mt_buf *buf, void (*fn)(void *, cJSON *), void *data)
{
    size_t start = 0;
    int bad = 0;
    char *nl;
    while ((nl = memchr(buf->data + start, '\n', buf->len - start))) {
        *nl = '\0';
        cJSON *j = cJSON_Parse(buf->data + start);
        if (j)
            fn(data, j);
        else
            bad++;
        cJSON_Delete(j);
        start = (size_t)(nl - buf->data) + 1;
    }
    memmove(buf->data, buf->data + start, buf->len - start);
    buf->len -= start;
    return bad;
}

cJSON *mt_wire_wait_for_start(int fd)
{
    mt_buf line;
    mt_buf_init(&line);
    char c;
    ssize_t k;
    while ((k = read(fd, &c, 1)) == 1 || (k < 0 && errno == EINTR)) {
        if (k < 0) continue;
        if (c == '\n') break;
        mt_buf_append(&line, &c, 1);
    }
    cJSON *j = k == 1 ? cJSON_Parse(line.data) : NULL;
    mt_buf_free(&line);
    if (j && strcmp(mt_wire_type_of(j), "start") != 0) {
        cJSON_Delete(j);
        j = NULL;
    }
    return j;
}

/* pool_wire.h: the line protocol of the process pool (pool_wire.c): one JSON
 * object per line, with its "type", over a pipe. It works on descriptors,
 * buffers and cJSON only; pool.c speaks it on both sides of the fork. */
#ifndef MOLOTOV_POOL_WIRE_H
#define MOLOTOV_POOL_WIRE_H

#include "molotov/common.h"

#include <cjson/cJSON.h>

/* Writes j (deleted here) as one line to fd; the same for {"type": type}.
 * MT_OK or MT_EIO. */
int mt_wire_send_json(int fd, cJSON *j);
int mt_wire_send_type(int fd, const char *type);

/* A message's type ("" without one). */
const char *mt_wire_type_of(const cJSON *j);

/* Blocks until the main process says start on fd (returns its message),
 * or NULL when the pipe closes or says something else. */
cJSON *mt_wire_wait_for_start(int fd);

/* Calls fn for each complete line of JSON in buf and keeps the rest (a
 * line not yet whole). Returns how many whole lines were not JSON. */
int mt_wire_each_line(mt_buf *buf, void (*fn)(void *, cJSON *), void *data);

#endif

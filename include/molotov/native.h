/* native.h: the native transport: HTTP/1.1 over plain TCP on the libuv
 * loop, for the requests it serves (native_req.h's mt_native_serves),
 * beside libcurl. A slot keeps its connections alive per host (a few),
 * resolves names through dns.h, reads answers with h1.h, times out on
 * libuv timers and reports like the curl path (transport.h's mt_outcome,
 * the same error kinds). http.c puts it behind transport.h's calls. */
#ifndef MOLOTOV_NATIVE_H
#define MOLOTOV_NATIVE_H

#include "molotov/options.h"
#include "molotov/transport.h"

#include <uv.h>

typedef struct mt_native mt_native;

/* Called from the loop when a request ends (never from inside
 * mt_native_send); the outcome's strings live until the next send. */
typedef void (*mt_native_done)(void *data, const mt_outcome *o);

/* A slot on loop, with the run's options that hold for every request. */
mt_native *mt_native_open(uv_loop_t *loop, const mt_options *o, mt_native_done done, void *data);

/* Cancels what the slot does, closes its connections, frees it (later, when
 * its handles have closed; NULL is fine). */
void mt_native_close(mt_native *n);

/* Sends r (which mt_native_serves) with `cookie` ("a=b; c=d" or NULL); the
 * answer goes into resp (headers, body, wire). Returns MT_OK or MT_EINVAL
 * (a URL it cannot send to). */
int mt_native_send(mt_native *n, const mt_http_req *r, const char *cookie, mt_respbuf *resp);

/* Cancels the request in flight: done is not called. */
void mt_native_cancel(mt_native *n);

/* The URL of the last request (as sent; "/" added to a bare host). */
const char *mt_native_url(const mt_native *n);

#endif

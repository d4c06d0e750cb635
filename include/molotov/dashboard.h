/* dashboard.h: --dashboard, a live web page of the run served by molotov
 * itself on its loop: a small read-only HTTP/1.1 server (GET and HEAD,
 * one request per connection) with the page (assets/dashboard/), the
 * report so far as server-sent events every second, the final report as
 * JSON and HTML once the run is over, and /healthz.
 *
 *   GET /             the page (the report's charts, redrawn per event)
 *   GET /events       text/event-stream: "data: {report}" every second,
 *                     "event: final" with the final report, then the end
 *   GET /report.json  the final report (409 while the run goes on)
 *   GET /report.html  the same as the --html page (409 before the end)
 *   GET /healthz      "ok"
 * Anything else: 404; another method: 405; a head over 8 KB: 431; a head
 * not complete in 10 s: 408; a Host that is not the dashboard's address
 * (dashboard_addr.h): 403; past 64 open connections (or a quarter of
 * ulimit -n): 503 "too many clients". */
#ifndef MOLOTOV_DASHBOARD_H
#define MOLOTOV_DASHBOARD_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

typedef struct mt_dashboard mt_dashboard;

/* The report so far, a new cJSON the dashboard deletes, or NULL. */
typedef cJSON *(*mt_dashboard_feed_fn)(void *ud);

/* Whether molotov could listen on ADDR (dashboard_addr.h's forms): MT_OK,
 * MT_EINVAL (a bad address) or MT_EIO (taken, not this machine's), with
 * one line in err; the socket bound to see is closed again. */
int mt_dashboard_check(const char *addr, char *err, size_t errlen);

/* Listens on ADDR (dashboard_addr.h) on loop. Returns MT_OK and the
 * server in *out, or MT_EINVAL/MT_EIO with one line in err. */
int mt_dashboard_open(uv_loop_t *loop, const char *addr, mt_dashboard **out, char *err,
                      size_t errlen);

/* A request head not complete after head_timeout_ms is answered 408;
 * past max open connections (0: any), a new one is answered 503 and
 * closed. The defaults: 10 s, and 64 or a quarter of ulimit -n. */
void mt_dashboard_set_limits(mt_dashboard *d, uint64_t head_timeout_ms, int max);

/* The port it listens on, and its URL ("http://127.0.0.1:PORT/"). */
int mt_dashboard_port(const mt_dashboard *d);
const char *mt_dashboard_url(const mt_dashboard *d);

/* From now on, every every_ms while a page listens to /events (and at
 * once for a new one), fn(ud) gives the report sent as the next event. */
void mt_dashboard_feed(mt_dashboard *d, mt_dashboard_feed_fn fn, void *ud, uint64_t every_ms);

/* The run is over: report (not kept) becomes /report.json and
 * /report.html and the final event, sent to every page listening and to
 * any that comes later; the events stream then ends. The descriptor the
 * dashboard kept in reserve from its open is closed: the caller's report
 * files, written next, have one whatever the clients hold. */
void mt_dashboard_finish(mt_dashboard *d, const cJSON *report);

/* Runs the loop until `seconds` passed or SIGINT/SIGTERM came (the caller
 * stops its own handlers of those first), with the server still up. */
void mt_dashboard_keep(mt_dashboard *d, double seconds);

/* Stops listening and ends every connection (what is queued is still
 * sent, for at most a second); the server frees itself once the loop has
 * closed its handles. NULL is a no-op. */
void mt_dashboard_close(mt_dashboard *d);

#endif

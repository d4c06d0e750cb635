/* dashboard_conn.h: the connections of the dashboard's HTTP/1.1 server
 * (dashboard.c is the rest: listener, routes, events): one request per
 * connection, its head read with http_parser up to MT_DASHBOARD_MAX_HEAD
 * bytes and handed over once complete (its body never read); answers and
 * events written from reference-counted messages, so one event goes to
 * every page without a copy; then a shutdown after what is queued. Past
 * the set's cap of open connections, one is answered 503 and closed. */
#ifndef MOLOTOV_DASHBOARD_CONN_H
#define MOLOTOV_DASHBOARD_CONN_H

#include <http_parser.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#define MT_DASHBOARD_MAX_HEAD 8192 /* request head bytes, request line included */
#define MT_DASHBOARD_MAX_HOST 256  /* a Host header's value */

/* Bytes written to one or more connections, freed with the last ref. */
typedef struct {
    int refs;
    size_t len;
    char data[];
} mt_dash_msg;

typedef struct mt_dash_conn mt_dash_conn;

/* A server's connections and what it does with them. */
typedef struct {
    mt_dash_conn *list;                               /* the open ones */
    void (*on_request)(mt_dash_conn *c, void *owner); /* a head is complete */
    void (*on_closed)(void *owner);                   /* one closed, and is freed */
    void *owner;
    int open, max; /* the connections not refused, and how many may be (0: any) */
} mt_dash_conns;

struct mt_dash_conn {
    uv_tcp_t tcp;
    uv_shutdown_t shutdown;
    mt_dash_conns *set;
    mt_dash_conn *next, **pprev;
    http_parser parser;
    size_t head_bytes;
    char url[1024]; /* the request target, when it fits */
    size_t url_len;
    bool url_long, head_done, ending;
    bool refused;     /* past the cap: a 503, closed at once */
    uint64_t since;   /* accepted at (the loop's ms) */
    char field[8];    /* the header's name so far, when this short */
    size_t field_len; /* (over sizeof field: a longer one) */
    bool in_value;    /* the parser is in a header's value */
    bool in_host;     /* and it is Host's */
    char host[MT_DASHBOARD_MAX_HOST];
    size_t host_len;
    bool has_host, host_bad; /* a Host header; a second one or too long */
    bool events;             /* listening to the events (its owner's mark) */
    char rbuf[4096];
};

/* A message of up to cap bytes (one reference), and appending to it. */
mt_dash_msg *mt_dash_msg_new(size_t cap);
void mt_dash_msg_add(mt_dash_msg *m, const char *data, size_t n);
void mt_dash_msg_unref(mt_dash_msg *m);

/* Accepts a connection of server into set (past set->max open ones: a
 * 503 "too many clients" and its close at once). MT_OK or MT_EUV. */
int mt_dash_conn_accept(mt_dash_conns *set, uv_stream_t *server);

/* The request's method (HTTP_GET...) and its path (the target without
 * its query). */
int mt_dash_conn_method(const mt_dash_conn *c);
const char *mt_dash_conn_path(mt_dash_conn *c);

/* The request's Host header's value, or NULL without one. */
const char *mt_dash_conn_host(const mt_dash_conn *c);

/* Queues m (another reference) unless the connection is ending. */
void mt_dash_conn_write(mt_dash_conn *c, mt_dash_msg *m);

/* Bytes queued and not yet sent. */
size_t mt_dash_conn_queued(const mt_dash_conn *c);

/* A whole answer (no body to a HEAD), then the end of the connection.
 * extra: more header lines, each ending in \r\n, or NULL. */
void mt_dash_conn_answer(mt_dash_conn *c, int status, const char *type, const char *extra,
                         const char *body, size_t len);
void mt_dash_conn_text(mt_dash_conn *c, int status, const char *extra, const char *text);

/* Ends the connection after what is queued; closes it at once. */
void mt_dash_conn_end(mt_dash_conn *c);
void mt_dash_conn_close(mt_dash_conn *c);

#endif

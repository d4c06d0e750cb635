/* serve.h: molotov-serve (also run as `molotov serve`), the HTTP/1.1 target
 * for the README demo and for tests that need a server to misbehave on
 * purpose: the API of the molotov_serve library.
 *
 * Routes (the path is matched without its query string):
 *   GET  /              200 text/plain "Hello from molotov serve\n"
 *   GET  /json          200 application/json {"hello":"world"}
 *   POST /items         201 application/json {"id":N}, N = 1, 2, 3, ...
 *   ANY  /status/CODE   CODE (200..599) with an empty body; 400 for other codes
 *   ANY  /delay/MS      200 {"delay_ms":MS} after MS ms (capped at 300000)
 *   ANY  /echo          200 {"method":..,"path":..,"body_length":..}; path is
 *                       the request target as sent, query included
 *   ANY  /bytes/N       200 application/octet-stream, N bytes of 'x' (capped at 4 GiB)
 *   ANY  /limit/K/MS    a route with a known capacity: 503 text/plain
 *                       "over capacity\n" at once when, counting this one, more
 *                       than K /limit requests (any K, any connection) are in
 *                       flight on this server; else 200 text/plain "ok\n" after
 *                       MS ms. K <= 100000 and MS <= 60000, else 404. A request
 *                       is in flight from its parsed head until its answer is
 *                       handed to the socket or its client's FIN arrives or its
 *                       connection closes.
 *   ANY  /garbage       bytes that are not HTTP, then the connection closes
 *   ANY  /hangup        the request is read, then the connection closes
 *                       without an answer
 *   ANY  /trickle/N/MS  200 text/plain, N bytes of 'x' (N <= 100000) sent one
 *                       every MS ms (1..10000) after the head
 *   anything else       404
 * HEAD works wherever GET does. Every response carries Content-Type and
 * Content-Length, except that 204 and 304 carry no Content-Length (RFC 9110).
 * A malformed request gets 400, a request head over 16 KiB gets 431 and a
 * Transfer-Encoding request body gets 411; all three close the connection. */
#ifndef MOLOTOV_SERVE_SERVE_H
#define MOLOTOV_SERVE_SERVE_H

#include <stdint.h>
#include <uv.h>

typedef struct mt_server mt_server;

/* Starts listening on host:port (port 0 = pick a free one) on `loop`; host is
 * a numeric IPv4/IPv6 address or "localhost". Also sets SIGPIPE to SIG_IGN if
 * it still has its default action. Returns MT_OK and sets *out, or on error
 * sets *out to NULL (when out is not NULL) and returns MT_EINVAL (NULL
 * argument, port outside 0..65535, host not an address), MT_EIO (socket, bind
 * or listen failed; errno says why, nothing is left on the loop) or MT_EUV
 * (libuv refused the socket; the half-made server is freed by the loop's close
 * callbacks). */
int mt_serve_start(uv_loop_t *loop, const char *host, int port, mt_server **out);

/* The bound port. Cannot fail. */
int mt_serve_port(const mt_server *s);

/* Responses handed to the socket so far, error responses (400, 431, 411)
 * included; safe to read from another thread. Cannot fail. */
uint64_t mt_serve_requests(const mt_server *s);

/* Closes the listener and every connection (pending delays and /bytes streams
 * are abandoned); the server is freed once the loop has run the close
 * callbacks, so `s` must not be used afterwards. Call it on the loop's thread.
 * NULL and a second call are ignored. */
void mt_serve_stop(mt_server *s);

/* The molotov-serve command: argv[0] is its name ("molotov-serve", or "serve"
 * when called as `molotov serve`) and is not read. Options: --host H
 * (default 127.0.0.1), --port N (default 8080, 0 = free port), --duration S
 * (stop after S seconds, S > 0; default: until SIGINT/SIGTERM), -h/--help.
 * `--opt=value` works too. Prints `molotov serve: listening on
 * http://HOST:PORT` to stdout once listening, then serves until stopped.
 * Returns 0 after a signal, the duration or --help; 2 after one line on stderr
 * naming a bad option or value; 1 after one line on stderr when it cannot
 * listen. */
int mt_serve_main(int argc, char **argv);

#endif

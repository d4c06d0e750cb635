/* statsd.h: StatsD metrics over UDP, named as Molotov names them. Sending
 * never blocks and never fails the run: a StatsD server that is down or
 * slow costs one dropped datagram. */
#ifndef MOLOTOV_STATSD_H
#define MOLOTOV_STATSD_H

#include <stddef.h>

typedef struct mt_statsd mt_statsd;

/* Opens a client for "udp://HOST:PORT" (HOST may be a name, resolved once
 * here, or [v6]). Returns MT_OK, or MT_EINVAL / MT_EIO with one line in err
 * naming --statsd-address. */
int mt_statsd_open(const char *address, mt_statsd **out, char *err, size_t errlen);

/* One request: "molotov.<hostname>.<METHOD>.<host>.<path>:<ms>|ms" and, when
 * there was an answer (status > 0), "<that>.<status>:1|c", in one datagram. */
void mt_statsd_request(mt_statsd *s, const char *method, const char *url, long status, double ms);

/* One metric of a script's own: "<name>:<value>|<type>" (type "c", "g"
 * or "ms"), by the same client. */
void mt_statsd_send(mt_statsd *s, const char *name, double value, const char *type);

void mt_statsd_close(mt_statsd *s);

#endif

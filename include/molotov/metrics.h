/* metrics.h: molotov.statsd, a script's own StatsD metrics (Molotov's
 * get_context(session).statsd): incr(name[, n]), gauge(name, value),
 * timing(name, ms), sent by the run's --statsd client. */
#ifndef MOLOTOV_METRICS_H
#define MOLOTOV_METRICS_H

#include "molotov/script.h"

#include <lua.h>

/* Sets molotov.statsd in the module table on top of L (nothing without
 * --statsd, so scripts can test `if molotov.statsd then`). */
void mt_metrics_register(lua_State *L, mt_script *s, bool statsd);

#endif

/*
 * monitor.h - operational hooks run around every job: a Prometheus
 * textfile-collector file per job ([monitoring] metrics_dir) and
 * healthchecks.io-style pings ([monitoring] ping_url).
 *
 * Neither may fail a job: errors are logged as warnings and ignored.
 */
#ifndef FG_MONITOR_H
#define FG_MONITOR_H

#include <jansson.h>
#include <time.h>

#include "config.h"
#include "jobs.h"

/* Ping <ping_url>/start.  No-op without ping_url. */
void fg_monitor_start(const struct fg_config *cfg, const struct fg_job *job);

/*
 * Write <metrics_dir>/flakeguard_<job name>.prom atomically (temp + rename) and
 * ping <ping_url>/<status>.  counts: items processed (may be NULL).
 */
void fg_monitor_end(const struct fg_config *cfg, const struct fg_job *job, int status, double duration,
		    const json_t *counts);

/*
 * Check [monitoring] without sending anything: ping_url syntax,
 * ping_timeout, a metrics_dir this user can write.  0 or FG_ERR_CONFIG
 * after logging FILE:LINE.
 */
int fg_monitor_check(const struct fg_config *cfg);

#endif

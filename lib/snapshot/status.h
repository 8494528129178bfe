/*
 * status.h - the job-status report (snapshot --status): the last run of
 * every job and whether each is healthy.
 *
 * A job is unhealthy when it has not succeeded within twice its expected
 * interval ([status] section; the defaults are in the job table, jobs.h;
 * 0 or "off" stops watching a job), or when its last run failed, was
 * interrupted, or died while running (its lock is no longer held).  A
 * connector is unhealthy when its last synced day is older than its
 * max_data_age (status_data.c).
 */
#ifndef FG_STATUS_H
#define FG_STATUS_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <time.h>

#include "config.h"

/*
 * Print the report to stdout (aligned table, or one JSON document).
 * *unhealthy gets the number of unhealthy jobs and stale connectors.
 * Returns 0 or < 0.
 */
int fg_status_report(PGconn *db, const struct fg_config *cfg, time_t now, bool json, int *unhealthy);

/* Check [status] without a database: 0 or FG_ERR_CONFIG after logging FILE:LINE. */
int fg_status_check(const struct fg_config *cfg);

#endif

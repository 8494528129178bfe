/*
 * status_data.h - the data side of the job-status report: how fresh each
 * connector's cost data is, and whether the hosts run one configuration
 * file (internal to status.c).
 */
#ifndef FG_STATUS_DATA_H
#define FG_STATUS_DATA_H

#include <jansson.h>
#include <libpq-fe.h>
#include <time.h>

#include "config.h"

/*
 * One statement: the last synced day of every enabled [connector] of cfg,
 * compared with the connector's max_data_age as of now.  Prints a table to
 * stdout after the jobs' (nothing without connectors), or with arr not
 * NULL appends one object per connector to it instead.  Adds the stale
 * connectors to *unhealthy.  Returns 0 or a negative fg_err after logging.
 */
int fg_status_freshness(PGconn *db, const struct fg_config *cfg, time_t now, json_t *arr, int *unhealthy);

/* Days of job runs in which the hosts' configuration files are compared. */
#define FG_STATUS_CONFIG_DAYS 7

/*
 * One statement: the configuration fingerprint of each host's latest run
 * in the last FG_STATUS_CONFIG_DAYS days.  When hosts differ, warns once
 * and prints a table of them (or, with obj not NULL, sets its "configs"
 * array and "config_consistent" flag, whatever they are).  Not a health
 * failure: a rolling deploy differs for a while.  Returns 0 or a negative
 * fg_err after logging.
 */
int fg_status_configs(PGconn *db, time_t now, json_t *obj);

#endif

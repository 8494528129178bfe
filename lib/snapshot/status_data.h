/*
 * status_data.h - the data side of the job-status report: how fresh each
 * connector's cost data is (internal to status.c).
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

#endif

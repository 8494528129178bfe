/*
 * retention.h - prune old operational rows in bounded batches.
 *
 * Each batch is its own short transaction deleting at most batch_size rows
 * chosen by primary key, so a large backlog never holds long locks and a
 * crash loses nothing but the batch in hand (which the next run redoes).
 */
#ifndef FG_RETENTION_H
#define FG_RETENTION_H

#include <jansson.h>
#include <libpq-fe.h>
#include <stdbool.h>
#include <time.h>

#include "config.h"

/*
 * Delete rows older than the [retention] limits, measured back from the
 * clock each column was stamped with: `now` (business time) for resolved
 * findings, the database's clock for the rest (see retention.c):
 * delivery attempts (attempts_days, 30), sent notifications
 * (notifications_days, 90), finished job runs (job_runs_days, 90), resolved
 * security findings (findings_days, 365) where that table exists.
 * Snapshots and cost history are kept.  dry_run counts instead of
 * deleting.  Adds "<kind>_pruned" counts to counts.  Returns 0 or < 0.
 */
int fg_retention_prune(PGconn *db, const struct fg_config *cfg, time_t now, bool dry_run, json_t *counts);

/* Check [retention] without a database: 0 or FG_ERR_CONFIG after logging FILE:LINE. */
int fg_retention_check(const struct fg_config *cfg);

#endif

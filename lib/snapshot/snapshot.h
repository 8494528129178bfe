/*
 * snapshot.h - daily history: cost summary per connector and service type,
 * and one row per active budget and day.
 *
 * Both are rebuilt from daily_costs for a range of days, idempotently
 * (upsert by key), so a rerun or a backfill never duplicates.
 */
#ifndef FG_SNAPSHOT_H
#define FG_SNAPSHOT_H

#include <jansson.h>
#include <libpq-fe.h>
#include <stdbool.h>

/*
 * Rebuild cost_summary for days from..to (day numbers, inclusive): one row
 * per (connector, day, service type) present in daily_costs, and removal of
 * summary rows whose facts have gone.  dry_run computes the row count only.
 * *rows gets the number of summary rows written (or that would be).
 * Returns 0 or < 0 after logging.
 */
int fg_snapshot_costs(PGconn *db, long from, long to, bool dry_run, long long *rows);

#endif

/*
 * anomaly_run.h - the steps of an anomaly run, shared by its files.
 */
#ifndef FG_ANOMALY_RUN_H
#define FG_ANOMALY_RUN_H

#include "anomaly.h"

/*
 * Run sql/budgets/anomaly/evaluate.sql for the enabled connectors of set
 * over the days from..to.  Returns 0 with *out (the caller's), or < 0
 * after logging.
 */
int fg_anomaly_eval_query(PGconn *db, const struct fg_anomaly_set *set, long from, long to, PGresult **out);

/* True when row's verdict is spike or dip. */
bool fg_anomaly_row_anomalous(const PGresult *ev, int row);

#endif

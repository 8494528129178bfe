/*
 * history.h - per-budget daily history (snapshot) and its display.
 *
 * A history row for budget B and date D holds B's period around D, the
 * spend from the period start through D, percent of amount, and the
 * forecast budgetcheck computes on day D (lib/budget_eval.c, as of D).
 * Rows are upserted by (budget, date), one statement per day whatever the
 * number of budgets.
 */
#ifndef FG_HISTORY_H
#define FG_HISTORY_H

#include <libpq-fe.h>
#include <stdbool.h>

#include "config.h"

/*
 * Build history for every enabled budget of cfg for days from..to
 * (inclusive).  dry_run computes without writing.  *rows gets the number
 * of rows written (or that would be).  Returns 0 or < 0 after logging.
 */
int fg_history_build(PGconn *db, const struct fg_config *cfg, long from, long to, bool dry_run,
		     long long *rows);

/*
 * Print the last `days` days of a budget's history up to `today` (the
 * newest `days` rows): an
 * aligned table with a text sparkline of percent used, or a JSON document.
 * A budget with no history and unknown to the budgets table is
 * FG_ERR_USAGE.  Returns 0 or < 0 after logging.
 */
int fg_history_print(PGconn *db, const char *budget, int days, long today, bool json);

#endif

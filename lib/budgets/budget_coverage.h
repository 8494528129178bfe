/*
 * budget_coverage.h - whether the evaluated budgets can see their costs
 * (internal to budget*.c).
 */
#ifndef FG_BUDGET_COVERAGE_H
#define FG_BUDGET_COVERAGE_H

#include <libpq-fe.h>

#include "budget.h"

/* Flags of one evaluated budget (fg_budget_result.flags). */
enum {
	FG_BUDGET_UNMATCHED = 1 << 0, /* a warehouse or service type of its scope has no cost row */
	FG_BUDGET_STALE = 1 << 1,     /* its connector's data is older than max_data_age */
	FG_BUDGET_BLIND = 1 << 2,     /* an attribution scope without attribution: not evaluated */
};

/* Days before as_of (as_of included) in which a scope name must have a cost row. */
#define FG_BUDGET_MATCH_DAYS 90

/*
 * One statement, whatever the number of budgets: the last synced day of
 * each connector of the nsel budgets in sel, and its service types and
 * warehouses with a cost row in the FG_BUDGET_MATCH_DAYS days to as_of.
 * Sets FG_BUDGET_STALE in flags[i] for each budget whose connector's last
 * synced day is more than its max_data_age days before as_of (or was
 * never synced), with one warning per connector; sets FG_BUDGET_UNMATCHED in
 * flags[i] (nsel of them, zeroed by the caller) for each budget whose
 * scope names one that has none, and warns once per such budget, naming
 * the closest known names (none when the connector has no cost row at all
 * in those days: that is the connector's problem, not the scope's).
 * Returns 0 or a negative fg_err after logging.
 */
int fg_budget_coverage(PGconn *db, const struct fg_budget *const *sel, int nsel, long as_of,
		       unsigned char *flags);

#endif

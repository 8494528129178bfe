/*
 * budget_notify.h - alert candidates, alert rows and outbox rows of a run
 * (internal to budget*.c).
 */
#ifndef FG_BUDGET_NOTIFY_H
#define FG_BUDGET_NOTIFY_H

#include <libpq-fe.h>
#include <stdbool.h>

#include "budget.h"

/* An alert a run may create: crossed threshold (or projected breach). */
struct fg_budget_cand {
	const struct fg_budget *b;
	int row; /* evaluation row of the budget */
	int threshold;
	bool forecast; /* kind forecast, else actual */
	const char *severity;
	bool created;       /* inserted by this run (or would be, dry run) */
	long long alert_id; /* budget_alerts.id when created by a real run */
	bool queued;        /* its notification is in the outbox (real run, budget with notify) */
};

struct fg_budget_cands {
	struct fg_budget_cand *v;
	int n, cap;
};

/* Append a candidate; returns 0 or FG_ERR_INTERNAL. */
int fg_budget_cands_add(struct fg_budget_cands *cs, const struct fg_budget *b, int row, int threshold,
			bool forecast);
void fg_budget_cands_release(struct fg_budget_cands *cs);

/*
 * Insert every candidate into budget_alerts in one statement; those the
 * UNIQUE constraint lets through are marked created.  Returns 0 or < 0.
 */
int fg_budget_alerts_insert(PGconn *db, struct fg_budget_cands *cs, const PGresult *ev, long as_of);

/*
 * One notification per (budget, kind) with created alerts and per channel
 * of the budget, naming the highest created threshold.  With write, the
 * rows are inserted into the outbox in one statement (counted in
 * res->statements), after one more naming the top contributors of their
 * budgets (sel: the budget of each row of ev, evaluated as of as_of), and
 * the created candidates they cover marked queued; otherwise only
 * counted.  Returns 0 or < 0.
 */
/*
 * Close the incidents of budget periods over as of day as_of: queue their
 * resolutions (fg_outbox_resolve) and stamp their alerts resolved, in the
 * caller's transaction; two statements whatever the number of budgets.
 * Returns 0 or < 0 after logging.
 */
int fg_budget_resolve(PGconn *db, long as_of, struct fg_budget_result *res);

int fg_budget_notify_plan(struct fg_budget_cands *cs, const PGresult *ev, struct fg_budget_result *res,
			  bool write, PGconn *db, const struct fg_budget *const *sel, long as_of);

#endif

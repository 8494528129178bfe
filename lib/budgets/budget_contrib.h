/*
 * budget_contrib.h - who spent it: the top contributors named in budget
 * alerts (internal to budget*.c).
 */
#ifndef FG_BUDGET_CONTRIB_H
#define FG_BUDGET_CONTRIB_H

#include <jansson.h>
#include <libpq-fe.h>
#include <stdbool.h>

#include "budget.h"

/* The top contributors of the budgets of a run: one statement's rows. */
struct fg_budget_contrib {
	PGresult *r; /* NULL when no budget had any */
};

/*
 * One statement, whatever the number of budgets: the top three
 * contributors one level below the scope (sql/budgets/attribution/
 * contributors.sql) of each budget whose evaluation row of ev has
 * want[row] set, as of day as_of.  Budgets of a scope attribution cannot
 * reach (a service other than warehouse compute) have none.  Returns 0
 * (ct->r NULL when nothing was asked) or < 0 after logging; *stmts counts
 * the statement.
 */
int fg_budget_contrib_query(PGconn *db, const struct fg_budget *const *rows, const bool *want,
			    const PGresult *ev, long as_of, struct fg_budget_contrib *ct, long *stmts);

/*
 * For the budget of evaluation row, append to body (at most len bytes in
 * all, NUL-terminated) one line per dimension, "Top users: A 12.00 USD
 * (40.0 %, +2.00 on the same days of the previous period), ...", and add
 * the same as "contributors" (an array of {dimension, name, amount, share,
 * change, new[, sample_query_id]}) to fields.  Nothing when it has none.
 */
void fg_budget_contrib_render(const struct fg_budget_contrib *ct, int row, const char *currency, char *body,
			      size_t len, json_t *fields);

void fg_budget_contrib_release(struct fg_budget_contrib *ct);

#endif

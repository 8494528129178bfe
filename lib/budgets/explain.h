/*
 * explain.h - budgetcheck --explain: one budget's spend broken down by
 * warehouse, user, role, query tag and query hash (explain.c).
 */
#ifndef FG_EXPLAIN_H
#define FG_EXPLAIN_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stdio.h>

#include "budget.h"

struct fg_explain_opts {
	long as_of;     /* the day evaluated (today) */
	bool previous;  /* the whole period before as_of's */
	const char *by; /* one dimension, or NULL for all */
	bool json;
};

/* The dimensions --by accepts, NULL-terminated. */
extern const char *const fg_explain_dims[];

/*
 * Print the breakdown of the one selected budget of set, as text or as
 * one JSON document, on out: per dimension its names with amount, share
 * and queries, an idle and an unattributed line, and the total, which is
 * the budget's spend as budgetcheck evaluates it.  A user, role or
 * query-tag budget whose connector has no attribution gets one warning
 * (and {"status": "not_evaluated"} with json).  Returns 0, FG_ERR_USAGE
 * (nothing selected, --by query on such a budget) or another fg_err,
 * after logging.
 */
int fg_budget_explain(PGconn *db, const struct fg_budget_set *set, const struct fg_explain_opts *o,
		      FILE *out);

#endif

/*
 * budget_eval.h - the set-based evaluation query (internal to budget*.c).
 */
#ifndef FG_BUDGET_EVAL_H
#define FG_BUDGET_EVAL_H

#include <libpq-fe.h>

#include "budget.h"

/* Columns of the evaluation result: one row per selected budget, in order. */
enum {
	EV_IDX,    /* 1-based position among selected budgets */
	EV_START,  /* period start, YYYY-MM-DD */
	EV_END,    /* period end (inclusive) */
	EV_SPEND,  /* exact spend so far */
	EV_SPEND2, /* rounded to cents */
	EV_AMOUNT2,
	EV_PERCENT2,   /* spend / amount * 100, 2 decimals */
	EV_REMAINING2, /* amount - spend (negative past the budget) */
	EV_FORECAST,   /* exact projection at period end */
	EV_FORECAST2,
	EV_FORECAST_LOW2,
	EV_FORECAST_HIGH2,
	EV_ELAPSED,         /* complete days of the period before today */
	EV_REMAINING_DAYS,  /* today to period end, inclusive */
	EV_FORECAST_OK,     /* 3 complete days of data in the period */
	EV_BREACH,          /* spend >= amount */
	EV_FORECAST_BREACH, /* forecast >= amount */
	EV_QUOTIENT,        /* spend * 100 div amount, clamped to 0..1001 */
	EV_EXISTING,        /* text[] "kind:threshold" alerts already recorded */
	EV_FORECAST_PERCENT2,
	EV_BLIND, /* an attribution scope whose connector has no attribution: not evaluated */
	EV_NCOLS
};

/*
 * Run the evaluation for the selected budgets of set as of day as_of: three
 * statements (session settings for the plan, the query, nested loops
 * allowed again) whatever the number of budgets.  Returns 0 with *out (PQclear it), or a negative
 * fg_err after logging.
 */
int fg_budget_eval_query(PGconn *db, const struct fg_budget_set *set, long as_of, PGresult **out);

/*
 * The thresholds of b that row of ev crosses (t <= the quotient), in
 * ascending order, into out (FG_BUDGET_MAX_THRESHOLDS); returns how many.
 */
int fg_budget_crossed(const struct fg_budget *b, const PGresult *ev, int row, int *out);

#endif

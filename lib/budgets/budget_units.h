/*
 * budget_units.h - the distinct scope units of the evaluated budgets and
 * the distinct (unit, period) pairs (internal to budget_eval.c).
 */
#ifndef FG_BUDGET_UNITS_H
#define FG_BUDGET_UNITS_H

#include "budget.h"

struct fg_budget_unit {
	const char *connector, *service, *entity; /* borrowed; '*' for any */
	unsigned hash;
};

struct fg_budget_units {
	struct fg_budget_unit *unit; /* [nunits]: unit k has number k + 1 */
	int nunits;
	int *pair_unit;              /* [npairs]: unit number of pair k + 1 */
	enum fg_period *pair_period; /* [npairs] */
	int npairs;
	/* private: open-addressing index of units, pair number per unit and period */
	int *slot;
	int nslots, cap, pcap;
	int *pair_of; /* [cap * FG_PERIOD_COUNT], 0 when not yet used */
};

/* An empty set of units; never fails. */
void fg_budget_units_init(struct fg_budget_units *u);
/*
 * The number (from 1) of the pair of unit (connector, service, entity) and
 * period, added when new.  The strings are borrowed and must outlive u.
 * Returns the number, or FG_ERR_INTERNAL when out of memory.
 */
int fg_budget_units_pair(struct fg_budget_units *u, const char *connector, const char *service,
			 const char *entity, enum fg_period period);
/* Release what u holds; u may then be initialised again. */
void fg_budget_units_release(struct fg_budget_units *u);

#endif

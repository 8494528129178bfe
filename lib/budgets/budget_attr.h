/*
 * budget_attr.h - budgets on the attribution dimensions: user:, role: and
 * query_tag: scopes (internal to budget*.c).
 */
#ifndef FG_BUDGET_ATTR_H
#define FG_BUDGET_ATTR_H

#include <stddef.h>

#include "budget.h"
#include "config.h"

/*
 * Parse [x, y) when it is a user:, role: or query_tag: part into b->attr,
 * b->attr_names and b->attr_key.  Returns 1 when it was one, 0 when it is
 * another kind of part, FG_ERR_CONFIG after logging FILE:LINE (an empty
 * or repeated name, a second such part) or FG_ERR_INTERNAL.
 */
int fg_budget_attr_scope(const struct fg_config *cfg, const struct fg_conf_section *sec, struct fg_budget *b,
			 const char *x, const char *y);

/* The unit's service in the evaluation ("@USER"), or NULL for FG_ATTR_NONE. */
const char *fg_budget_attr_unit(enum fg_attr_dim d);
/* The dimension as attribution_daily names it ("user", "role", "query_tag"). */
const char *fg_budget_attr_dim(enum fg_attr_dim d);

/*
 * The anchored regular expression (PostgreSQL ARE) a name with '*'
 * wildcards stands for, every other character literal, into out; returns
 * 1, 0 when the name has no wildcard (match it exactly; out untouched), or
 * -1 when out is too small.
 */
int fg_budget_attr_regex(const char *name, char *out, size_t len);

#endif

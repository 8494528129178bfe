/*
 * budget_array.h - PostgreSQL array literals built for parameters.
 *
 * Set-based statements take one array parameter per column and unnest
 * them, so a statement's text and count never depend on the number of
 * budgets.  Elements are always double-quoted and escaped, so any text is
 * safe; the literal is a parameter value, never part of the SQL text.
 */
#ifndef FG_BUDGET_ARRAY_H
#define FG_BUDGET_ARRAY_H

#include <stdbool.h>
#include <stddef.h>

struct fg_pgarr {
	char *buf; /* owned; the literal after fg_pgarr_finish */
	size_t len, cap;
	int n;
	bool failed, finished;
};

/* Start an empty array; returns 0 or FG_ERR_INTERNAL. */
int fg_pgarr_init(struct fg_pgarr *a);
/* Append one element (NULL for SQL NULL). */
void fg_pgarr_add(struct fg_pgarr *a, const char *s);
void fg_pgarr_addf(struct fg_pgarr *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/*
 * Append one element that is itself an array literal: of items (strings)
 * or, when nums is not NULL, of n integers.  Returns 0 or -1 (no memory).
 */
int fg_pgarr_add_list(struct fg_pgarr *a, char *const *items, const int *nums, int n);
/* Close the literal; returns it (owned by a), or NULL on allocation failure. */
const char *fg_pgarr_finish(struct fg_pgarr *a);
void fg_pgarr_release(struct fg_pgarr *a);

#endif

/*
 * budget_names.h - the names a scope may use for a service type, and the
 * known names closest to one that matches nothing (internal to budget*.c).
 */
#ifndef FG_BUDGET_NAMES_H
#define FG_BUDGET_NAMES_H

#include <stddef.h>

/*
 * The service type as costsync stores it for the name a user wrote: upper
 * case, spaces and hyphens as underscores, then the names Snowflake
 * Budgets and the documentation use mapped to Snowflake's
 * METERING_DAILY_HISTORY names (SNOWPIPE is PIPE, "Serverless Tasks" is
 * SERVERLESS_TASK).  A name with no alias is kept, normalised, so a type
 * Snowflake adds later works unchanged.  Writes at most len bytes to out
 * (NUL-terminated, truncated) and returns out.
 */
char *fg_budget_service_name(const char *in, size_t n, char *out, size_t len);

/*
 * The up to max names of known (n of them) closest to name by edit
 * distance, case-insensitively, into out; returns how many.  Names
 * farther than half their length plus two are left out, so an unrelated
 * list suggests nothing.
 */
int fg_budget_closest(const char *name, const char *const *known, int n, const char **out, int max);

#endif

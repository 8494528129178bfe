/*
 * attr_rollup.h - sums per group of the rows streaming by, in bounded
 * memory (costsync's attributed credits per day and user, role or query
 * tag, for attribution_daily).
 *
 * A group is identified by its key, the leading fields of its COPY text
 * line ("2026-03-01\tuser\tALICE", escaped by the caller); it sums a
 * count and two exact decimals.  Every line fg_rollup_emit() writes is
 * key, count, first sum, second sum, tab-separated.  Past `cap` groups
 * the sums so far are written to a temporary file and the table starts
 * again, so a group may come out in several lines: whoever stores them
 * adds those up (attribution/rollup.sql does).
 */
#ifndef FG_ATTR_ROLLUP_H
#define FG_ATTR_ROLLUP_H

#include <stddef.h>

#include "decimal.h"

struct fg_rollup;

/* A new, empty roll-up holding at most cap groups in memory; NULL when out of memory. */
struct fg_rollup *fg_rollup_new(size_t cap);
void fg_rollup_free(struct fg_rollup *r);

/*
 * Add count, a and b to the group of key (keylen bytes).  Returns 0, or
 * FG_ERR_DATA when a sum overflows (*why says which), FG_ERR_TEMP after
 * logging when the temporary file cannot be written, FG_ERR_INTERNAL
 * when out of memory or no temporary file can be made.
 */
int fg_rollup_add(struct fg_rollup *r, const char *key, size_t keylen, long long count, struct fg_dec a,
		  struct fg_dec b, const char **why);

/*
 * Pass every line, newline included, to put (which returns 0 or < 0 to
 * stop): first those written to the temporary file, then the groups in
 * memory.  Returns 0, put's failure, FG_ERR_TEMP after logging when the
 * temporary file cannot be read back, or FG_ERR_INTERNAL (out of memory).
 */
int fg_rollup_emit(struct fg_rollup *r, int (*put)(void *arg, const char *line, size_t len), void *arg);

/* Lines written to the temporary file so far (0: everything fitted). */
size_t fg_rollup_spilled(const struct fg_rollup *r);

#endif

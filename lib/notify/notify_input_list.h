/*
 * notify_input_list.h - the notifications --stdin builds and how a bad
 * record is reported (internal to notify_input*.c).
 */
#ifndef FG_NOTIFY_INPUT_LIST_H
#define FG_NOTIFY_INPUT_LIST_H

#include <jansson.h>
#include <stdbool.h>

#include "notify.h"

/* Where a record starts in the input: line and column (1-based), its number. */
struct fg_input_at {
	int line, col;
	long record;
};

struct fg_input_list {
	struct fg_notification *v;
	int n, cap;
	const char *const *channels;
	int nchannels;
	enum fg_severity floor; /* findings below it are not sent */
	long bad;               /* records refused so far */
	long queued;            /* alerts left to the outbox */
	long below;             /* findings under the floor */
	long quiet;             /* budgets with no new alert */
};

/*
 * One notification per channel of l.  fields is copied (may be NULL).
 * Returns 0 or FG_ERR (no memory; logged).
 */
int fg_input_push(struct fg_input_list *l, const char *kind, enum fg_severity sev, const char *title,
		  const char *body, json_t *fields, const char *dedup);

/*
 * Log "stdin:LINE:COL: record N: <what>" at error level, the first ten
 * times, and count the record as bad.  Returns FG_ERR_DATA.
 */
int fg_input_bad(struct fg_input_list *l, const struct fg_input_at *at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The JSON type of v as a word: "string", "number", "null", ... */
const char *fg_input_type(const json_t *v);

/* Release every notification and the array. */
void fg_input_list_release(struct fg_input_list *l);

#endif

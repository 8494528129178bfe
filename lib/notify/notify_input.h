/*
 * notify_input.h - alerts read as JSON (notifyd-once --stdin).
 */
#ifndef FG_NOTIFY_INPUT_H
#define FG_NOTIFY_INPUT_H

#include <stddef.h>
#include <stdio.h>

#include "notify.h"

/*
 * Parse buf (one JSON value, an array, or JSON lines; generic alerts,
 * budgetcheck --json or secscan --json documents) into notifications, one
 * per alert and channel.  *out is a malloc'd array of *count entries
 * (release each, free the array).  Returns 0, FG_ERR_DATA after logging
 * "stdin:LINE:COLUMN: ...", or FG_ERR (no memory).
 */
int fg_notify_parse_input(const char *buf, size_t len, const char *const *channels, int nchannels,
			  struct fg_notification **out, int *count);

/* Read all of f (stdin), then parse it as above. */
int fg_notify_read_input(FILE *f, const char *const *channels, int nchannels, struct fg_notification **out,
			 int *count);

#endif

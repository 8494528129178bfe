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
 * per alert and channel.  Alerts marked "queued" (in the outbox already)
 * are left out.  *out is a malloc'd array of *count entries (release
 * each, free the array).  Returns 0; FG_ERR_DATA after logging
 * "stdin:LINE:COLUMN: ..." for each bad record (up to ten), with nothing
 * in *out: an input with a bad record is refused whole; or FG_ERR (no
 * memory).
 */
int fg_notify_parse_input(const char *buf, size_t len, const char *const *channels, int nchannels,
			  struct fg_notification **out, int *count);

/*
 * The floor of findings read from stdin: [secscan] min_severity (default
 * low), as secscan applies it to its outbox rows.  Returns 0 or
 * FG_ERR_CONFIG after logging FILE:LINE.
 */
int fg_notify_input_floor(const struct fg_config *cfg, enum fg_severity *floor);

/*
 * Read all of f (stdin), then parse it as above; secscan findings below
 * floor ([secscan] min_severity) are left out too.
 */
int fg_notify_read_input(FILE *f, const char *const *channels, int nchannels, enum fg_severity floor,
			 struct fg_notification **out, int *count);

#endif

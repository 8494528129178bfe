/*
 * progress.h - progress of long runs on stderr, only for people.
 *
 * Shown only when stderr is a terminal and the log level is at least the
 * default (not -q): nothing under cron, nothing in pipes.  One line,
 * rewritten in place at most twice a second: done, rate per second and,
 * when the total is known, an ETA.  fg_progress_end clears the line.
 */
#ifndef FG_PROGRESS_H
#define FG_PROGRESS_H

#include <stdbool.h>

struct fg_progress {
	bool on;
	const char *what; /* "rows", "days" (borrowed) */
	char label[96];
	long long total; /* 0 when unknown */
	long long done;
	double t0, last;
};

/* Start; label is copied.  total 0 means unknown. */
void fg_progress_start(struct fg_progress *p, const char *label, const char *what, long long total);
/* Add n items done; redraws when due. */
void fg_progress_add(struct fg_progress *p, long long n);
/* Clear the line. */
void fg_progress_end(struct fg_progress *p);

#endif

/*
 * notify_run.h - one notifyd-once run: drain the outbox, or deliver alerts
 * given directly (--stdin, --test) without the database.
 */
#ifndef FG_NOTIFY_RUN_H
#define FG_NOTIFY_RUN_H

#include <jansson.h>
#include <libpq-fe.h>
#include <stdbool.h>
#include <stdio.h>

#include "notify.h"

struct fg_notify_opts {
	long limit;           /* 0 = no bound */
	const char *channels; /* JSON array of names, or NULL for all */
	bool dry_run;         /* render and print, send nothing, write nothing */
	bool json;            /* dry run prints JSON */
	FILE *out;            /* where a dry run prints */
};

struct fg_notify_summary {
	long claimed, sent, retried, dead, deferred, held;
	long skipped;     /* below the channel's min_severity: never sent */
	long left;        /* claimed but not started (signal, lease half gone) */
	json_t *channels; /* {"name": {"claimed","sent","retried","dead","skipped"}} */
	json_t *why;      /* {"name": last reason a notification went dead}, not printed */
};

void fg_notify_summary_init(struct fg_notify_summary *s);
void fg_notify_summary_release(struct fg_notify_summary *s);
/* The --json document (new reference). */
json_t *fg_notify_summary_json(const struct fg_notify_summary *s);
/* Print the --json document (redacted) on out. */
void fg_notify_summary_print(const struct fg_notify_summary *s, FILE *out);
/* Count one notification of channel as `what` ("sent", ...) and in *total. */
void fg_notify_count(struct fg_notify_summary *s, const char *channel, const char *what, long *total);
/* 0 nothing left due, 75 some retries pending or left, 69 some went dead. */
int fg_notify_exit_status(const struct fg_notify_summary *s);

/*
 * Drain due notifications.  Returns 0 (the summary says what happened) or
 * < 0 when the database failed (logged).
 */
int fg_notify_run(PGconn *db, const struct fg_notify_conf *nc, const struct fg_notify_opts *o,
		  struct fg_notify_summary *s);

/*
 * Deliver notifications directly (no database): each up to three tries in
 * this process.  Fills s; returns 0 or < 0 on an internal failure.
 */
int fg_notify_direct(const struct fg_notify_conf *nc, struct fg_notification *n, int count,
		     const struct fg_notify_opts *o, struct fg_notify_summary *s);

/*
 * Enqueue, for each channel with a fallback on which notifications went
 * dead in this run (run id me), one notice to the fallback saying which
 * channel, why and how many; once per run (the dedup_key names the run).
 * *queued receives the rows added.  Returns 0 or < 0 (logged).
 */
int fg_notify_fallback(PGconn *db, const struct fg_notify_conf *nc, const char *me,
		       const struct fg_notify_summary *s, long *queued);

/*
 * Warn about pending notifications whose channel is not in `channels` (a
 * JSON array): they wait until a configuration names their channel.
 * Returns 0 or < 0 when the database failed.
 */
int fg_notify_warn_unknown(PGconn *db, const char *channels);

/*
 * Print the dead notifications (of channels, a JSON array, or all when
 * NULL) as tab-separated lines or a JSON array.  0 or < 0.
 */
int fg_notify_print_dead(PGconn *db, const char *channels, bool as_json, FILE *out);

/* A test message for --test CHANNEL (release and free it), or NULL. */
struct fg_notification *fg_notify_test_message(const char *channel);

/* Print a dry-run rendering of n for ch (secrets redacted).  0 or < 0. */
int fg_notify_print(const struct fg_channel *ch, const struct fg_notification *n,
		    const struct fg_notify_opts *o, json_t *jout);

#endif

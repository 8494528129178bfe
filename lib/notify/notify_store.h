/*
 * notify_store.h - the outbox in PostgreSQL as notifyd-once sees it.
 *
 * Life of a row: pending --claim--> (claimed_at, claimed_by set; committed
 * before any network I/O) --attempt--> sent | pending with a later
 * next_attempt_at | dead.  A claim older than the lease may be taken by
 * another run (the first one died).  A run never claims a row twice:
 * claimed_by keeps the run's id after the attempt.  Non-critical e-mail may
 * instead be deferred to the next UTC day (quota) or held for a digest;
 * a row below its channel's min_severity ends 'skipped' without an attempt.
 */
#ifndef FG_NOTIFY_STORE_H
#define FG_NOTIFY_STORE_H

#include <jansson.h>
#include <libpq-fe.h>
#include <stdbool.h>
#include <stdint.h>

#include "notify.h"

struct fg_attempt {
	int64_t id;
	enum fg_outcome outcome;
	double delay_s;    /* retry */
	long status;       /* HTTP / SMTP code, 0 = none */
	const char *error; /* short, already redacted; NULL when sent */
	long duration_ms;
	double started; /* epoch seconds */
};

/*
 * Claim up to limit due rows for run `me` (channels: a JSON array of names
 * or NULL for all; today: the tool's UTC date for quota deferrals).
 * *out is a malloc'd array of *n notifications (release each, free the
 * array).  Returns 0 or < 0 after logging.
 */
int fg_store_claim(PGconn *db, const char *me, int64_t lease_s, const char *channels, const char *today,
		   long limit, struct fg_notification **out, int *n);

/* Record attempts and move the rows on, in one statement.  0 or < 0. */
int fg_store_finish(PGconn *db, const char *me, const struct fg_attempt *a, int n);

/* Give back claimed rows that were not attempted (interrupted run). */
int fg_store_release(PGconn *db, const char *me, const int64_t *ids, int n);
/* The same after the run has failed and said why: a failure here (most
 * likely the same one) is only logged at debug level; the lease then
 * frees the rows. */
void fg_store_release_quietly(PGconn *db, const char *me, const int64_t *ids, int n);

/* Defer a row to UTC day `day` (quota); no attempt is counted. */
int fg_store_defer(PGconn *db, const char *me, int64_t id, const char *day);

/*
 * Close rows their channel does not take (below its min_severity, a
 * resolution it does not want) as 'skipped', why[i] the reason kept in
 * last_error: nothing was sent, so no attempt is recorded and attempts
 * stays as it was.  0 or < 0.
 */
int fg_store_skip(PGconn *db, const char *me, const int64_t *ids, const char *const *why, int n);

/* Hold a row for the e-mail digest of its channel. */
int fg_store_hold(PGconn *db, const char *me, int64_t id);

/*
 * Take one unit of the e-mail quota of `day`.  A critical message always
 * takes it; another only while sent < quota.  *granted says which; *sent
 * is the count after.  Returns 0 or < 0.
 */
int fg_store_quota_take(PGconn *db, const char *day, int64_t quota, bool critical, bool *granted,
			int64_t *sent);
/* Give a unit back (the message was not sent after all). */
int fg_store_quota_return(PGconn *db, const char *day);
/*
 * Raise the day's warning level to `level` if lower; *first is true when
 * this call raised it (the caller queues the warning).  0 or < 0.
 */
int fg_store_quota_warn(PGconn *db, const char *day, int level, bool *first);

/*
 * Gather the held rows of the e-mail channels in `recipients` (a JSON
 * array [{"channel": NAME, "to": [ADDRESS, ...]}, ...]) into one digest
 * notification per recipient address for UTC day `day`, at most one per
 * (address, day), in one transaction.  *made is the number queued.
 * Returns 0 or < 0 after logging.
 */
int fg_store_digest(PGconn *db, const char *recipients, const char *day, int *made);

/* Make held rows of channel pending again (the digest was switched off). */
int fg_store_unhold(PGconn *db, const char *channel);

/* Dead rows as a JSON array (new reference) or NULL after logging. */
json_t *fg_store_dead(PGconn *db, const char *channels);
/*
 * Make dead notifications pending again: id, or every one when id is 0.
 * With to (a channel name), move them to that channel instead, together
 * with the pending ones waiting for a channel not in configured (a JSON
 * array of names); *clashes counts those left alone because the target
 * already holds the same event.  Returns 0 or < 0.
 */
int fg_store_requeue(PGconn *db, int64_t id, const char *to, const char *configured, long *count,
		     long *clashes);
/*
 * Discard undelivered notifications (pending, dead or held): one id (0:
 * any) and/or one channel (NULL: any).  They are kept as 'skipped' with
 * the reason in last_error.  Returns 0 or < 0.
 */
int fg_store_discard(PGconn *db, int64_t id, const char *channel, long *count);

#endif

/*
 * outbox.h - the one way a producer puts notifications into the outbox.
 *
 * The outbox is the notifications table: budgetcheck (budget alerts),
 * secscan (findings) and notifyd-once itself (quota warnings, digests)
 * insert rows; notifyd-once claims and delivers them.  Every row names
 * its channel, kind, severity, title, body, fields (a JSON object) and a
 * dedup_key; (channel, dedup_key) is unique, so enqueueing the same event
 * twice is a no-op, whichever host or run does it.  Rows are inserted in
 * the caller's transaction, so an event and its notifications commit or
 * roll back together.
 *
 * Two ways in, one INSERT:
 *   fg_outbox_enqueue    rows computed by a SELECT of the producer's
 *                        (set-based: one statement whatever the count);
 *   fg_outbox_batch_*    rows built in C, sent as one JSON parameter.
 *
 * Incidents.  A row whose fields hold "incident" (a key the producer
 * derives from what it alerts on: "finding:<id>:<opened>",
 * "budget:<name>:<period start>") opens that incident on its channel
 * (event "trigger", the default).  When the producer closes it, it calls
 * fg_outbox_resolve in the transaction that closes it: one resolution per
 * channel the opening went to.  notifyd-once queues reminders of open
 * critical incidents (fg_outbox_remind).  Whether a channel delivers a
 * resolution is its own setting (notify_resolved), decided when it is
 * delivered, not here: a producer knows nothing of channels but their
 * names, and the outbox keeps the end of every incident on record.
 */
#ifndef FG_OUTBOX_H
#define FG_OUTBOX_H

#include <jansson.h>
#include <libpq-fe.h>
#include <stdint.h>

#include "sqlfile.h"

enum fg_outbox_kind {
	FG_OUTBOX_BUDGET = 0, /* a budget alert; source_id = budget_alerts.id */
	FG_OUTBOX_FINDING,    /* a secscan finding; source_id = findings.id */
	FG_OUTBOX_QUOTA,      /* an e-mail quota warning */
	FG_OUTBOX_DIGEST,     /* an e-mail digest of held notifications */
	FG_OUTBOX_FALLBACK,   /* notice to a fallback channel: another went dead */
};

/* The kind as stored ("budget"), static. */
const char *fg_outbox_kind_name(enum fg_outbox_kind kind);

/*
 * The insert itself, for a statement that must use the inserted rows in
 * the same command (the e-mail digest records its items): a data-modifying
 * CTE "INSERT ... SELECT <the eight columns> ... " FG_OUTBOX_ON_CONFLICT.
 * Everything else calls fg_outbox_enqueue.
 */
#define FG_OUTBOX_INSERT \
	"INSERT INTO notifications (channel, kind, source_id, severity, title, body, fields, dedup_key)"
#define FG_OUTBOX_ON_CONFLICT " ON CONFLICT (channel, dedup_key) DO NOTHING"

/*
 * Enqueue the rows of `rows`, a statement (sqlfile.h; it may start with
 * WITH) yielding the columns channel text, source_id bigint (or NULL),
 * severity text, title text, body text, fields jsonb, dedup_key text, in
 * that order and under any names, bound by name with args.  The name
 * "outbox_kind" is the outbox's own.  what names the action in an error.
 * *added (may be NULL) receives the number of rows inserted (duplicates
 * are skipped).  Returns 0, or < 0 after logging (see fg_db_classify).
 */
int fg_outbox_enqueue(PGconn *db, enum fg_outbox_kind kind, const char *what, const struct fg_sql *rows,
		      const struct fg_sql_arg *args, int nargs, long *added);

/*
 * Close incidents.  closed is a statement (bound by name with args)
 * yielding incident text, title text, body text, fields jsonb, in that
 * order, one row per incident the caller has just closed.  For every
 * channel that holds an opening of it (event trigger, not skipped), one
 * resolution is queued: the opening's kind, source_id and highest
 * severity (so min_severity and silences treat it alike), the given title,
 * body and fields plus "incident" and "event": "resolve", dedup_key
 * "resolve:<incident>", so an incident resolves once per channel.  An
 * incident no channel was told of queues nothing.  *added (may be NULL)
 * counts the rows.  Returns 0 or < 0 after logging.
 */
int fg_outbox_resolve(PGconn *db, const char *what, const struct fg_sql *closed,
		      const struct fg_sql_arg *args, int nargs, long *added);

/*
 * Queue reminders of open critical incidents.  channels is a JSON array
 * of {"channel": NAME, "repeat_s": SECONDS}.  An incident is open on a
 * channel while it holds a critical opening sent there and no resolution;
 * a reminder is due once the last opening or reminder sent there is
 * repeat_s old by the database clock (sent_at is stamped with now()), and
 * none is waiting.  The reminder copies the opening with "event":
 * "remind" and "reminder": N in its fields, title "reminder: <title>",
 * dedup_key "remind:<incident>:<N>".  Returns 0 or < 0 after logging.
 */
int fg_outbox_remind(PGconn *db, const char *channels, long *added);

/* Rows built one by one, enqueued in one statement. */
struct fg_outbox_batch {
	json_t *rows; /* array of row objects, owned */
	int failed;   /* an allocation failed: flush refuses */
};

void fg_outbox_batch_init(struct fg_outbox_batch *b);
/*
 * Add one row.  source_id 0 stores NULL.  fields (may be NULL: {}) is
 * stolen.  Strings are copied.  An allocation failure is remembered and
 * reported by fg_outbox_batch_flush.
 */
void fg_outbox_batch_add(struct fg_outbox_batch *b, const char *channel, int64_t source_id,
			 const char *severity, const char *title, const char *body, json_t *fields,
			 const char *dedup_key);
/* Rows added so far. */
size_t fg_outbox_batch_count(const struct fg_outbox_batch *b);
/*
 * Enqueue every row added (nothing when none) and empty the batch.
 * Returns 0 with *added (may be NULL) set, or < 0 after logging.
 */
int fg_outbox_batch_flush(PGconn *db, struct fg_outbox_batch *b, enum fg_outbox_kind kind, const char *what,
			  long *added);
void fg_outbox_batch_release(struct fg_outbox_batch *b);

#endif

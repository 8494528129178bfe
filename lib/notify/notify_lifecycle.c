/*
 * notify_lifecycle.c - incidents as notifyd-once delivers them.
 *
 * Producers queue an incident's opening, and its resolution for every
 * channel the opening went to (outbox.h); whether a channel delivers the
 * resolution is decided here, when it is delivered, by the channel's
 * notify_resolved: the producers (budgets, secscan, anomalies) know
 * channels only by name and must not read their settings, a changed
 * setting applies to what is already queued, and the outbox keeps every
 * incident's end on record, 'skipped' where it was not wanted.
 *
 * A `group = per-run` channel holds the alerts it takes (after
 * min_severity and silences) and, at the start of each delivery round,
 * gathers them into one message per producer run, as the e-mail digest
 * gathers held mail (sql/notify/group.sql).  The alerts of one run are
 * claimed in the same round (they are due at the same instant), so a run
 * of up to a batch (500) makes one message.
 *
 * Reminders are queued once per notifyd-once run, before delivery, by the
 * database clock (scheduling time, HACKING.md Clocks).
 */
#include "notify_lifecycle.h"
#include "channel_render.h"
#include "db.h"
#include "exitcode.h"
#include "fg_sql_notify.h"
#include "log.h"
#include "outbox.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The titles a group message lists before counting the rest. */
#define GROUP_TOP "10"

const char *fg_notify_refusal(const struct fg_channel *ch, const struct fg_notification *n)
{
	if (n->severity < ch->min_severity && strcmp(n->kind, "digest") != 0)
		return "below the channel's min_severity";
	if (!ch->notify_resolved && fg_notification_resolves(n))
		return "the channel does not take resolutions (notify_resolved = false)";
	return NULL;
}

bool fg_notify_grouped(const struct fg_channel *ch, const struct fg_notification *n)
{
	return ch->group_per_run && (strcmp(n->kind, "budget") == 0 || strcmp(n->kind, "finding") == 0 ||
				     strcmp(n->kind, "anomaly") == 0);
}

enum which {
	GROUPING,
	LOOSE,
	REPEATING
};

/*
 * The channels that group, that neither group nor keep a digest (LOOSE),
 * or that remind ({"channel","repeat_s"}), as a JSON array; NULL: none.
 */
static char *channel_list(const struct fg_notify_conf *nc, enum which w)
{
	json_t *a = json_array();
	char *doc;

	for (int i = 0; a && i < nc->nchannels; i++) {
		const struct fg_channel *ch = &nc->channels[i];
		if (ch->broken) /* its ops may be unset */
			continue;
		if (!(w == GROUPING ? ch->group_per_run
		      : w == LOOSE  ? !ch->group_per_run && ch->ops->digest_to == NULL
				    : ch->repeat_s > 0))
			continue;
		json_array_append_new(a, w == REPEATING ? json_pack("{s:s, s:I}", "channel", ch->name,
								    "repeat_s", (json_int_t)ch->repeat_s)
							: json_string(ch->name));
	}
	doc = json_array_size(a) > 0 ? json_dumps(a, JSON_COMPACT) : NULL;
	json_decref(a);
	return doc;
}

/*
 * Alerts held for a group message on a channel that no longer groups (its
 * `group` was removed while a --limit run left some held) go out one by
 * one again.
 */
static int release_loose(PGconn *db, const struct fg_notify_conf *nc)
{
	char *channels = channel_list(nc, LOOSE);
	int rc = 0;

	if (channels != NULL) {
		const char *p[] = { channels };
		rc = fg_db_exec(
			db, "release notifications held for a group",
			"UPDATE notifications SET status = 'pending', next_attempt_at = now()"
			" WHERE status = 'held' AND channel IN (SELECT jsonb_array_elements_text($1::jsonb))",
			1, p);
	}
	free(channels);
	return rc;
}

int fg_notify_group(PGconn *db, const struct fg_notify_conf *nc)
{
	char *channels;
	PGresult *r;
	int rc;

	if ((rc = release_loose(db, nc)) < 0 || (channels = channel_list(nc, GROUPING)) == NULL)
		return rc;
	const struct fg_sql_arg args[] = {
		{ "channels", channels },
		{ "kind", fg_outbox_kind_name(FG_OUTBOX_DIGEST) },
		{ "top", GROUP_TOP },
	};
	r = fg_sql_query(db, &rc, "make the per-run group messages", &fg_sql_notify_group, args,
			 FG_SQL_COUNT(args));
	free(channels);
	if (r == NULL)
		return rc;
	long made = strtol(PQgetvalue(r, 0, 0), NULL, 10), items = strtol(PQgetvalue(r, 0, 1), NULL, 10);
	if (made > 0)
		fg_info("queued %ld group message%s for %ld alert%s", made, made == 1 ? "" : "s", items,
			items == 1 ? "" : "s");
	PQclear(r);
	return 0;
}

int fg_notify_remind(PGconn *db, const struct fg_notify_conf *nc)
{
	char *channels = channel_list(nc, REPEATING);
	long added = 0;
	int rc;

	if (channels == NULL)
		return 0;
	rc = fg_outbox_remind(db, channels, &added);
	free(channels);
	if (rc == 0 && added > 0)
		fg_info("queued %ld reminder%s of open incidents", added, added == 1 ? "" : "s");
	return rc;
}

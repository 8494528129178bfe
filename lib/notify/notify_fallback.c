/*
 * notify_fallback.c - telling a channel's fallback that notifications went
 * dead on it.
 *
 * After a run's delivery rounds, each channel with `fallback = OTHER` on
 * which notifications went dead gets one notice queued to OTHER through
 * the outbox (kind 'fallback'): which channel, how many, the last reason.
 * Its dedup_key names the channel and the run, so a run queues at most
 * one notice per channel whatever the number of rounds, and the next run
 * may queue a new one.  fg_notify_run() delivers the notices in a second
 * pass of the same run; notices about deaths in that pass wait for the
 * next run, so a circle of fallbacks cannot loop.  The notice is neither
 * silenced nor held for a digest, and bypasses the e-mail quota.
 */
#include "notify.h"
#include "notify_run.h"
#include "outbox.h"
#include "redact.h"

#include <stdio.h>
#include <stdlib.h>

int fg_notify_fallback(PGconn *db, const struct fg_notify_conf *nc, const char *me,
		       const struct fg_notify_summary *s, long *queued)
{
	struct fg_outbox_batch b;
	const char *name;
	json_t *c;
	int rc;

	*queued = 0;
	fg_outbox_batch_init(&b);
	json_object_foreach(s->channels, name, c)
	{
		json_int_t dead = json_integer_value(json_object_get(c, "dead"));
		const struct fg_channel *ch = fg_notify_channel(nc, name);
		if (dead == 0 || ch == NULL || ch->fallback == NULL)
			continue;
		const char *why = json_string_value(json_object_get(s->why, name));
		char *red = fg_redact(why ? why : "unknown");
		char title[300], body[700], dedup[300];
		snprintf(title, sizeof(title), "%lld notification%s to '%s' went dead", (long long)dead,
			 dead == 1 ? "" : "s", name);
		snprintf(body, sizeof(body),
			 "Channel '%s' refused delivery: %s. They are listed by notifyd-once --dead; "
			 "once it works again, notifyd-once --requeue all sends them.",
			 name, red ? red : "");
		snprintf(dedup, sizeof(dedup), "fallback:%s:%s", name, me);
		fg_outbox_batch_add(
			&b, ch->fallback, 0, "high", title, body,
			json_pack("{s:s, s:I, s:s}", "channel", name, "dead", dead, "error", red ? red : ""),
			dedup);
		free(red);
	}
	rc = fg_outbox_batch_flush(db, &b, FG_OUTBOX_FALLBACK, "queue the fallback notices", queued);
	fg_outbox_batch_release(&b);
	return rc;
}

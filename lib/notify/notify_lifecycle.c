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
 */
#include "notify_lifecycle.h"
#include "channel_render.h"

#include <string.h>

const char *fg_notify_refusal(const struct fg_channel *ch, const struct fg_notification *n)
{
	if (n->severity < ch->min_severity && strcmp(n->kind, "digest") != 0)
		return "below the channel's min_severity";
	if (!ch->notify_resolved && fg_notification_resolves(n))
		return "the channel does not take resolutions (notify_resolved = false)";
	return NULL;
}

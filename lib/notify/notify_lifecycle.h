/*
 * notify_lifecycle.h - what notifyd-once does with incidents: which rows
 * a channel does not take, per-run group messages, and reminders.
 */
#ifndef FG_NOTIFY_LIFECYCLE_H
#define FG_NOTIFY_LIFECYCLE_H

#include <libpq-fe.h>
#include <stdbool.h>

#include "notify.h"

/*
 * Why ch does not take n (a static reason, kept in last_error), or NULL
 * when it does: below its min_severity (a digest or group message carries
 * alerts that passed it already), or a resolution on a channel with
 * notify_resolved = false.
 */
const char *fg_notify_refusal(const struct fg_channel *ch, const struct fg_notification *n);

/* True when n waits, held, for its channel's per-run group message. */
bool fg_notify_grouped(const struct fg_channel *ch, const struct fg_notification *n);

/*
 * Turn the held alerts of every `group = per-run` channel into one message
 * per producer run, kind and event, in one statement; first make alerts
 * held on channels that no longer group pending again.  Returns 0 or < 0
 * after logging.
 */
int fg_notify_group(PGconn *db, const struct fg_notify_conf *nc);

/*
 * Queue the reminders due on the channels with `repeat` (fg_outbox_remind),
 * in one statement.  Returns 0 or < 0 after logging.
 */
int fg_notify_remind(PGconn *db, const struct fg_notify_conf *nc);

#endif

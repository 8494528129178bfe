/*
 * notify_lifecycle.h - what notifyd-once does with incidents: which rows
 * a channel does not take.
 */
#ifndef FG_NOTIFY_LIFECYCLE_H
#define FG_NOTIFY_LIFECYCLE_H

#include "notify.h"

/*
 * Why ch does not take n (a static reason, kept in last_error), or NULL
 * when it does: below its min_severity (a digest carries alerts that
 * passed it already), or a resolution on a channel with notify_resolved =
 * false.
 */
const char *fg_notify_refusal(const struct fg_channel *ch, const struct fg_notification *n);

#endif

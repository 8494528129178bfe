/*
 * notify_silence.h - [silence NAME] sections: alerts muted on purpose,
 * with a reason and an end date.
 *
 * A silence matches a notification of source budget, finding or anomaly
 * (its kind) when every match key it has matches: source, rule and subject
 * (fields.rule, fields.subject of a finding), budget (fields.budget of a
 * budget alert) and channel, each a pattern where '*' stands for any run
 * of characters; an absent key matches anything.  Other kinds (test
 * messages, quota warnings, digests, fallback notices) are never silenced:
 * they are the tool talking about itself.  A silence is active through its
 * until date (UTC, inclusive).  Strings are borrowed from the fg_config.
 */
#ifndef FG_NOTIFY_SILENCE_H
#define FG_NOTIFY_SILENCE_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "channel.h"
#include "config.h"

struct fg_silence {
	const char *name;
	const char *source, *rule, *subject, *budget, *channel; /* NULL: any */
	const char *reason;
	const char *until; /* YYYY-MM-DD as written */
	long until_day;    /* days since the epoch */
};

struct fg_silence_set {
	struct fg_silence *v;
	int n;
};

/*
 * Load every [silence NAME] of cfg into set (a new array, free with
 * fg_silence_set_release).  A bad source or until, or a missing reason or
 * until, is logged as FILE:LINE; all are reported, then FG_ERR_CONFIG is
 * returned.  Returns 0 otherwise.
 */
int fg_silence_load(const struct fg_config *cfg, struct fg_silence_set *set);
void fg_silence_set_release(struct fg_silence_set *set);

/* True when pattern (with '*' wildcards) matches all of s. */
bool fg_silence_glob(const char *pattern, const char *s);
/* True when s is still in force on day today. */
bool fg_silence_active(const struct fg_silence *s, long today);
/* The first active silence of set matching n on day today, or NULL. */
const struct fg_silence *fg_silence_match(const struct fg_silence_set *set, const struct fg_notification *n,
					  long today);
/* "silenced by 'NAME' until DATE: REASON" into buf (truncated to len). */
void fg_silence_describe(const struct fg_silence *s, char *buf, size_t len);
/* The match keys of s as "source=finding rule=x", or "*" when none. */
void fg_silence_match_text(const struct fg_silence *s, char *buf, size_t len);
/* One warning line for each expired silence of set. */
void fg_silence_warn_expired(const struct fg_silence_set *set, long today);

/*
 * Mark claimed notifications ids[i] (claimed by me) skipped, naming
 * why[i] in last_error; one statement.  Returns 0 or a negative fg_err.
 */
int fg_silence_record(PGconn *db, const char *me, const int64_t *ids, const struct fg_silence *const *why,
		      int n);
/*
 * --silences: list set with how many notifications each muted (from
 * last_error of skipped rows), as text or JSON on out.
 */
int fg_silence_print(PGconn *db, const struct fg_silence_set *set, long today, bool as_json, FILE *out);

#endif

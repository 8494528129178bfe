/*
 * channel.h - channels, notifications and the table of channel types.
 *
 * A channel is one [channel NAME] section: the settings every type shares
 * (URL, severity floor, TLS, timeouts, rate) plus its type's own, which
 * only the type's file reads, behind ch->priv.  A type is one struct
 * fg_channel_ops in its own channel_<type>.c, listed once in the table in
 * channel.c; adding a type is a new file and a table entry (and its value
 * in enum fg_chan_type).
 *
 * A notification (one outbox row, or one alert read from stdin) is rendered
 * by its channel's ops into an fg_request (http.h), delivered by the curl
 * multi engine, and the answer classified into sent, retry or dead.
 *
 * This is the bottom of notifyd-once's domain: the channel files use core
 * and base only and never include a header of the notify part above them.
 * Configuration structs borrow their strings from the fg_config they were
 * loaded from.
 */
#ifndef FG_CHANNEL_H
#define FG_CHANNEL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "config.h"
#include "severity.h"

struct fg_request;
struct fg_email_conf;

enum fg_chan_type {
	FG_CHAN_SLACK = 0,
	FG_CHAN_WEBHOOK,
	FG_CHAN_TEAMS,
	FG_CHAN_PAGERDUTY,
	FG_CHAN_EMAIL,
	FG_CHAN_NTYPES /* not a type: the size of the table */
};

struct fg_notification {
	int64_t id; /* 0 when not from the outbox */
	char *channel;
	char *kind;
	enum fg_severity severity;
	char *title;
	char *body;
	json_t *fields; /* an object, owned */
	char *dedup_key;
	int attempts; /* before this delivery */
	time_t created_at;
};

/* Free the contents of n (not n itself). */
void fg_notification_release(struct fg_notification *n);

/* Outcome of one attempt. */
enum fg_outcome {
	FG_OUT_SENT = 0,
	FG_OUT_RETRY,
	FG_OUT_DEAD,
};

struct fg_channel_ops;

struct fg_channel {
	const char *name;
	enum fg_chan_type type;
	const struct fg_channel_ops *ops; /* the table entry of type */
	const char *url;                  /* secret: never shown unredacted */
	enum fg_severity min_severity;
	const char *fallback; /* channel told when notifications go dead here, or NULL */
	bool notify_resolved; /* deliver resolutions (else they end 'skipped') */
	bool group_per_run;   /* hold alerts, send one message per producer run */
	int64_t repeat_s;     /* remind of open critical incidents; 0 = never */
	bool tls_verify;
	const char *ca_file;
	long timeout_ms;
	long connect_timeout_ms;
	double rate_per_sec; /* token bucket per rate key; 0 = unlimited */
	void *priv;          /* the type's own settings (ops->load), owned */
	bool broken;         /* failed to load (logged): nothing is sent to it */
};

/* What channels are loaded against: [notify] defaults and [email]. */
struct fg_channel_defaults {
	long timeout_ms;
	long connect_timeout_ms;
	const struct fg_email_conf *email; /* outlives the channels */
};

/* What the outbox does with a notification before sending it. */
struct fg_gate {
	bool hold;     /* keep it for the channel's daily digest */
	int64_t quota; /* count it against this daily quota; 0 = none */
	bool bypass;   /* counted, but sent even past the quota */
};

/*
 * One channel type.  type, render and classify are required; the rest may
 * be NULL (0) when the type has no use for them.
 */
struct fg_channel_ops {
	const char *type;            /* the value of `type =`, e.g. "slack" */
	const char *default_url;     /* url when none is configured */
	bool needs_url;              /* refuse a channel without one */
	int default_rate_per_minute; /* rate_per_minute when unset */
	bool resolved_default;       /* notify_resolved when unset */
	/* why `group = per-run` does not go with this type, or NULL */
	const char *no_group;

	/*
	 * Read and check the type's own keys of sec into ch->priv (owned by
	 * ch, freed by release, also after a failure).  Returns 0 or a
	 * negative code after fg_conf_error().
	 */
	int (*load)(const struct fg_config *cfg, const struct fg_conf_section *sec,
		    const struct fg_channel_defaults *d, struct fg_channel *ch);
	/* Free ch->priv and what it owns; NULL: free(ch->priv). */
	void (*release)(struct fg_channel *ch);
	/*
	 * Render n into req: body and headers, and the URL when it is not
	 * ch->url.  Returns 0, FG_ERR_DATA with a one-line reason in err (it
	 * can never be sent), or FG_ERR (err may stay empty: no memory).
	 */
	int (*render)(const struct fg_channel *ch, const struct fg_notification *n, struct fg_request *req,
		      char *err, size_t errlen);
	/*
	 * What the answer to a finished request means (TLS failures are
	 * handled before this is called).  *code comes in as the status and
	 * leaves as the status the answer stands for (Retry-After is honoured
	 * for 429).  Fills err with a short reason, never a URL.
	 */
	enum fg_outcome (*classify)(const struct fg_request *req, long *code, char *err, size_t errlen);
	/* The key requests share a token bucket under; NULL hook: no limit. */
	const char *(*rate_key)(const struct fg_channel *ch);
	/* Hold or count n before it is sent from the outbox; NULL: send. */
	void (*gate)(const struct fg_channel *ch, const struct fg_notification *n, struct fg_gate *g);
	/* Recipients of the channel's digests (new JSON array of strings). */
	json_t *(*digest_to)(const struct fg_channel *ch);
	/* Where messages go when there is no url, for log lines. */
	const char *(*where)(const struct fg_channel *ch);
};

/* The table, in channel.c: one entry per type, in each type's file. */
extern const struct fg_channel_ops fg_slack_ops;
extern const struct fg_channel_ops fg_webhook_ops;
extern const struct fg_channel_ops fg_teams_ops;
extern const struct fg_channel_ops fg_pagerduty_ops;
extern const struct fg_channel_ops fg_email_ops;

/* The ops of type t, or NULL when t is not a type. */
const struct fg_channel_ops *fg_channel_ops_of(enum fg_chan_type t);
/* The configured name of a channel type ("slack"), static; "?" if none. */
const char *fg_chan_type_name(enum fg_chan_type t);
/* The type called name: 0, or -1 when there is none. */
int fg_chan_type_parse(const char *name, enum fg_chan_type *t);

/*
 * Load one [channel NAME] section into ch: the shared keys, then the
 * type's own (ops->load).  Returns 0 or FG_ERR_CONFIG after logging
 * FILE:LINE; release ch either way.
 */
int fg_channel_load(const struct fg_config *cfg, const struct fg_conf_section *sec,
		    const struct fg_channel_defaults *d, struct fg_channel *ch);
void fg_channel_release(struct fg_channel *ch);

/*
 * Render n for ch into req (http.h): URL, headers, body, timeouts, TLS
 * settings, rate key.  Returns 0, or < 0 after writing a one-line reason
 * into err (FG_ERR_DATA: a notification that can never be sent, such as a
 * header injection or no recipient).
 */
int fg_channel_render(const struct fg_channel *ch, const struct fg_notification *n, struct fg_request *req,
		      char *err, size_t errlen);

/* Where ch sends to, for log lines (redact it): url or ops->where. */
const char *fg_channel_where(const struct fg_channel *ch);

/*
 * Config helpers shared with [notify] and [email]: an interval (30s, 5m)
 * with a default; a timeout in milliseconds (at least 1s, at most 1h);
 * a ca_file that must be readable.  Each returns 0 or FG_ERR_CONFIG after
 * fg_conf_error().
 */
int fg_channel_conf_interval(const struct fg_config *cfg, const struct fg_conf_section *sec, const char *key,
			     int64_t def, int64_t *out);
int fg_channel_conf_ms(const struct fg_config *cfg, const struct fg_conf_section *sec, const char *key,
		       long def, long *out);
int fg_channel_conf_ca_file(const struct fg_config *cfg, const struct fg_conf_section *sec, const char *path);

/*
 * Each type's payload (a new JSON object the caller owns, or NULL on
 * allocation failure), exported for the unit tests and fuzzers.
 */
json_t *fg_slack_payload(const struct fg_notification *n);
json_t *fg_teams_payload(const struct fg_notification *n);
json_t *fg_webhook_payload(const struct fg_notification *n);
json_t *fg_pagerduty_payload(const struct fg_notification *n, const char *routing_key);

/* HMAC-SHA256 of body under key as lowercase hex (out >= 65 bytes); 0 or FG_ERR. */
int fg_webhook_sign(const char *key, const char *body, size_t len, char *out);

#endif

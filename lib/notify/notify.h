/*
 * notify.h - the delivery side of the outbox: channels, notifications and
 * the settings notifyd-once runs with.
 *
 * A notification (one outbox row, or one alert read from stdin) is rendered
 * by its channel's renderer into an fg_request (http.h), delivered by the
 * curl multi engine, and the result is classified into sent, retry or dead.
 * Configuration structs borrow their strings from the fg_config they were
 * loaded from; they live until fg_notify_conf_release().
 */
#ifndef FG_NOTIFY_H
#define FG_NOTIFY_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "config.h"
#include "severity.h"

struct fg_request;


enum fg_chan_type {
	FG_CHAN_SLACK = 0,
	FG_CHAN_WEBHOOK,
	FG_CHAN_TEAMS,
	FG_CHAN_PAGERDUTY,
	FG_CHAN_EMAIL,
};

enum fg_email_provider {
	FG_EMAIL_SMTP = 0,
	FG_EMAIL_SENDGRID,
	FG_EMAIL_SES,
};

struct fg_channel {
	const char *name;
	enum fg_chan_type type;
	const char *url;		/* secret: never shown unredacted */
	const char *secret;		/* webhook HMAC key */
	const char **headers;		/* webhook "Name: value", NULL-terminated */
	const char *routing_key;	/* pagerduty */
	char **to;			/* email recipients (fg_conf_list) */
	int nto;
	enum fg_severity min_severity;
	bool tls_verify;
	const char *ca_file;
	long timeout_ms;
	long connect_timeout_ms;
	double rate_per_sec;		/* token bucket per URL; 0 = unlimited */
};

struct fg_email_conf {
	bool configured;
	enum fg_email_provider provider;
	const char *from;		/* as written: "name <addr>" or "addr" */
	char *from_addr;		/* the bare address (owned) */
	const char *reply_to;
	const char *smtp_url;
	const char *smtp_user;
	const char *smtp_password;
	bool smtp_tls_required;
	const char *sendgrid_api_key;
	const char *sendgrid_url;
	const char *ses_region;
	const char *ses_access_key_id;
	const char *ses_secret_access_key;
	const char *ses_session_token;
	const char *ses_endpoint;	/* full URL; default from the region */
	int64_t daily_quota;		/* 0 = none */
	const char *quota_alert_channel;
	int digest_minute;		/* minute of the UTC day, -1 = no digest */
	bool tls_verify;
	const char *ca_file;
	long timeout_ms;
};

struct fg_notify_conf {
	struct fg_channel *channels;
	int nchannels;
	struct fg_email_conf email;
	int64_t concurrency;
	int64_t max_attempts;
	int64_t lease_s;
	int64_t backoff_base_s;
	int64_t backoff_max_s;
	long timeout_ms;
	long connect_timeout_ms;
};

struct fg_notification {
	int64_t id;		/* 0 when not from the outbox */
	char *channel;
	char *kind;
	enum fg_severity severity;
	char *title;
	char *body;
	json_t *fields;		/* an object, owned */
	char *dedup_key;
	int attempts;		/* before this delivery */
	time_t created_at;
};

/* The configured name of a channel type ("slack"), static. */
const char *fg_chan_type_name(enum fg_chan_type t);

/*
 * Load [channel *], [email] and [notify] from cfg.  Returns 0 or
 * FG_ERR_CONFIG after logging FILE:LINE.  Strings stay borrowed from cfg.
 */
int fg_notify_conf_load(const struct fg_config *cfg, struct fg_notify_conf *nc);
void fg_notify_conf_release(struct fg_notify_conf *nc);
/* The channel named name, or NULL. */
const struct fg_channel *fg_notify_channel(const struct fg_notify_conf *nc, const char *name);

/* Free the contents of n (not n itself). */
void fg_notification_release(struct fg_notification *n);

/*
 * Render n for channel ch into req (http.h): URL, headers, body, timeouts.
 * Returns 0, or FG_ERR_DATA after writing a one-line reason into err
 * (a notification that can never be sent: header injection, no recipient).
 */
int fg_channel_render(const struct fg_notify_conf *nc, const struct fg_channel *ch,
		      const struct fg_notification *n, struct fg_request *req, char *err,
		      size_t errlen);

/* Outcome of one attempt. */
enum fg_outcome {
	FG_OUT_SENT = 0,
	FG_OUT_RETRY,
	FG_OUT_DEAD,
};

/*
 * Classify a finished request for channel type t.  Fills err with a short
 * reason (no secrets) and *delay_s with the retry delay for FG_OUT_RETRY
 * (Retry-After, else backoff with jitter from attempts).  max_attempts
 * turns a retry into dead once reached.
 */
enum fg_outcome fg_notify_classify(const struct fg_notify_conf *nc, enum fg_chan_type t,
				   const struct fg_request *req, int attempts, double *delay_s,
				   char *err, size_t errlen);

/*
 * True when the request failed in TLS (untrusted certificate, handshake,
 * STARTTLS refused or missing): nothing was sent, and retrying alone will
 * not help, so the caller warns even when it retries.
 */
bool fg_notify_tls_failed(const struct fg_request *req);

/* Exponential backoff with equal jitter: base * 2^attempts, capped. */
double fg_notify_backoff(int64_t base_s, int64_t max_s, int attempts);

#endif

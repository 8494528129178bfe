/*
 * notify.h - the delivery side of the outbox: the settings notifyd-once
 * runs with, and what one attempt means.
 *
 * Channels, notifications and the channel types are channel.h's (the
 * channels part below this one); a notification is rendered by its
 * channel's ops into an fg_request (http.h), delivered by the curl multi
 * engine, and the result is classified here into sent, retry or dead, with
 * the retry policy of [notify].  Configuration structs borrow their
 * strings from the fg_config they were loaded from; they live until
 * fg_notify_conf_release().
 */
#ifndef FG_NOTIFY_H
#define FG_NOTIFY_H

#include <stdbool.h>
#include <stdint.h>

#include "channel.h"
#include "config.h"
#include "email.h"
#include "notify_silence.h"

struct fg_request;

struct fg_notify_conf {
	struct fg_channel *channels;
	int nchannels;
	int nbroken;                    /* channels (and [email]) that failed to load, logged */
	struct fg_email_conf *email;    /* [email], owned; never NULL once loaded */
	struct fg_silence_set silences; /* [silence NAME], owned array */
	int64_t concurrency;
	int64_t max_attempts;
	int64_t lease_s;
	int64_t backoff_base_s;
	int64_t backoff_max_s;
	long timeout_ms;
	long connect_timeout_ms;
};

/*
 * Load [channel *], [email], [notify] and [silence *] from cfg.  Returns 0 or
 * FG_ERR_CONFIG after logging FILE:LINE.  A channel that fails to load
 * (or [email], and with it every email channel) is logged, marked broken
 * and counted in nbroken, and loading still returns 0: the caller decides.
 * Strings stay borrowed from cfg.
 */
int fg_notify_conf_load(const struct fg_config *cfg, struct fg_notify_conf *nc);
void fg_notify_conf_release(struct fg_notify_conf *nc);
/* The channel named name, or NULL. */
const struct fg_channel *fg_notify_channel(const struct fg_notify_conf *nc, const char *name);

/*
 * Classify a finished request for channel type t: TLS failures here, the
 * answer by the type's ops->classify.  Fills err with a short reason (no
 * secrets) and *delay_s with the retry delay for FG_OUT_RETRY (Retry-After,
 * else backoff with jitter from attempts).  max_attempts turns a retry
 * into dead once reached.
 */
enum fg_outcome fg_notify_classify(const struct fg_notify_conf *nc, enum fg_chan_type t,
				   const struct fg_request *req, int attempts, double *delay_s, char *err,
				   size_t errlen);

/*
 * True when the request failed in TLS (untrusted certificate, handshake,
 * STARTTLS refused or missing): nothing was sent, and retrying alone will
 * not help, so the caller warns even when it retries.
 */
bool fg_notify_tls_failed(const struct fg_request *req);

/* Exponential backoff with equal jitter: base * 2^attempts, capped. */
double fg_notify_backoff(int64_t base_s, int64_t max_s, int attempts);

#endif

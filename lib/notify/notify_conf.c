/*
 * notify_conf.c - [notify], [email] and the [channel NAME] sections for
 * notifyd-once.
 *
 * [notify] first (its timeouts are every channel's defaults), then [email]
 * (email_conf.c), then each channel (channel_conf.c and its type's ops),
 * then what spans sections: a quota alert channel that does not exist is a
 * configuration error (exit 78, FILE:LINE) rather than a warning lost at
 * run time, and so is a lease too short for the slowest request.
 *
 * The lease: a run starts requests only in the first half of it (see
 * notify_run.c), and a request ends within its timeout (libcurl's limit
 * for the whole transfer, connecting included).  So with lease >= 2 x the
 * longest timeout, a request ends before the claim may pass to another
 * run; the longest connect_timeout on top leaves time to record the
 * outcome.  A shorter lease let two runs send the same messages.
 *
 * A bad [channel] or [email] is logged and counted in nbroken but does not
 * stop the others: notifyd-once delivers to the channels that loaded and
 * exits 78 afterwards; --check-config reports every one.
 */
#include "notify.h"
#include "exitcode.h"

#include <stdlib.h>
#include <string.h>

/* Refuse a lease that a request in flight could outlive. */
static int check_lease(const struct fg_config *cfg, const struct fg_notify_conf *nc)
{
	long timeout = 0, connect = 0;

	for (int i = 0; i < nc->nchannels; i++) {
		if (nc->channels[i].broken)
			continue;
		if (nc->channels[i].timeout_ms > timeout)
			timeout = nc->channels[i].timeout_ms;
		if (nc->channels[i].connect_timeout_ms > connect)
			connect = nc->channels[i].connect_timeout_ms;
	}
	if (nc->email->configured && nc->email->timeout_ms > timeout)
		timeout = nc->email->timeout_ms;
	int64_t need = (2 * (int64_t)timeout + connect + 999) / 1000;
	if (nc->lease_s >= need)
		return 0;
	fg_conf_error(cfg, fg_config_section(cfg, "notify", NULL), "lease",
		      "a lease of %llds is shorter than 2 x the longest timeout (%lds) + connect_timeout "
		      "(%lds) = %llds: a run could send again what another still has in flight; raise "
		      "lease to %llds or more, or lower the timeouts",
		      (long long)nc->lease_s, timeout / 1000, connect / 1000, (long long)need,
		      (long long)need);
	return FG_ERR_CONFIG;
}

int fg_notify_conf_load(const struct fg_config *cfg, struct fg_notify_conf *nc)
{
	const struct fg_conf_section *sec = fg_config_section(cfg, "notify", NULL), *s;
	int rc, n = 0;

	memset(nc, 0, sizeof(*nc));
	if ((rc = fg_conf_int(cfg, sec, "concurrency", 16, 1, 1024, &nc->concurrency)) < 0 ||
	    (rc = fg_conf_int(cfg, sec, "max_attempts", 8, 1, 1000, &nc->max_attempts)) < 0 ||
	    (rc = fg_channel_conf_interval(cfg, sec, "lease", 300, &nc->lease_s)) < 0 ||
	    (rc = fg_channel_conf_interval(cfg, sec, "backoff_base", 30, &nc->backoff_base_s)) < 0 ||
	    (rc = fg_channel_conf_interval(cfg, sec, "backoff_max", 3600, &nc->backoff_max_s)) < 0 ||
	    (rc = fg_channel_conf_ms(cfg, sec, "timeout", 30000, &nc->timeout_ms)) < 0 ||
	    (rc = fg_channel_conf_ms(cfg, sec, "connect_timeout", 10000, &nc->connect_timeout_ms)) < 0)
		return rc;
	if (nc->lease_s < 1) {
		fg_conf_error(cfg, sec, "lease", "the lease must be at least 1s");
		return FG_ERR_CONFIG;
	}
	if ((nc->email = calloc(1, sizeof(*nc->email))) == NULL)
		return FG_ERR_CONFIG;
	/* a broken [email] or channel stops only the channels it concerns */
	if (fg_email_conf_load(cfg, nc->email) < 0)
		nc->nbroken++;
	for (s = fg_config_next(cfg, NULL, "channel"); s; s = fg_config_next(cfg, s, "channel"))
		n++;
	nc->channels = calloc((size_t)n + 1, sizeof(*nc->channels));
	if (nc->channels == NULL)
		return FG_ERR_CONFIG;
	struct fg_channel_defaults d = { nc->timeout_ms, nc->connect_timeout_ms, nc->email };
	for (s = fg_config_next(cfg, NULL, "channel"); s; s = fg_config_next(cfg, s, "channel")) {
		/* counted also when it fails, so that release frees it */
		if (fg_channel_load(cfg, s, &d, &nc->channels[nc->nchannels++]) < 0)
			nc->nbroken++;
	}
	if (nc->email->quota_alert_channel && !fg_notify_channel(nc, nc->email->quota_alert_channel)) {
		fg_conf_error(cfg, fg_config_section(cfg, "email", NULL), "quota_alert_channel",
			      "no channel named '%s'", nc->email->quota_alert_channel);
		return FG_ERR_CONFIG;
	}
	for (int i = 0; i < nc->nchannels; i++) {
		const struct fg_channel *ch = &nc->channels[i];
		if (ch->fallback == NULL)
			continue;
		const struct fg_conf_section *csec = fg_config_section(cfg, "channel", ch->name);
		if (strcmp(ch->fallback, ch->name) == 0) {
			fg_conf_error(cfg, csec, "fallback", "channel '%s' cannot be its own fallback",
				      ch->name);
			return FG_ERR_CONFIG;
		}
		if (fg_notify_channel(nc, ch->fallback) == NULL) {
			fg_conf_error(cfg, csec, "fallback", "no channel named '%s'", ch->fallback);
			return FG_ERR_CONFIG;
		}
	}
	if ((rc = fg_silence_load(cfg, &nc->silences)) < 0)
		return rc;
	return check_lease(cfg, nc);
}

void fg_notify_conf_release(struct fg_notify_conf *nc)
{
	for (int i = 0; i < nc->nchannels; i++)
		fg_channel_release(&nc->channels[i]);
	free(nc->channels);
	if (nc->email)
		fg_email_conf_release(nc->email);
	free(nc->email);
	fg_silence_set_release(&nc->silences);
	memset(nc, 0, sizeof(*nc));
}

const struct fg_channel *fg_notify_channel(const struct fg_notify_conf *nc, const char *name)
{
	for (int i = 0; i < nc->nchannels; i++)
		if (strcmp(nc->channels[i].name, name) == 0)
			return &nc->channels[i];
	return NULL;
}

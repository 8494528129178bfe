/*
 * notify_conf.c - [channel NAME], [email] and [notify] for notifyd-once.
 *
 * Everything that can be checked without sending is checked here, so a bad
 * channel is a configuration error (exit 78, FILE:LINE) rather than a dead
 * notification: unknown types, missing URLs or recipients, addresses or
 * headers carrying CR/LF, a quota alert channel that does not exist.
 * Turning TLS verification off is allowed but logged as a warning on every
 * run.  SES credentials default to the standard AWS_* environment
 * variables; values read from there are registered as secrets.
 */
#include "notify.h"
#include "email.h"
#include "exitcode.h"
#include "log.h"
#include "redact.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *type_names[] = { "slack", "webhook", "teams", "pagerduty", "email" };

const char *fg_chan_type_name(enum fg_chan_type t)
{
	return (unsigned)t < 5 ? type_names[t] : "?";
}

static int conf_interval(const struct fg_config *cfg, const struct fg_conf_section *sec,
			 const char *key, int64_t def, int64_t *out)
{
	const char *v = fg_conf_get(sec, key);
	if (v == NULL) {
		*out = def;
		return 0;
	}
	if (fg_parse_interval(v, out) < 0) {
		fg_conf_error(cfg, sec, key, "'%s' is not an interval such as 30s, 5m or 1h", v);
		return FG_ERR_CONFIG;
	}
	return 0;
}

static int conf_ms(const struct fg_config *cfg, const struct fg_conf_section *sec,
		   const char *key, long def, long *out)
{
	int64_t s;
	int rc = conf_interval(cfg, sec, key, -1, &s);
	if (rc < 0)
		return rc;
	*out = s < 0 ? def : (long)(s > 3600 ? 3600 : s) * 1000L;
	if (s == 0) {
		fg_conf_error(cfg, sec, key, "a timeout must be at least 1s");
		return FG_ERR_CONFIG;
	}
	return 0;
}

/* A ca_file that cannot be read is a configuration error, not a retry. */
static int check_ca_file(const struct fg_config *cfg, const struct fg_conf_section *sec,
			 const char *path)
{
	if (path == NULL || access(path, R_OK) == 0)
		return 0;
	fg_conf_error(cfg, sec, "ca_file", "cannot read ca_file '%s': %s", path, strerror(errno));
	return FG_ERR_CONFIG;
}

static bool has_crlf(const char *s)
{
	return s != NULL && strpbrk(s, "\r\n") != NULL;
}

static int load_channel(const struct fg_config *cfg, const struct fg_conf_section *sec,
			const struct fg_notify_conf *nc, struct fg_channel *ch)
{
	const char *type = fg_conf_get(sec, "type"), *v;
	int rc, nh = 0;
	int64_t rate;

	memset(ch, 0, sizeof(*ch));
	ch->name = sec->name;
	if (type == NULL) {
		fg_conf_error(cfg, sec, NULL, "channel '%s' has no type (slack, webhook, teams, pagerduty, email)",
			      sec->name);
		return FG_ERR_CONFIG;
	}
	int t = -1;
	for (int i = 0; i < 5; i++)
		if (strcmp(type, type_names[i]) == 0)
			t = i;
	if (t < 0) {
		fg_conf_error(cfg, sec, "type", "unknown channel type '%s' (slack, webhook, teams, pagerduty, email)",
			      type);
		return FG_ERR_CONFIG;
	}
	ch->type = (enum fg_chan_type)t;
	ch->url = fg_conf_get(sec, "url");
	ch->secret = fg_conf_get(sec, "secret");
	ch->routing_key = fg_conf_get(sec, "routing_key");
	if (ch->type == FG_CHAN_PAGERDUTY && ch->url == NULL)
		ch->url = "https://events.pagerduty.com/v2/enqueue";
	if (ch->type != FG_CHAN_EMAIL && ch->url == NULL) {
		fg_conf_error(cfg, sec, NULL, "channel '%s' needs a url (or url_file)", sec->name);
		return FG_ERR_CONFIG;
	}
	if (ch->type == FG_CHAN_PAGERDUTY && ch->routing_key == NULL) {
		fg_conf_error(cfg, sec, NULL, "channel '%s' needs a routing_key (or routing_key_file)",
			      sec->name);
		return FG_ERR_CONFIG;
	}
	if (ch->url && (has_crlf(ch->url) || strchr(ch->url, ' '))) {
		fg_conf_error(cfg, sec, "url", "the url of channel '%s' contains spaces or line breaks",
			      sec->name);
		return FG_ERR_CONFIG;
	}
	for (const struct fg_conf_entry *e = sec->entries; e; e = e->next)
		if (strcmp(e->key, "header") == 0)
			nh++;
	ch->headers = calloc((size_t)nh + 1, sizeof(*ch->headers));
	if (ch->headers == NULL)
		return FG_ERR_CONFIG;
	nh = 0;
	for (const struct fg_conf_entry *e = sec->entries; e; e = e->next) {
		if (strcmp(e->key, "header") != 0)
			continue;
		const char *colon = strchr(e->value, ':');
		if (has_crlf(e->value) || colon == NULL || colon == e->value) {
			fg_conf_error(cfg, sec, "header", "header of channel '%s' must be 'Name: value' on one line",
				      sec->name);
			return FG_ERR_CONFIG;
		}
		ch->headers[nh++] = e->value;
	}
	if (ch->type == FG_CHAN_EMAIL) {
		if ((rc = fg_conf_list(cfg, sec, "to", &ch->to, &ch->nto)) < 0)
			return rc;
		if (ch->nto == 0) {
			fg_conf_error(cfg, sec, NULL, "email channel '%s' needs 'to' recipients", sec->name);
			return FG_ERR_CONFIG;
		}
		for (int i = 0; i < ch->nto; i++)
			if (!fg_email_addr_valid(ch->to[i])) {
				fg_conf_error(cfg, sec, "to", "invalid recipient address '%s'", ch->to[i]);
				return FG_ERR_CONFIG;
			}
		if (!nc->email.configured) {
			fg_conf_error(cfg, sec, NULL, "email channel '%s' needs an [email] section with 'from'",
				      sec->name);
			return FG_ERR_CONFIG;
		}
	}
	v = fg_conf_get(sec, "min_severity");
	enum fg_severity minsev = FG_SEV_INFO;
	if (v && fg_severity_parse(v, &minsev) < 0) {
		fg_conf_error(cfg, sec, "min_severity", "unknown severity '%s' (info, low, medium, high, critical)", v);
		return FG_ERR_CONFIG;
	}
	ch->min_severity = minsev;
	if ((rc = fg_conf_bool(cfg, sec, "tls_verify", true, &ch->tls_verify)) < 0)
		return rc;
	if (!ch->tls_verify)
		fg_warn("TLS certificate verification is OFF for channel '%s' (tls_verify = false): "
			"anyone on the path can read and forge its messages", sec->name);
	ch->ca_file = fg_conf_get(sec, "ca_file");
	if ((rc = check_ca_file(cfg, sec, ch->ca_file)) < 0)
		return rc;
	if ((rc = conf_ms(cfg, sec, "timeout", nc->timeout_ms, &ch->timeout_ms)) < 0 ||
	    (rc = conf_ms(cfg, sec, "connect_timeout", nc->connect_timeout_ms, &ch->connect_timeout_ms)) < 0)
		return rc;
	if (ch->type == FG_CHAN_EMAIL) {
		ch->tls_verify = nc->email.tls_verify;
		if (ch->ca_file == NULL)
			ch->ca_file = nc->email.ca_file;
	}
	if ((rc = fg_conf_int(cfg, sec, "rate_per_minute", ch->type == FG_CHAN_SLACK ? 60 : 0, 0, 1000000,
			      &rate)) < 0)
		return rc;
	ch->rate_per_sec = (double)rate / 60.0;
	return 0;
}

static int load_email(const struct fg_config *cfg, struct fg_email_conf *em)
{
	const struct fg_conf_section *sec = fg_config_section(cfg, "email", NULL);
	const char *v;
	int rc;

	memset(em, 0, sizeof(*em));
	em->digest_minute = -1;
	em->tls_verify = true;
	em->timeout_ms = 30000;
	if (sec == NULL)
		return 0;
	em->configured = true;
	em->from = fg_conf_get(sec, "from");
	if (em->from == NULL) {
		fg_conf_error(cfg, sec, NULL, "[email] needs 'from'");
		return FG_ERR_CONFIG;
	}
	if (has_crlf(em->from) || (em->from_addr = fg_email_addr_extract(em->from)) == NULL) {
		fg_conf_error(cfg, sec, "from", "invalid sender '%s'", em->from);
		return FG_ERR_CONFIG;
	}
	em->reply_to = fg_conf_get(sec, "reply_to");
	if (em->reply_to && !fg_email_addr_valid(em->reply_to)) {
		fg_conf_error(cfg, sec, "reply_to", "invalid address '%s'", em->reply_to);
		return FG_ERR_CONFIG;
	}
	v = fg_conf_get(sec, "provider");
	if (v == NULL || strcmp(v, "smtp") == 0)
		em->provider = FG_EMAIL_SMTP;
	else if (strcmp(v, "sendgrid") == 0)
		em->provider = FG_EMAIL_SENDGRID;
	else if (strcmp(v, "ses") == 0)
		em->provider = FG_EMAIL_SES;
	else {
		fg_conf_error(cfg, sec, "provider", "unknown email provider '%s' (smtp, sendgrid, ses)", v);
		return FG_ERR_CONFIG;
	}
	em->smtp_url = fg_conf_get(sec, "smtp_url");
	em->smtp_user = fg_conf_get(sec, "smtp_user");
	em->smtp_password = fg_conf_get(sec, "smtp_password");
	v = fg_conf_get(sec, "smtp_tls");
	if (v == NULL)
		em->smtp_tls_required = !(em->smtp_url && fg_email_url_is_loopback(em->smtp_url));
	else if (strcmp(v, "required") == 0 || strcmp(v, "none") == 0)
		em->smtp_tls_required = strcmp(v, "required") == 0;
	else {
		fg_conf_error(cfg, sec, "smtp_tls", "'%s' is not 'required' or 'none'", v);
		return FG_ERR_CONFIG;
	}
	if (em->provider == FG_EMAIL_SMTP && em->smtp_url == NULL) {
		fg_conf_error(cfg, sec, NULL, "provider smtp needs 'smtp_url' (smtp://host:587 or smtps://host:465)");
		return FG_ERR_CONFIG;
	}
	em->sendgrid_api_key = fg_conf_get(sec, "sendgrid_api_key");
	em->sendgrid_url = fg_conf_get(sec, "sendgrid_url");
	if (em->sendgrid_url == NULL)
		em->sendgrid_url = "https://api.sendgrid.com/v3/mail/send";
	if (em->provider == FG_EMAIL_SENDGRID && em->sendgrid_api_key == NULL) {
		fg_conf_error(cfg, sec, NULL, "provider sendgrid needs 'sendgrid_api_key' (or its _file twin)");
		return FG_ERR_CONFIG;
	}
	em->ses_region = fg_conf_get(sec, "ses_region");
	if (em->ses_region == NULL)
		em->ses_region = getenv("AWS_REGION") ? getenv("AWS_REGION") : getenv("AWS_DEFAULT_REGION");
	em->ses_access_key_id = fg_conf_get(sec, "ses_access_key_id");
	em->ses_secret_access_key = fg_conf_get(sec, "ses_secret_access_key");
	em->ses_session_token = fg_conf_get(sec, "ses_session_token");
	if (em->ses_access_key_id == NULL && em->ses_secret_access_key == NULL) {
		em->ses_access_key_id = getenv("AWS_ACCESS_KEY_ID");
		em->ses_secret_access_key = getenv("AWS_SECRET_ACCESS_KEY");
		if (em->ses_session_token == NULL)
			em->ses_session_token = getenv("AWS_SESSION_TOKEN");
		if (em->ses_secret_access_key)
			fg_secret_add(em->ses_secret_access_key);
		if (em->ses_session_token)
			fg_secret_add(em->ses_session_token);
	}
	em->ses_endpoint = fg_conf_get(sec, "ses_endpoint");
	if (em->provider == FG_EMAIL_SES &&
	    (em->ses_region == NULL || em->ses_access_key_id == NULL || em->ses_secret_access_key == NULL)) {
		fg_conf_error(cfg, sec, NULL, "provider ses needs ses_region and credentials "
			      "(ses_access_key_id/ses_secret_access_key or AWS_* environment)");
		return FG_ERR_CONFIG;
	}
	if (em->ses_region && strspn(em->ses_region, "abcdefghijklmnopqrstuvwxyz0123456789-") !=
				      strlen(em->ses_region)) {
		fg_conf_error(cfg, sec, "ses_region", "invalid region '%s'", em->ses_region);
		return FG_ERR_CONFIG;
	}
	if ((rc = fg_conf_int(cfg, sec, "daily_quota", 0, 0, 100000000, &em->daily_quota)) < 0)
		return rc;
	em->quota_alert_channel = fg_conf_get(sec, "quota_alert_channel");
	v = fg_conf_get(sec, "digest");
	if (v) {
		unsigned hh, mm;
		int used = 0;
		if (sscanf(v, "%2u:%2u%n", &hh, &mm, &used) != 2 || v[used] != '\0' || hh > 23 || mm > 59) {
			fg_conf_error(cfg, sec, "digest", "'%s' is not a time of day HH:MM (UTC)", v);
			return FG_ERR_CONFIG;
		}
		em->digest_minute = (int)(hh * 60 + mm);
	}
	if ((rc = fg_conf_bool(cfg, sec, "tls_verify", true, &em->tls_verify)) < 0)
		return rc;
	if (!em->tls_verify)
		fg_warn("TLS certificate verification is OFF for email (tls_verify = false): "
			"anyone on the path can read and forge mail and steal credentials");
	em->ca_file = fg_conf_get(sec, "ca_file");
	if ((rc = check_ca_file(cfg, sec, em->ca_file)) < 0)
		return rc;
	return conf_ms(cfg, sec, "timeout", 30000, &em->timeout_ms);
}

int fg_notify_conf_load(const struct fg_config *cfg, struct fg_notify_conf *nc)
{
	const struct fg_conf_section *sec = fg_config_section(cfg, "notify", NULL), *s;
	int rc, n = 0;

	memset(nc, 0, sizeof(*nc));
	if ((rc = fg_conf_int(cfg, sec, "concurrency", 16, 1, 1024, &nc->concurrency)) < 0 ||
	    (rc = fg_conf_int(cfg, sec, "max_attempts", 8, 1, 1000, &nc->max_attempts)) < 0 ||
	    (rc = conf_interval(cfg, sec, "lease", 300, &nc->lease_s)) < 0 ||
	    (rc = conf_interval(cfg, sec, "backoff_base", 30, &nc->backoff_base_s)) < 0 ||
	    (rc = conf_interval(cfg, sec, "backoff_max", 3600, &nc->backoff_max_s)) < 0 ||
	    (rc = conf_ms(cfg, sec, "timeout", 30000, &nc->timeout_ms)) < 0 ||
	    (rc = conf_ms(cfg, sec, "connect_timeout", 10000, &nc->connect_timeout_ms)) < 0)
		return rc;
	if (nc->lease_s < 1) {
		fg_conf_error(cfg, sec, "lease", "the lease must be at least 1s");
		return FG_ERR_CONFIG;
	}
	if ((rc = load_email(cfg, &nc->email)) < 0)
		return rc;
	for (s = fg_config_next(cfg, NULL, "channel"); s; s = fg_config_next(cfg, s, "channel"))
		n++;
	nc->channels = calloc((size_t)n + 1, sizeof(*nc->channels));
	if (nc->channels == NULL)
		return FG_ERR_CONFIG;
	for (s = fg_config_next(cfg, NULL, "channel"); s; s = fg_config_next(cfg, s, "channel")) {
		if ((rc = load_channel(cfg, s, nc, &nc->channels[nc->nchannels])) < 0) {
			nc->nchannels++;
			return rc;
		}
		nc->nchannels++;
	}
	if (nc->email.quota_alert_channel && !fg_notify_channel(nc, nc->email.quota_alert_channel)) {
		fg_conf_error(cfg, fg_config_section(cfg, "email", NULL), "quota_alert_channel",
			      "no channel named '%s'", nc->email.quota_alert_channel);
		return FG_ERR_CONFIG;
	}
	return 0;
}

void fg_notify_conf_release(struct fg_notify_conf *nc)
{
	for (int i = 0; i < nc->nchannels; i++) {
		free(nc->channels[i].headers);
		fg_conf_list_free(nc->channels[i].to);
	}
	free(nc->channels);
	free(nc->email.from_addr);
	memset(nc, 0, sizeof(*nc));
}

const struct fg_channel *fg_notify_channel(const struct fg_notify_conf *nc, const char *name)
{
	for (int i = 0; i < nc->nchannels; i++)
		if (strcmp(nc->channels[i].name, name) == 0)
			return &nc->channels[i];
	return NULL;
}

void fg_notification_release(struct fg_notification *n)
{
	if (n == NULL)
		return;
	free(n->channel);
	free(n->kind);
	free(n->title);
	free(n->body);
	json_decref(n->fields);
	free(n->dedup_key);
	memset(n, 0, sizeof(*n));
}

/*
 * email_conf.c - the [email] section: sender, provider and its
 * credentials, daily quota, digest time, TLS.
 *
 * Checked here, so a bad section is a configuration error (exit 78,
 * FILE:LINE): an invalid sender or reply-to, an unknown provider, a
 * provider without what it needs.  SMTP requires TLS unless smtp_tls =
 * none or the server is on loopback (its host resolves to loopback
 * addresses only, see url.h).  SES credentials default to the standard
 * AWS_* environment variables; values read from there are registered as
 * secrets.  What is allowed but unsafe is logged as a warning on every
 * run: TLS verification off, credentials sent over SMTP without TLS, an
 * http:// API endpoint off loopback.
 */
#include "email.h"
#include "exitcode.h"
#include "log.h"
#include "redact.h"
#include "url.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static bool has_crlf(const char *s)
{
	return s != NULL && strpbrk(s, "\r\n") != NULL;
}

/* Warn when an API endpoint is plain http:// to a host off loopback. */
static void warn_plain_http(const char *key, const char *url)
{
	char host[256];

	if (url == NULL || !fg_url_has_scheme(url, "http") || fg_url_is_loopback(url))
		return;
	fg_warn("email %s '%s' is plain http: API keys and mail cross the network in clear; "
		"use https://",
		key, fg_url_host(url, host, sizeof(host)));
}

/* Warn when SMTP credentials would cross the network without TLS. */
static void warn_clear_smtp(const struct fg_email_conf *em)
{
	char *user = NULL, *pw = NULL, host[256];
	bool creds = em->smtp_user != NULL || em->smtp_password != NULL;

	if (em->provider != FG_EMAIL_SMTP || em->smtp_tls_required || em->smtp_url == NULL ||
	    fg_url_has_scheme(em->smtp_url, "smtps"))
		return;
	if (fg_url_credentials(em->smtp_url, false, &user, &pw))
		creds = creds || user != NULL || pw != NULL;
	fg_secret_free(user);
	fg_secret_free(pw);
	if (creds && !fg_url_is_loopback(em->smtp_url))
		fg_warn("email smtp_tls = none sends the SMTP credentials in clear to '%s': anyone on "
			"the path can read them; set smtp_tls = required or use smtps://",
			fg_url_host(em->smtp_url, host, sizeof(host)));
}

static int load(const struct fg_config *cfg, const struct fg_conf_section *sec, struct fg_email_conf *em);

int fg_email_conf_load(const struct fg_config *cfg, struct fg_email_conf *em)
{
	const struct fg_conf_section *sec = fg_config_section(cfg, "email", NULL);
	int rc;

	memset(em, 0, sizeof(*em));
	em->digest_minute = -1;
	em->tls_verify = true;
	em->timeout_ms = 30000;
	if (sec == NULL)
		return 0;
	em->configured = true;
	if ((rc = fg_conf_section_check(cfg, sec)) == 0)
		rc = load(cfg, sec, em);
	em->broken = rc < 0;
	return rc;
}

static int load(const struct fg_config *cfg, const struct fg_conf_section *sec, struct fg_email_conf *em)
{
	const char *v;
	int rc;

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
		em->smtp_tls_required = !(em->smtp_url && fg_url_is_loopback(em->smtp_url));
	else if (strcmp(v, "required") == 0 || strcmp(v, "none") == 0)
		em->smtp_tls_required = strcmp(v, "required") == 0;
	else {
		fg_conf_error(cfg, sec, "smtp_tls", "'%s' is not 'required' or 'none'", v);
		return FG_ERR_CONFIG;
	}
	if (em->smtp_url && strncasecmp(em->smtp_url, "smtp://", 7) != 0 &&
	    strncasecmp(em->smtp_url, "smtps://", 8) != 0) {
		fg_conf_error(cfg, sec, "smtp_url", "'%s' is not an smtp:// or smtps:// URL", em->smtp_url);
		return FG_ERR_CONFIG;
	}
	if (em->provider == FG_EMAIL_SMTP && em->smtp_url == NULL) {
		fg_conf_error(cfg, sec, NULL,
			      "provider smtp needs 'smtp_url' (smtp://host:587 or smtps://host:465)");
		return FG_ERR_CONFIG;
	}
	em->sendgrid_api_key = fg_conf_get(sec, "sendgrid_api_key");
	em->sendgrid_url = fg_conf_get(sec, "sendgrid_url");
	if (em->sendgrid_url == NULL)
		em->sendgrid_url = "https://api.sendgrid.com/v3/mail/send";
	if (em->provider == FG_EMAIL_SENDGRID && em->sendgrid_api_key == NULL) {
		fg_conf_error(cfg, sec, NULL,
			      "provider sendgrid needs 'sendgrid_api_key' (or its _file twin)");
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
		fg_conf_error(cfg, sec, NULL,
			      "provider ses needs ses_region and credentials "
			      "(ses_access_key_id/ses_secret_access_key or AWS_* environment)");
		return FG_ERR_CONFIG;
	}
	if (em->ses_region &&
	    strspn(em->ses_region, "abcdefghijklmnopqrstuvwxyz0123456789-") != strlen(em->ses_region)) {
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
	warn_clear_smtp(em);
	if (em->provider == FG_EMAIL_SENDGRID)
		warn_plain_http("sendgrid_url", em->sendgrid_url);
	if (em->provider == FG_EMAIL_SES)
		warn_plain_http("ses_endpoint", em->ses_endpoint);
	if ((rc = fg_conf_bool(cfg, sec, "tls_verify", true, &em->tls_verify)) < 0)
		return rc;
	if (!em->tls_verify)
		fg_warn("TLS certificate verification is OFF for email (tls_verify = false): "
			"anyone on the path can read and forge mail and steal credentials");
	em->ca_file = fg_conf_get(sec, "ca_file");
	if ((rc = fg_channel_conf_ca_file(cfg, sec, em->ca_file)) < 0)
		return rc;
	return fg_channel_conf_ms(cfg, sec, "timeout", 30000, &em->timeout_ms);
}

void fg_email_conf_release(struct fg_email_conf *em)
{
	free(em->from_addr);
	em->from_addr = NULL;
}

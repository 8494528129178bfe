/*
 * channel_pagerduty.c - the PagerDuty channel type: Events API v2
 * "trigger" and "resolve" events.
 *
 * dedup_key is the notification's incident (fields "incident": the
 * opening, its reminders and its resolution share it, so PagerDuty opens
 * one incident and closes it), else the outbox dedup key (stable per
 * alert, so PagerDuty folds repeats into one incident).  A resolution
 * (fields "event": "resolve") is {routing_key, event_action "resolve",
 * dedup_key}: the Events API takes no payload with it.  Keys over PagerDuty's 255 characters are
 * replaced by their SHA-256.  summary is "[severity] title", cut at 1024
 * bytes on a UTF-8 boundary, on one line: PagerDuty shows it as plain
 * text (no markup to escape) but line breaks and other control
 * characters in it become spaces, so a title cannot forge a second line.  Severity: critical -> critical, high ->
 * error, medium -> warning, low and info -> info.  Answers: 202 accepted,
 * 400 invalid event (dead), 429 throttled (retry).  A channel needs a
 * routing_key (the integration key, a secret); url defaults to the Events
 * API v2 endpoint.
 */
#include "channel_render.h"
#include "clock.h"
#include "exitcode.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct pagerduty {
	const char *routing_key; /* secret, borrowed from the config */
};

static const char *pd_severity(enum fg_severity s)
{
	switch (s) {
	case FG_SEV_CRITICAL:
		return "critical";
	case FG_SEV_HIGH:
		return "error";
	case FG_SEV_MEDIUM:
		return "warning";
	default:
		return "info";
	}
}

json_t *fg_pagerduty_payload(const struct fg_notification *n, const char *routing_key)
{
	char summary[1025], ts[32], dk[256];
	size_t len;
	struct fg_facts f;
	json_t *details, *payload;
	const char *comp = json_string_value(json_object_get(n->fields, "connector"));
	const char *key = fg_notification_incident(n) ? fg_notification_incident(n) : n->dedup_key;

	snprintf(summary, sizeof(summary), "[%s] %s", fg_severity_name(n->severity), n->title);
	len = strlen(summary);
	if (len == sizeof(summary) - 1)
		fg_utf8_trim(summary); /* a cut may leave half a character */
	for (char *p = summary; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	if (key && *key && strlen(key) < sizeof(dk)) {
		snprintf(dk, sizeof(dk), "%s", key);
	} else if (key && *key) {
		unsigned char md[EVP_MAX_MD_SIZE];
		unsigned ml = 0;
		EVP_Digest(key, strlen(key), md, &ml, EVP_sha256(), NULL);
		for (unsigned i = 0; i < ml; i++)
			snprintf(dk + 2 * i, 3, "%02x", md[i]);
	} else {
		snprintf(dk, sizeof(dk), "flakeguard:%lld", (long long)n->id);
	}
	if (fg_notification_resolves(n))
		return json_pack("{s:s, s:s, s:s, s:s}", "routing_key", routing_key, "event_action",
				 "resolve", "dedup_key", dk, "client", "flakeguard");
	fg_timestamp_format(n->created_at ? n->created_at : fg_render_now(), ts, sizeof(ts));
	if (fg_facts_build(n, &f) < 0)
		return NULL;
	details = json_object();
	for (int i = 0; i < f.n; i++)
		json_object_set_new(details, f.v[i].label, json_string(f.v[i].value));
	if (n->body && *n->body)
		json_object_set_new(details, "text", json_string(n->body));
	fg_facts_release(&f);
	payload = json_pack("{s:s, s:s, s:s, s:s, s:s, s:o}", "summary", summary, "source", "flakeguard",
			    "severity", pd_severity(n->severity), "timestamp", ts, "group", n->kind,
			    "custom_details", details);
	if (payload && comp)
		json_object_set_new(payload, "component", json_string(comp));
	return json_pack("{s:s, s:s, s:s, s:o, s:s}", "routing_key", routing_key, "event_action", "trigger",
			 "dedup_key", dk, "payload", payload, "client", "flakeguard");
}

static int pagerduty_load(const struct fg_config *cfg, const struct fg_conf_section *sec,
			  const struct fg_channel_defaults *d, struct fg_channel *ch)
{
	struct pagerduty *pd = calloc(1, sizeof(*pd));

	(void)d;
	if ((ch->priv = pd) == NULL)
		return FG_ERR_CONFIG;
	pd->routing_key = fg_conf_get(sec, "routing_key");
	if (pd->routing_key == NULL) {
		fg_conf_error(cfg, sec, NULL, "channel '%s' needs a routing_key (or routing_key_file)",
			      sec->name);
		return FG_ERR_CONFIG;
	}
	return 0;
}

static int pagerduty_render(const struct fg_channel *ch, const struct fg_notification *n,
			    struct fg_request *req, char *err, size_t errlen)
{
	const struct pagerduty *pd = ch->priv;

	(void)err;
	(void)errlen;
	return fg_render_json_body(req, fg_pagerduty_payload(n, pd->routing_key));
}

const struct fg_channel_ops fg_pagerduty_ops = {
	.type = "pagerduty",
	.default_url = "https://events.pagerduty.com/v2/enqueue",
	.needs_url = true,
	.resolved_default = true,
	.no_group = "PagerDuty keeps one incident per alert (dedup_key)",
	.load = pagerduty_load,
	.render = pagerduty_render,
	.classify = fg_channel_classify_http,
	.rate_key = fg_channel_url_key,
};

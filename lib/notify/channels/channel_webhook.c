/*
 * channel_webhook.c - the generic JSON webhook channel type, schema
 * version 1.
 *
 *   {"version":1, "id":<outbox id or null>, "channel", "kind", "severity",
 *    "title", "text", "fields":{...}, "dedup_key", "created_at":"...Z",
 *    "event":"trigger"|"remind"|"resolve", "incident":<key or null>}
 *
 * An alert that opens an incident, its reminders and its resolution carry
 * the same "incident", so a receiver can close what it opened.
 * Fields are added, never renamed or removed, within a version.  With a
 * shared `secret` the request carries X-Flakeguard-Signature:
 * sha256=<hex HMAC-SHA256 of the exact body bytes> (OpenSSL's HMAC), so the
 * receiver can verify it before parsing.  `header = Name: value` lines
 * (repeatable, checked when loaded) are sent as they are; one carrying a
 * line break is refused again when rendering, so none can be injected.
 */
#include "channel_render.h"
#include "clock.h"
#include "exitcode.h"
#include "http.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct webhook {
	const char *secret;   /* HMAC key, borrowed from the config */
	const char **headers; /* "Name: value", NULL-terminated, owned array */
};

json_t *fg_webhook_payload(const struct fg_notification *n)
{
	char ts[32];

	const char *inc = fg_notification_incident(n);

	fg_timestamp_format(n->created_at ? n->created_at : fg_render_now(), ts, sizeof(ts));
	return json_pack("{s:i, s:o, s:s, s:s, s:s, s:s, s:s, s:O, s:s, s:s, s:s, s:o}", "version", 1, "id",
			 n->id ? json_integer(n->id) : json_null(), "channel", n->channel, "kind", n->kind,
			 "severity", fg_severity_name(n->severity), "title", n->title, "text",
			 n->body ? n->body : "", "fields", n->fields, "dedup_key",
			 n->dedup_key ? n->dedup_key : "", "created_at", ts, "event",
			 fg_notification_event(n), "incident", inc ? json_string(inc) : json_null());
}

int fg_webhook_sign(const char *key, const char *body, size_t len, char *out)
{
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int ml = 0;
	static const char hex[] = "0123456789abcdef";

	if (HMAC(EVP_sha256(), key, (int)strlen(key), (const unsigned char *)body, len, mac, &ml) == NULL)
		return FG_ERR;
	for (unsigned i = 0; i < ml; i++) {
		out[2 * i] = hex[mac[i] >> 4];
		out[2 * i + 1] = hex[mac[i] & 15];
	}
	out[2 * ml] = '\0';
	return 0;
}

static int webhook_load(const struct fg_config *cfg, const struct fg_conf_section *sec,
			const struct fg_channel_defaults *d, struct fg_channel *ch)
{
	struct webhook *w = calloc(1, sizeof(*w));
	int nh = 0;

	(void)cfg;
	(void)d;
	if ((ch->priv = w) == NULL)
		return FG_ERR_CONFIG;
	w->secret = fg_conf_get(sec, "secret");
	for (const struct fg_conf_entry *e = sec->entries; e; e = e->next)
		if (strcmp(e->key, "header") == 0)
			nh++;
	if ((w->headers = calloc((size_t)nh + 1, sizeof(*w->headers))) == NULL)
		return FG_ERR_CONFIG;
	nh = 0;
	for (const struct fg_conf_entry *e = sec->entries; e; e = e->next)
		if (strcmp(e->key, "header") == 0)
			w->headers[nh++] = e->value;
	return 0;
}

static void webhook_release(struct fg_channel *ch)
{
	struct webhook *w = ch->priv;

	if (w)
		free(w->headers);
	free(w);
}

static int webhook_render(const struct fg_channel *ch, const struct fg_notification *n,
			  struct fg_request *req, char *err, size_t errlen)
{
	const struct webhook *w = ch->priv;
	int rc;

	if ((rc = fg_render_json_body(req, fg_webhook_payload(n))) < 0)
		return rc;
	for (int i = 0; w->headers && w->headers[i]; i++) {
		if (strpbrk(w->headers[i], "\r\n")) {
			snprintf(err, errlen, "refusing a header that contains a line break");
			return FG_ERR_DATA;
		}
		if ((rc = fg_request_header(req, w->headers[i])) < 0)
			return rc;
	}
	if (w->secret) {
		char hex[65], line[100];
		if ((rc = fg_webhook_sign(w->secret, req->body, req->body_len, hex)) < 0)
			return rc;
		snprintf(line, sizeof(line), "X-Flakeguard-Signature: sha256=%s", hex);
		return fg_request_header(req, line);
	}
	return 0;
}

const struct fg_channel_ops fg_webhook_ops = {
	.type = "webhook",
	.needs_url = true,
	.resolved_default = true,
	.load = webhook_load,
	.release = webhook_release,
	.render = webhook_render,
	.classify = fg_channel_classify_http,
	.rate_key = fg_channel_url_key,
};

/*
 * channel_webhook.c - generic JSON webhook, schema version 1.
 *
 *   {"version":1, "id":<outbox id or null>, "channel", "kind", "severity",
 *    "title", "text", "fields":{...}, "dedup_key", "created_at":"...Z"}
 *
 * Fields are added, never renamed or removed, within a version.  With a
 * shared `secret` the request carries X-Flakeguard-Signature:
 * sha256=<hex HMAC-SHA256 of the exact body bytes> (OpenSSL's HMAC), so the
 * receiver can verify it before parsing.
 */
#include "notify_render.h"
#include "clock.h"
#include "exitcode.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <string.h>

json_t *fg_webhook_payload(const struct fg_notification *n)
{
	char ts[32];

	fg_timestamp_format(n->created_at ? n->created_at : fg_render_now(), ts, sizeof(ts));
	return json_pack("{s:i, s:o, s:s, s:s, s:s, s:s, s:s, s:O, s:s, s:s}", "version", 1, "id",
			 n->id ? json_integer(n->id) : json_null(), "channel", n->channel, "kind", n->kind,
			 "severity", fg_severity_name(n->severity), "title", n->title, "text",
			 n->body ? n->body : "", "fields", n->fields, "dedup_key",
			 n->dedup_key ? n->dedup_key : "", "created_at", ts);
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

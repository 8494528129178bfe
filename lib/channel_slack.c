/*
 * channel_slack.c - Slack incoming-webhook payload.
 *
 * One message: a plain `text` fallback (shown in notifications and by
 * clients without attachments) and one attachment coloured by severity
 * (good / warning / danger), with the title, the body and the facts as
 * short fields.  Slack answers 200 "ok"; its errors (invalid_payload,
 * no_service, channel_is_archived, ...) come as plain-text bodies that
 * notify_classify.c reads.
 */
#include "notify_render.h"

#include <stdio.h>
#include <string.h>

json_t *fg_slack_payload(const struct fg_notification *n)
{
	struct fg_facts f;
	char fallback[600];
	json_t *fields, *o;

	if (fg_facts_build(n, &f) < 0)
		return NULL;
	snprintf(fallback, sizeof(fallback), "[%s] %s", fg_severity_name(n->severity), n->title);
	fg_utf8_trim(fallback);
	fields = json_array();
	for (int i = 0; i < f.n; i++)
		json_array_append_new(fields, json_pack("{s:s, s:s, s:b}", "title", f.v[i].label, "value",
							f.v[i].value, "short", strlen(f.v[i].value) < 40));
	o = json_pack("{s:s, s:[{s:s, s:s, s:s, s:s, s:o, s:s, s:I}]}", "text", fallback,
		      "attachments", "fallback", fallback, "color", fg_severity_level(n->severity),
		      "title", n->title, "text", n->body ? n->body : "", "fields", fields, "footer",
		      "flakeguard", "ts", (json_int_t)(n->created_at ? n->created_at : fg_render_now()));
	fg_facts_release(&f);
	return o;
}

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
#include <stdlib.h>
#include <string.h>

/*
 * Slack parses <...> in message text as links and commands (<!channel>
 * notifies everyone); its documented escaping is &amp; &lt; &gt; for
 * those three characters only.  Every string from the outside goes
 * through this before it reaches the payload.
 */
static char *slack_escape(const char *s)
{
	size_t n = 0;
	for (const char *p = s; *p; p++)
		n += *p == '&' ? 5 : (*p == '<' || *p == '>') ? 4 : 1;
	char *out = malloc(n + 1), *w = out;
	if (out == NULL)
		return NULL;
	for (const char *p = s; *p; p++) {
		const char *rep = *p == '&' ? "&amp;" : *p == '<' ? "&lt;" : *p == '>' ? "&gt;" : NULL;
		if (rep) {
			memcpy(w, rep, strlen(rep));
			w += strlen(rep);
		} else {
			*w++ = *p;
		}
	}
	*w = '\0';
	return out;
}

json_t *fg_slack_payload(const struct fg_notification *n)
{
	struct fg_facts f;
	char fallback[600];
	json_t *fields, *o;

	if (fg_facts_build(n, &f) < 0)
		return NULL;
	char *title = slack_escape(n->title), *body = slack_escape(n->body ? n->body : "");
	snprintf(fallback, sizeof(fallback), "[%s] %s", fg_severity_name(n->severity), title ? title : "");
	fg_utf8_trim(fallback);
	fields = json_array();
	for (int i = 0; i < f.n; i++) {
		char *label = slack_escape(f.v[i].label), *value = slack_escape(f.v[i].value);
		if (label && value)
			json_array_append_new(fields, json_pack("{s:s, s:s, s:b}", "title", label, "value", value,
								"short", strlen(f.v[i].value) < 40));
		free(label);
		free(value);
	}
	if (title == NULL || body == NULL) {
		json_decref(fields);
		o = NULL;
	} else {
		/* json_pack steals fields, also when it fails */
		o = json_pack("{s:s, s:[{s:s, s:s, s:s, s:s, s:o, s:s, s:I}]}", "text", fallback, "attachments",
			      "fallback", fallback, "color", fg_severity_level(n->severity), "title", title, "text",
			      body, "fields", fields, "footer", "flakeguard", "ts",
			      (json_int_t)(n->created_at ? n->created_at : fg_render_now()));
	}
	free(title);
	free(body);
	fg_facts_release(&f);
	return o;
}

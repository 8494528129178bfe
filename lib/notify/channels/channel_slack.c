/*
 * channel_slack.c - the Slack channel type: incoming-webhook payloads and
 * what Slack's answers mean.
 *
 * One message: a plain `text` fallback (shown in notifications and by
 * clients without attachments) and one attachment coloured by severity
 * (good / warning / danger; a resolution is good), with the title, the body and the facts as
 * short fields.  Slack answers 200 "ok"; its errors come as plain-text
 * bodies: the permanent ones (invalid_payload, no_service,
 * channel_is_archived, ...) make the notification dead whatever the
 * status.  Slack takes about one message per second per webhook, so
 * channels default to 60 a minute, one token bucket per URL.
 */
#include "channel_render.h"
#include "http.h"

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
			json_array_append_new(fields, json_pack("{s:s, s:s, s:b}", "title", label, "value",
								value, "short", strlen(f.v[i].value) < 40));
		free(label);
		free(value);
	}
	if (title == NULL || body == NULL) {
		json_decref(fields);
		o = NULL;
	} else {
		/* json_pack steals fields, also when it fails */
		o = json_pack("{s:s, s:[{s:s, s:s, s:s, s:s, s:o, s:s, s:I}]}", "text", fallback,
			      "attachments", "fallback", fallback, "color",
			      fg_notification_resolves(n) ? "good" : fg_severity_level(n->severity), "title",
			      title, "text", body, "fields", fields, "footer", "flakeguard", "ts",
			      (json_int_t)(n->created_at ? n->created_at : fg_render_now()));
	}
	free(title);
	free(body);
	fg_facts_release(&f);
	return o;
}

static const char *slack_permanent[] = {
	"invalid_payload", "no_service", "channel_is_archived", "channel_not_found", "action_prohibited",
	"invalid_token",   "no_team",    "team_disabled",       "user_not_found",    NULL
};

static int slack_render(const struct fg_channel *ch, const struct fg_notification *n, struct fg_request *req,
			char *err, size_t errlen)
{
	(void)ch;
	(void)err;
	(void)errlen;
	return fg_render_json_body(req, fg_slack_payload(n));
}

static enum fg_outcome slack_classify(const struct fg_request *req, long *code, char *err, size_t errlen)
{
	enum fg_outcome o = fg_channel_classify_http(req, code, err, errlen);

	if (req->curl_code == 0 && req->resp)
		for (int i = 0; slack_permanent[i]; i++)
			if (strstr(req->resp, slack_permanent[i])) {
				snprintf(err, errlen, "HTTP %ld: slack says %s", req->status,
					 slack_permanent[i]);
				o = FG_OUT_DEAD;
			}
	return o;
}

const struct fg_channel_ops fg_slack_ops = {
	.type = "slack",
	.needs_url = true,
	.default_rate_per_minute = 60,
	.render = slack_render,
	.classify = slack_classify,
	.rate_key = fg_channel_url_key,
};

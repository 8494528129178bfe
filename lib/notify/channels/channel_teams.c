/*
 * channel_teams.c - the Teams channel type: Microsoft Teams through a
 * Power Automate workflow webhook.  A message carries one Adaptive Card
 * (schema 1.4) with the title coloured by severity, the body, and the
 * facts as a FactSet.  Teams reads TextBlock text and fact titles and values
 * as Markdown, so every string from the outside is escaped first: a user
 * named "[Reset your password](https://evil.example)" shows as written,
 * never as a link.
 * Workflows answer 202; legacy Office 365 connectors answer 200 even when
 * delivery failed and say so in the body: "HTTP error NNN" in a 2xx body
 * is classified as NNN, "delivery failed" as 502.
 */
#include "channel_render.h"
#include "http.h"

#include <stdlib.h>
#include <string.h>

static const char *card_color(enum fg_severity s)
{
	return s == FG_SEV_CRITICAL ? "Attention" : s >= FG_SEV_MEDIUM ? "Warning" : "Good";
}

/* A Markdown-escaped copy of s as a JSON string (stolen by json_pack's o). */
static json_t *md(const char *s)
{
	char *e = fg_markdown_escape(s);
	json_t *j = e ? json_string(e) : NULL;
	free(e);
	return j;
}

json_t *fg_teams_payload(const struct fg_notification *n)
{
	struct fg_facts f;
	json_t *facts, *body, *o;

	if (fg_facts_build(n, &f) < 0)
		return NULL;
	facts = json_array();
	for (int i = 0; i < f.n; i++)
		json_array_append_new(
			facts, json_pack("{s:o, s:o}", "title", md(f.v[i].label), "value", md(f.v[i].value)));
	json_array_append_new(
		facts, json_pack("{s:s, s:s}", "title", "severity", "value", fg_severity_name(n->severity)));
	body = json_array();
	json_array_append_new(body, json_pack("{s:s, s:o, s:s, s:s, s:s, s:b}", "type", "TextBlock", "text",
					      md(n->title), "weight", "Bolder", "size", "Medium", "color",
					      card_color(n->severity), "wrap", 1));
	if (n->body && *n->body)
		json_array_append_new(body, json_pack("{s:s, s:o, s:b}", "type", "TextBlock", "text",
						      md(n->body), "wrap", 1));
	json_array_append_new(body, json_pack("{s:s, s:o}", "type", "FactSet", "facts", facts));
	o = json_pack("{s:s, s:[{s:s, s:n, s:{s:s, s:s, s:s, s:o, s:{s:s}}}]}", "type", "message",
		      "attachments", "contentType", "application/vnd.microsoft.card.adaptive", "contentUrl",
		      "content", "$schema", "http://adaptivecards.io/schemas/adaptive-card.json", "type",
		      "AdaptiveCard", "version", "1.4", "body", body, "msteams", "width", "Full");
	fg_facts_release(&f);
	return o;
}

static int teams_render(const struct fg_channel *ch, const struct fg_notification *n, struct fg_request *req,
			char *err, size_t errlen)
{
	(void)ch;
	(void)err;
	(void)errlen;
	return fg_render_json_body(req, fg_teams_payload(n));
}

static enum fg_outcome teams_classify(const struct fg_request *req, long *code, char *err, size_t errlen)
{
	if (req->curl_code == 0 && *code >= 200 && *code < 300 && req->resp) {
		const char *p = strstr(req->resp, "HTTP error ");
		if (p)
			*code = strtol(p + 11, NULL, 10);
		else if (strstr(req->resp, "delivery failed"))
			*code = 502;
	}
	return fg_channel_classify_http(req, code, err, errlen);
}

const struct fg_channel_ops fg_teams_ops = {
	.type = "teams",
	.needs_url = true,
	.render = teams_render,
	.classify = teams_classify,
	.rate_key = fg_channel_url_key,
};

/*
 * channel_teams.c - Microsoft Teams through a Power Automate workflow
 * webhook: a message carrying one Adaptive Card (schema 1.4) with the
 * title coloured by severity, the body, and the facts as a FactSet.
 * Workflows answer 202; legacy Office 365 connectors answer 200 even when
 * delivery failed and say so in the body, which notify_classify.c scans.
 */
#include "notify_render.h"

static const char *card_color(enum fg_severity s)
{
	return s == FG_SEV_CRITICAL ? "Attention" : s >= FG_SEV_MEDIUM ? "Warning" : "Good";
}

json_t *fg_teams_payload(const struct fg_notification *n)
{
	struct fg_facts f;
	json_t *facts, *body, *o;

	if (fg_facts_build(n, &f) < 0)
		return NULL;
	facts = json_array();
	for (int i = 0; i < f.n; i++)
		json_array_append_new(facts, json_pack("{s:s, s:s}", "title", f.v[i].label, "value", f.v[i].value));
	json_array_append_new(facts, json_pack("{s:s, s:s}", "title", "severity", "value",
					       fg_severity_name(n->severity)));
	body = json_array();
	json_array_append_new(body, json_pack("{s:s, s:s, s:s, s:s, s:s, s:b}", "type", "TextBlock", "text",
					      n->title, "weight", "Bolder", "size", "Medium", "color",
					      card_color(n->severity), "wrap", 1));
	if (n->body && *n->body)
		json_array_append_new(body, json_pack("{s:s, s:s, s:b}", "type", "TextBlock", "text", n->body,
						      "wrap", 1));
	json_array_append_new(body, json_pack("{s:s, s:o}", "type", "FactSet", "facts", facts));
	o = json_pack("{s:s, s:[{s:s, s:n, s:{s:s, s:s, s:s, s:o, s:{s:s}}}]}", "type", "message",
		      "attachments", "contentType", "application/vnd.microsoft.card.adaptive",
		      "contentUrl", "content", "$schema",
		      "http://adaptivecards.io/schemas/adaptive-card.json", "type", "AdaptiveCard",
		      "version", "1.4", "body", body, "msteams", "width", "Full");
	fg_facts_release(&f);
	return o;
}

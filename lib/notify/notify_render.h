/*
 * notify_render.h - what every channel renderer shares: the facts of a
 * notification as (label, value) pairs, severity colours, HTML escaping,
 * and the per-service payload builders (each returns a new JSON object the
 * caller owns, or NULL on allocation failure).
 */
#ifndef FG_NOTIFY_RENDER_H
#define FG_NOTIFY_RENDER_H

#include <jansson.h>
#include <stddef.h>
#include <time.h>

#include "notify.h"

struct fg_fact {
	const char *label;	/* static or borrowed from the fields */
	char *value;		/* owned */
};

struct fg_facts {
	struct fg_fact *v;
	int n;
};

/*
 * The facts to show for n: budget fields in a fixed order (budget,
 * threshold, spend, amount, percent, remaining, period, forecast), finding
 * fields (rule, subject, connector, evidence, remediation), otherwise every
 * field.  Returns 0 or FG_ERR (no memory).
 */
int fg_facts_build(const struct fg_notification *n, struct fg_facts *f);
void fg_facts_release(struct fg_facts *f);

/* "#a30200" for critical, "#daa038" for medium/high, "#2eb886" otherwise. */
const char *fg_severity_color(enum fg_severity s);
/* Slack's attachment colour names: "danger", "warning", "good". */
const char *fg_severity_level(enum fg_severity s);
/* New string with & < > " ' escaped, or NULL. */
char *fg_html_escape(const char *s);
/* Drop an incomplete UTF-8 sequence left at the end of s by a cut. */
void fg_utf8_trim(char *s);
/* The instant messages are stamped with (honours FLAKEGUARD_NOW). */
time_t fg_render_now(void);

json_t *fg_slack_payload(const struct fg_notification *n);
json_t *fg_teams_payload(const struct fg_notification *n);
json_t *fg_webhook_payload(const struct fg_notification *n);
json_t *fg_pagerduty_payload(const struct fg_notification *n, const char *routing_key);

/* HMAC-SHA256 of body under key as lowercase hex (out >= 65 bytes); 0 or FG_ERR. */
int fg_webhook_sign(const char *key, const char *body, size_t len, char *out);

#endif

/*
 * channel_render.h - what every channel renderer shares: the facts of a
 * notification as (label, value) pairs, severity colours, HTML and
 * Markdown escaping,
 * UTF-8 trimming, the render clock and a JSON request body.
 *
 * A leaf: channel_render.c calls nothing of flakeguard's but base and
 * fg_request_header() (http.h), so every channel file may use it and it
 * uses none of them.
 */
#ifndef FG_CHANNEL_RENDER_H
#define FG_CHANNEL_RENDER_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "channel.h"

struct fg_request;

struct fg_fact {
	const char *label; /* static or borrowed from the fields */
	char *value;       /* owned */
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

/*
 * The incident n belongs to (its fields' "incident"), or NULL; and what n
 * is to it (fields' "event"): "trigger" (also without one), "remind" or
 * "resolve".  Both borrowed from n->fields.
 */
const char *fg_notification_incident(const struct fg_notification *n);
const char *fg_notification_event(const struct fg_notification *n);
/* True when n ends its incident. */
bool fg_notification_resolves(const struct fg_notification *n);

/* "#a30200" for critical, "#daa038" for medium/high, "#2eb886" otherwise. */
const char *fg_severity_color(enum fg_severity s);
/* Slack's attachment colour names: "danger", "warning", "good". */
const char *fg_severity_level(enum fg_severity s);
/* New string with & < > " ' escaped, or NULL. */
char *fg_html_escape(const char *s);
/*
 * New string with every character that Markdown would read as markup
 * (links, emphasis, code, HTML, list markers at a line start) escaped with
 * a backslash, so text from the outside shows as written; or NULL.
 */
char *fg_markdown_escape(const char *s);
/* Drop an incomplete UTF-8 sequence left at the end of s by a cut. */
void fg_utf8_trim(char *s);
/* The instant messages are stamped with (honours FLAKEGUARD_NOW). */
time_t fg_render_now(void);

/*
 * Make o (stolen, may be NULL) the compact JSON body of req, with its
 * Content-Type header.  Returns 0 or FG_ERR (no memory, or o NULL).
 */
int fg_render_json_body(struct fg_request *req, json_t *o);

/*
 * The common reading of an answer over HTTP: curl errors retry (a bad URL
 * or scheme is dead), then 2xx sent; 429, 408, 5xx retry; the rest dead.
 * Usable as ops->classify.
 */
enum fg_outcome fg_channel_classify_http(const struct fg_request *req, long *code, char *err, size_t errlen);
/* The first line of s (NULL: ""), at most 120 bytes, into out. */
void fg_channel_first_line(const char *s, char *out, size_t len);
/* ch->url, for ops->rate_key: one bucket per destination URL. */
const char *fg_channel_url_key(const struct fg_channel *ch);

#endif

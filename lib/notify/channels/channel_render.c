/*
 * channel_render.c - the pieces every channel renderer shares.
 *
 * The facts helper is what keeps Slack fields, Teams fact sets, e-mail
 * tables and PagerDuty custom details in the same order.  A leaf: nothing
 * here calls into a channel file, so renderers may use all of it.
 */
#include "channel_render.h"
#include "clock.h"
#include "exitcode.h"
#include "http.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *budget_keys[] = { "budget",    "threshold", "spend",    "amount", "percent",
				     "remaining", "period",    "forecast", NULL };
static const char *finding_keys[] = { "rule", "subject", "connector", "evidence", "remediation", NULL };

void fg_utf8_trim(char *s)
{
	size_t len = strlen(s);
	if (len == 0)
		return;
	size_t i = len - 1;
	while (i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80)
		i--;
	unsigned char lead = (unsigned char)s[i];
	size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
	if (i + need > len)
		s[i] = '\0';
}

time_t fg_render_now(void)
{
	return fg_now();
}

const char *fg_notification_incident(const struct fg_notification *n)
{
	const char *v = json_string_value(json_object_get(n->fields, "incident"));
	return v && *v ? v : NULL;
}

const char *fg_notification_event(const struct fg_notification *n)
{
	const char *v = json_string_value(json_object_get(n->fields, "event"));
	return v && (strcmp(v, "remind") == 0 || strcmp(v, "resolve") == 0) ? v : "trigger";
}

bool fg_notification_resolves(const struct fg_notification *n)
{
	return strcmp(fg_notification_event(n), "resolve") == 0;
}

const char *fg_severity_color(enum fg_severity s)
{
	return s == FG_SEV_CRITICAL ? "#a30200" : s >= FG_SEV_MEDIUM ? "#daa038" : "#2eb886";
}

const char *fg_severity_level(enum fg_severity s)
{
	return s == FG_SEV_CRITICAL ? "danger" : s >= FG_SEV_MEDIUM ? "warning" : "good";
}

char *fg_html_escape(const char *s)
{
	size_t len;
	char *out = NULL;
	FILE *fp = open_memstream(&out, &len);
	if (fp == NULL)
		return NULL;
	for (; s && *s; s++) {
		switch (*s) {
		case '&':
			fputs("&amp;", fp);
			break;
		case '<':
			fputs("&lt;", fp);
			break;
		case '>':
			fputs("&gt;", fp);
			break;
		case '"':
			fputs("&quot;", fp);
			break;
		case '\'':
			fputs("&#39;", fp);
			break;
		default:
			fputc(*s, fp);
		}
	}
	fclose(fp);
	return out;
}

/*
 * The characters that make Markdown: emphasis, code, links and images,
 * autolinks and HTML, strikethrough, tables, headings, quotes.  Each is
 * escaped wherever it is; list markers ("- ", "+ ", "1. ") only at the
 * start of a line, where they mean something, so "12.50" stays readable.
 */
static bool md_special(char c)
{
	return c != '\0' && strchr("\\`*_[](){}<>~|#!", c) != NULL;
}

char *fg_markdown_escape(const char *s)
{
	size_t len;
	char *out = NULL;
	FILE *fp = open_memstream(&out, &len);
	bool line_start = true, digits = false;

	if (fp == NULL)
		return NULL;
	for (; s && *s; s++) {
		char c = *s;
		if (md_special(c) || (line_start && (c == '-' || c == '+')) || (digits && c == '.'))
			fputc('\\', fp);
		fputc(c, fp);
		if (c == '\n' || c == '\r') {
			line_start = true;
			digits = false;
		} else if (c >= '0' && c <= '9' && (line_start || digits)) {
			line_start = false;
			digits = true;
		} else if (!(line_start && (c == ' ' || c == '\t'))) {
			line_start = false;
			digits = false;
		}
	}
	if (fclose(fp) != 0) {
		free(out);
		return NULL;
	}
	return out;
}

static char *value_text(const char *key, json_t *v, json_t *fields)
{
	char *s = NULL;
	const char *cur = json_string_value(json_object_get(fields, "currency"));
	bool money = cur && (strcmp(key, "spend") == 0 || strcmp(key, "amount") == 0 ||
			     strcmp(key, "remaining") == 0 || strcmp(key, "forecast") == 0);
	bool pct = strcmp(key, "percent") == 0 || strcmp(key, "threshold") == 0;

	if (json_is_string(v))
		s = strdup(json_string_value(v));
	else if (json_is_null(v))
		s = strdup("-");
	else
		/* a number some producer wrote as a JSON number: 15 significant
		 * digits give back the decimal it was written as (147.36, not
		 * the double's 147.36000000000001) */
		s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(15));
	if (s && (money || pct)) {
		char *t;
		if (asprintf(&t, "%s%s%s", s, money ? " " : "%", money ? cur : "") < 0)
			t = NULL;
		free(s);
		s = t;
	}
	return s;
}

static int add_fact(struct fg_facts *f, const char *label, json_t *v, json_t *fields)
{
	struct fg_fact *nv = realloc(f->v, sizeof(*f->v) * ((size_t)f->n + 1));
	if (nv == NULL)
		return FG_ERR;
	f->v = nv;
	f->v[f->n].label = label;
	if ((f->v[f->n].value = value_text(label, v, fields)) == NULL)
		return FG_ERR;
	f->n++;
	return 0;
}

int fg_facts_build(const struct fg_notification *n, struct fg_facts *f)
{
	const char **keys = NULL;
	const char *k;
	json_t *v;

	f->v = NULL;
	f->n = 0;
	if (!json_is_object(n->fields))
		return 0;
	if (strcmp(n->kind, "budget") == 0)
		keys = budget_keys;
	else if (strcmp(n->kind, "finding") == 0)
		keys = finding_keys;
	if (keys) {
		for (int i = 0; keys[i]; i++)
			if ((v = json_object_get(n->fields, keys[i])) != NULL && !json_is_null(v) &&
			    add_fact(f, keys[i], v, n->fields) < 0)
				goto fail;
		return 0;
	}
	json_object_foreach(n->fields, k, v) if (add_fact(f, k, v, n->fields) < 0) goto fail;
	return 0;
fail:
	fg_facts_release(f);
	return FG_ERR;
}

void fg_facts_release(struct fg_facts *f)
{
	for (int i = 0; i < f->n; i++)
		free(f->v[i].value);
	free(f->v);
	f->v = NULL;
	f->n = 0;
}

int fg_render_json_body(struct fg_request *req, json_t *o)
{
	req->body = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	if (req->body == NULL)
		return FG_ERR;
	req->body_len = strlen(req->body);
	return fg_request_header(req, "Content-Type: application/json");
}

const char *fg_channel_url_key(const struct fg_channel *ch)
{
	return ch->url;
}

void fg_channel_first_line(const char *s, char *out, size_t len)
{
	size_t n = s ? strcspn(s, "\r\n") : 0;
	if (n > 120)
		n = 120;
	snprintf(out, len, "%.*s", (int)n, s ? s : "");
}

enum fg_outcome fg_channel_classify_http(const struct fg_request *req, long *code, char *err, size_t errlen)
{
	char line[128];

	if (req->curl_code != 0) {
		fg_channel_first_line(req->errbuf, line, sizeof(line));
		snprintf(err, errlen, "%s", line);
		return req->curl_code == CURLE_URL_MALFORMAT || req->curl_code == CURLE_UNSUPPORTED_PROTOCOL
			       ? FG_OUT_DEAD
			       : FG_OUT_RETRY;
	}
	fg_channel_first_line(req->resp, line, sizeof(line));
	snprintf(err, errlen, "HTTP %ld%s%s", *code, line[0] ? ": " : "", line);
	if (*code >= 200 && *code < 300)
		return FG_OUT_SENT;
	if (*code == 429 || *code == 408 || *code >= 500 || *code == 0)
		return FG_OUT_RETRY;
	return FG_OUT_DEAD;
}

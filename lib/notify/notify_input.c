/*
 * notify_input.c - alerts given as JSON on stdin (notifyd-once --stdin).
 *
 * Accepted, as one value, an array, or JSON lines (several values one after
 * the other):
 *   - a generic alert {"severity","title","text","fields":{...}}
 *     (severity defaults to info; title is required);
 *   - a budgetcheck --json document (an array of budget statuses): one
 *     message per budget with new_alerts, naming the highest threshold
 *     crossed (an actual alert wins over a forecast one);
 *   - a secscan --json document {"findings":[...]}: one message per finding
 *     whose status is "new".
 * Syntax errors name the line and column in the whole input; a value that
 * is JSON but not an alert names the line where it starts.  Both are
 * FG_ERR_DATA (exit 65).
 */
#include "notify_input.h"
#include "channel_render.h"
#include "decimal.h"
#include "exitcode.h"
#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct list {
	struct fg_notification *v;
	int n, cap;
	const char *const *channels;
	int nchannels;
};

static void where(const char *buf, size_t off, int *line, int *col)
{
	*line = 1;
	*col = 1;
	for (size_t i = 0; i < off && buf[i]; i++) {
		if (buf[i] == '\n') {
			(*line)++;
			*col = 1;
		} else {
			(*col)++;
		}
	}
}

static int push(struct list *l, const char *kind, const char *sev, const char *title, const char *body,
		json_t *fields, const char *dedup)
{
	enum fg_severity s = FG_SEV_INFO;
	if (sev != NULL)
		fg_severity_parse(sev, &s);
	for (int c = 0; c < l->nchannels; c++) {
		if (l->n == l->cap) {
			int cap = l->cap ? l->cap * 2 : 16;
			struct fg_notification *nv = realloc(l->v, sizeof(*nv) * (size_t)cap);
			if (nv == NULL)
				return FG_ERR;
			l->v = nv;
			l->cap = cap;
		}
		struct fg_notification *n = &l->v[l->n++];
		memset(n, 0, sizeof(*n));
		n->channel = strdup(l->channels[c]);
		n->kind = strdup(kind);
		n->severity = s;
		n->title = strdup(title);
		n->body = strdup(body ? body : "");
		n->fields = fields ? json_deep_copy(fields) : json_object();
		n->dedup_key = strdup(dedup ? dedup : "");
		if (!n->channel || !n->kind || !n->title || !n->body || !n->fields || !n->dedup_key)
			return FG_ERR;
	}
	return 0;
}

static const char *str(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* One budget status of budgetcheck --json. */
static int budget(struct list *l, json_t *b, int line)
{
	json_t *alerts = json_object_get(b, "new_alerts"), *a, *best = NULL;
	size_t i;
	const char *name = str(b, "name");

	if (!json_is_array(alerts) || name == NULL) {
		fg_error("stdin:%d: a budgetcheck status needs \"name\" and \"new_alerts\"", line);
		return FG_ERR_DATA;
	}
	json_array_foreach(alerts, i, a)
	{
		double th = json_number_value(json_object_get(a, "threshold"));
		bool actual = strcmp(str(a, "kind") ? str(a, "kind") : "actual", "actual") == 0;
		if (best == NULL) {
			best = a;
			continue;
		}
		double bt = json_number_value(json_object_get(best, "threshold"));
		bool bact = strcmp(str(best, "kind") ? str(best, "kind") : "actual", "actual") == 0;
		if ((actual && !bact) || (actual == bact && th > bt))
			best = a;
	}
	if (best == NULL)
		return 0;
	const char *kind = str(best, "kind") ? str(best, "kind") : "actual";
	json_t *th = json_object_get(best, "threshold");
	char thr[32], title[512], dedup[300], remaining[64] = "";
	snprintf(thr, sizeof(thr), "%g", json_number_value(th));
	const char *cur = str(b, "currency") ? str(b, "currency") : "";
	const char *spend = str(b, "spend") ? str(b, "spend") : "?";
	const char *amount = str(b, "amount") ? str(b, "amount") : "?";
	const char *pct = str(b, "percent") ? str(b, "percent") : "?";
	struct fg_dec da, ds, dr;
	if (str(b, "spend") && str(b, "amount") && fg_dec_parse(amount, &da, NULL) == 0 &&
	    fg_dec_parse(spend, &ds, NULL) == 0 && fg_dec_sub(da, ds, &dr) == 0)
		fg_dec_format(dr, 2, remaining, sizeof(remaining));
	if (strcmp(kind, "forecast") == 0)
		snprintf(title, sizeof(title), "budget '%s' is forecast to pass %s%% of %s %s (forecast %s)",
			 name, thr, amount, cur, str(b, "forecast") ? str(b, "forecast") : "?");
	else
		snprintf(title, sizeof(title), "budget '%s' passed %s%%: %s of %s %s spent (%s%%)", name, thr,
			 spend, amount, cur, pct);
	fg_utf8_trim(title);
	snprintf(dedup, sizeof(dedup), "budget:%s:%s:%s:%s", name,
		 str(b, "period_start") ? str(b, "period_start") : "", kind, thr);
	fg_utf8_trim(dedup);
	json_t *f =
		json_pack("{s:s, s:s, s:O, s:s, s:s, s:s, s:s}", "budget", name, "kind", kind, "threshold",
			  th, "spend", spend, "amount", amount, "currency", cur, "percent", pct);
	static const char *copy[] = { "connector", "period", "period_start", "period_end", "forecast", NULL };
	for (int k = 0; f && copy[k]; k++)
		if (json_object_get(b, copy[k]))
			json_object_set(f, copy[k], json_object_get(b, copy[k]));
	if (f && remaining[0])
		json_object_set_new(f, "remaining", json_string(remaining));
	int rc = f ? push(l, "budget", str(best, "severity") ? str(best, "severity") : "medium", title, "", f,
			  dedup)
		   : FG_ERR;
	json_decref(f);
	return rc;
}

/* secscan --json: the new findings. */
static int findings(struct list *l, json_t *doc, int line)
{
	json_t *arr = json_object_get(doc, "findings"), *f;
	size_t i;
	if (!json_is_array(arr)) {
		fg_error("stdin:%d: \"findings\" is not an array", line);
		return FG_ERR_DATA;
	}
	json_array_foreach(arr, i, f)
	{
		const char *status = str(f, "status"), *rule = str(f, "rule"), *subj = str(f, "subject");
		if (status && strcmp(status, "new") != 0)
			continue;
		if (rule == NULL || subj == NULL) {
			fg_error("stdin:%d: finding %zu needs \"rule\" and \"subject\"", line, i + 1);
			return FG_ERR_DATA;
		}
		char title[512], dedup[600];
		snprintf(title, sizeof(title), "%s: %s", rule, subj);
		fg_utf8_trim(title);
		snprintf(dedup, sizeof(dedup), "finding:%s:%s:%s", rule, subj,
			 str(f, "first_seen") ? str(f, "first_seen") : "");
		fg_utf8_trim(dedup);
		json_t *fields = json_pack("{s:s, s:s}", "rule", rule, "subject", subj);
		static const char *copy[] = { "title", "connector", "evidence", "remediation", NULL };
		for (int k = 0; fields && copy[k]; k++)
			if (json_object_get(f, copy[k]))
				json_object_set(fields, copy[k], json_object_get(f, copy[k]));
		int rc = fields ? push(l, "finding", str(f, "severity") ? str(f, "severity") : "medium",
				       title, str(f, "title") ? str(f, "title") : "", fields, dedup)
				: FG_ERR;
		json_decref(fields);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int generic(struct list *l, json_t *o, int line)
{
	const char *title = str(o, "title"), *sev = str(o, "severity");
	json_t *fields = json_object_get(o, "fields");
	if (title == NULL || *title == '\0') {
		fg_error("stdin:%d: an alert needs a \"title\" string", line);
		return FG_ERR_DATA;
	}
	enum fg_severity parsed;
	if (sev && fg_severity_parse(sev, &parsed) < 0) {
		fg_error("stdin:%d: unknown severity '%s' (info, low, medium, high, critical)", line, sev);
		return FG_ERR_DATA;
	}
	if (fields && !json_is_object(fields)) {
		fg_error("stdin:%d: \"fields\" must be an object", line);
		return FG_ERR_DATA;
	}
	const char *text = str(o, "text") ? str(o, "text") : str(o, "body");
	return push(l, "generic", sev, title, text, fields, str(o, "dedup_key"));
}

static int value(struct list *l, json_t *v, int line)
{
	if (json_is_array(v)) {
		size_t i;
		json_t *e;
		json_array_foreach(v, i, e)
		{
			int rc = value(l, e, line);
			if (rc < 0)
				return rc;
		}
		return 0;
	}
	if (!json_is_object(v)) {
		fg_error("stdin:%d: expected an alert object or an array of them", line);
		return FG_ERR_DATA;
	}
	if (json_object_get(v, "findings"))
		return findings(l, v, line);
	if (json_object_get(v, "new_alerts"))
		return budget(l, v, line);
	return generic(l, v, line);
}

int fg_notify_parse_input(const char *buf, size_t len, const char *const *channels, int nchannels,
			  struct fg_notification **out, int *count)
{
	struct list l = { .channels = channels, .nchannels = nchannels };
	size_t off = 0;
	int rc = 0, line, col;

	*out = NULL;
	*count = 0;
	while (rc == 0) {
		while (off < len && strchr(" \t\r\n", buf[off]))
			off++;
		if (off >= len)
			break;
		json_error_t e;
		json_t *v = json_loadb(buf + off, len - off, JSON_DISABLE_EOF_CHECK | JSON_DECODE_ANY, &e);
		if (v == NULL) {
			where(buf, off + (size_t)(e.position > 0 ? e.position - 1 : 0), &line, &col);
			fg_error("stdin:%d:%d: invalid JSON: %s", line, col, e.text);
			rc = FG_ERR_DATA;
			break;
		}
		where(buf, off, &line, &col);
		rc = value(&l, v, line);
		json_decref(v);
		off += (size_t)e.position;
	}
	if (rc < 0) {
		for (int i = 0; i < l.n; i++)
			fg_notification_release(&l.v[i]);
		free(l.v);
		return rc;
	}
	*out = l.v;
	*count = l.n;
	return 0;
}

static char *read_all(FILE *f, size_t *len)
{
	size_t cap = 65536, n = 0;
	char *b = malloc(cap);
	while (b) {
		size_t r = fread(b + n, 1, cap - n - 1, f);
		n += r;
		if (r == 0)
			break;
		if (cap - n < 4096) {
			char *nb = realloc(b, cap * 2);
			if (nb == NULL) {
				free(b);
				return NULL;
			}
			b = nb;
			cap *= 2;
		}
	}
	if (b == NULL || ferror(f)) {
		free(b);
		return NULL;
	}
	b[n] = '\0';
	*len = n;
	return b;
}

int fg_notify_read_input(FILE *f, const char *const *channels, int nchannels, struct fg_notification **out,
			 int *count)
{
	size_t len = 0;
	char *buf = read_all(f, &len);
	int rc;

	*out = NULL;
	*count = 0;
	if (buf == NULL) {
		fg_error("cannot read stdin: %s", errno ? strerror(errno) : "out of memory");
		return FG_ERR_DATA;
	}
	rc = fg_notify_parse_input(buf, len, channels, nchannels, out, count);
	free(buf);
	return rc;
}

/*
 * notify_input_docs.c - the documents --stdin accepts, as notifications.
 *
 *   - a generic alert {"severity","title","text","fields":{...}}
 *     (severity defaults to info; title is required);
 *   - a budgetcheck --json status: one message per budget with new alerts
 *     that no outbox row carries ("queued": true means budgetcheck put the
 *     alert in the outbox, and notifyd-once's next run sends it), naming
 *     the highest threshold crossed (an actual alert wins over a forecast
 *     one).  "percent" is a number (budgetcheck, snapshot --history);
 *     a string is accepted too, as older versions wrote it;
 *   - a secscan --json document {"findings":[...]}: one message per new
 *     finding that is not queued and is at or above the floor ([secscan]
 *     min_severity), titled and worded as the outbox rows of secscan
 *     (sql/secscan/findings/notify.sql);
 *   - a budgetcheck --json anomaly: skipped when queued (budgetcheck
 *     notified its incident), else a generic alert; a cost series too
 *     young to judge ("series_status": "not_evaluated"): skipped.
 * Every field is checked for its type before it is used: a wrong one is
 * named with its path ("new_alerts[0].threshold") and the record refused.
 */
#include "notify_input_docs.h"
#include "channel_render.h"
#include "decimal.h"
#include "exitcode.h"
#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The string at key k of o, or def when absent; *bad set when not a string. */
static const char *opt_str(struct fg_input_list *l, const struct fg_input_at *at, json_t *o, const char *path,
			   const char *k, const char *def, bool *bad)
{
	json_t *v = json_object_get(o, k);
	if (v == NULL || json_is_null(v))
		return def;
	if (!json_is_string(v)) {
		fg_input_bad(l, at, "\"%s%s\" must be a string, not %s", path, k, fg_input_type(v));
		*bad = true;
		return def;
	}
	return json_string_value(v);
}

/* A severity string at key k (default def), checked. */
static enum fg_severity opt_sev(struct fg_input_list *l, const struct fg_input_at *at, json_t *o,
				const char *path, enum fg_severity def, bool *bad)
{
	const char *s = opt_str(l, at, o, path, "severity", NULL, bad);
	enum fg_severity v = def;
	if (s != NULL && fg_severity_parse(s, &v) < 0) {
		fg_input_bad(l, at,
			     "unknown severity '%s' in \"%sseverity\" (info, low, medium, high, critical)", s,
			     path);
		*bad = true;
	}
	return v;
}

/* "percent" as text with two decimals: a number or a decimal string. */
static const char *percent(struct fg_input_list *l, const struct fg_input_at *at, json_t *b, char *buf,
			   size_t len, bool *bad)
{
	json_t *p = json_object_get(b, "percent");
	if (p == NULL || json_is_null(p))
		return "?";
	if (json_is_number(p)) {
		/* display only: the two-decimal figure PostgreSQL computed */
		snprintf(buf, len, "%.2f", json_number_value(p));
		return buf;
	}
	if (json_is_string(p) && fg_dec_parse(json_string_value(p), &(struct fg_dec){ 0 }, NULL) == 0)
		return json_string_value(p);
	fg_input_bad(l, at, "\"percent\" must be a number, not %s", fg_input_type(p));
	*bad = true;
	return "?";
}

struct alert {
	json_int_t threshold;
	bool actual;
	enum fg_severity sev;
};

/* One budget status of budgetcheck --json. */
static int budget(struct fg_input_list *l, json_t *b, const struct fg_input_at *at)
{
	json_t *alerts = json_object_get(b, "new_alerts"), *a;
	struct alert best = { 0 };
	bool bad = false, any = false;
	long queued = 0;
	size_t i;
	const char *name = opt_str(l, at, b, "", "name", NULL, &bad);

	if (name == NULL && !bad)
		return fg_input_bad(l, at, "a budgetcheck status needs \"name\"");
	if (!json_is_array(alerts))
		return fg_input_bad(l, at, "\"new_alerts\" must be an array, not %s", fg_input_type(alerts));
	json_array_foreach(alerts, i, a)
	{
		char path[48];
		struct alert c = { .actual = true };
		snprintf(path, sizeof(path), "new_alerts[%zu].", i);
		if (!json_is_object(a)) {
			fg_input_bad(l, at, "\"new_alerts[%zu]\" must be an object, not %s", i,
				     fg_input_type(a));
			bad = true;
			continue;
		}
		json_t *th = json_object_get(a, "threshold"), *q = json_object_get(a, "queued");
		if (!json_is_integer(th)) {
			fg_input_bad(l, at, "\"%sthreshold\" must be a whole number, not %s", path,
				     th ? fg_input_type(th) : "missing");
			bad = true;
		} else
			c.threshold = json_integer_value(th);
		const char *kind = opt_str(l, at, a, path, "kind", "actual", &bad);
		if (strcmp(kind, "actual") != 0 && strcmp(kind, "forecast") != 0) {
			fg_input_bad(l, at, "unknown \"%skind\" '%s' (actual, forecast)", path, kind);
			bad = true;
		}
		c.actual = strcmp(kind, "forecast") != 0;
		c.sev = opt_sev(l, at, a, path, FG_SEV_MEDIUM, &bad);
		if (q != NULL && !json_is_boolean(q)) {
			fg_input_bad(l, at, "\"%squeued\" must be true or false, not %s", path,
				     fg_input_type(q));
			bad = true;
		}
		if (json_is_true(q)) {
			queued++;
			continue;
		}
		if (!any || (c.actual && !best.actual) ||
		    (c.actual == best.actual && c.threshold > best.threshold))
			best = c;
		any = true;
	}
	char pctbuf[64], thr[32], title[512], dedup[300], remaining[64] = "";
	const char *cur = opt_str(l, at, b, "", "currency", "", &bad);
	const char *spend = opt_str(l, at, b, "", "spend", NULL, &bad);
	const char *amount = opt_str(l, at, b, "", "amount", NULL, &bad);
	const char *fc = opt_str(l, at, b, "", "forecast", "?", &bad);
	const char *start = opt_str(l, at, b, "", "period_start", "", &bad);
	const char *pct = percent(l, at, b, pctbuf, sizeof(pctbuf), &bad);
	if (bad)
		return FG_ERR_DATA;
	if (queued > 0) {
		l->queued += queued;
		fg_info("stdin: skipping %ld alert%s of budget '%s': in the outbox, notifyd-once sends %s",
			queued, queued == 1 ? "" : "s", name, queued == 1 ? "it" : "them");
	}
	if (!any) {
		l->quiet += queued == 0;
		return 0;
	}
	struct fg_dec da, ds, dr;
	if (spend && amount && fg_dec_parse(amount, &da, NULL) == 0 && fg_dec_parse(spend, &ds, NULL) == 0 &&
	    fg_dec_sub(da, ds, &dr) == 0)
		fg_dec_format(dr, 2, remaining, sizeof(remaining));
	spend = spend ? spend : "?";
	amount = amount ? amount : "?";
	snprintf(thr, sizeof(thr), "%lld", (long long)best.threshold);
	if (!best.actual)
		snprintf(title, sizeof(title), "budget '%s' is forecast to pass %s%% of %s %s (forecast %s)",
			 name, thr, amount, cur, fc);
	else
		snprintf(title, sizeof(title), "budget '%s' passed %s%%: %s of %s %s spent (%s%%)", name, thr,
			 spend, amount, cur, pct);
	fg_utf8_trim(title);
	snprintf(dedup, sizeof(dedup), "budget:%s:%s:%s:%s", name, start, best.actual ? "actual" : "forecast",
		 thr);
	fg_utf8_trim(dedup);
	json_t *f = json_pack("{s:s, s:s, s:I, s:s, s:s, s:s, s:s}", "budget", name, "kind",
			      best.actual ? "actual" : "forecast", "threshold", best.threshold, "spend",
			      spend, "amount", amount, "currency", cur, "percent", pct);
	static const char *copy[] = { "connector", "period", "period_start", "period_end", "forecast", NULL };
	for (int k = 0; f && copy[k]; k++)
		if (json_object_get(b, copy[k]))
			json_object_set(f, copy[k], json_object_get(b, copy[k]));
	if (f && remaining[0])
		json_object_set_new(f, "remaining", json_string(remaining));
	int rc = f ? fg_input_push(l, "budget", best.sev, title, "", f, dedup) : FG_ERR;
	json_decref(f);
	return rc;
}

/* One line: control characters become spaces, as the outbox rows have it. */
static void one_line(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = ' ';
}

/* One finding of secscan --json, worded as secscan's outbox rows. */
static int finding(struct fg_input_list *l, json_t *f, size_t i, const struct fg_input_at *at)
{
	char path[40];
	bool bad = false;

	snprintf(path, sizeof(path), "findings[%zu].", i);
	if (!json_is_object(f))
		return fg_input_bad(l, at, "\"findings[%zu]\" must be an object, not %s", i,
				    fg_input_type(f));
	const char *status = opt_str(l, at, f, path, "status", "new", &bad);
	const char *rule = opt_str(l, at, f, path, "rule", NULL, &bad);
	const char *subj = opt_str(l, at, f, path, "subject", NULL, &bad);
	const char *rtitle = opt_str(l, at, f, path, "title", NULL, &bad);
	const char *conn = opt_str(l, at, f, path, "connector", NULL, &bad);
	const char *rem = opt_str(l, at, f, path, "remediation", NULL, &bad);
	const char *first = opt_str(l, at, f, path, "first_seen", "", &bad);
	enum fg_severity sev = opt_sev(l, at, f, path, FG_SEV_MEDIUM, &bad);
	json_t *q = json_object_get(f, "queued"), *cis = json_object_get(f, "cis");
	if (q != NULL && !json_is_boolean(q))
		bad = fg_input_bad(l, at, "\"%squeued\" must be true or false, not %s", path,
				   fg_input_type(q));
	if (!bad && (rule == NULL || subj == NULL))
		bad = fg_input_bad(l, at, "\"findings[%zu]\" needs \"rule\" and \"subject\"", i);
	if (bad)
		return FG_ERR_DATA;
	if (strcmp(status, "new") != 0)
		return 0;
	if (json_is_true(q)) {
		l->queued++;
		fg_info("stdin: skipping finding %s of '%s': in the outbox, notifyd-once sends it", rule,
			subj);
		return 0;
	}
	if (sev < l->floor) {
		l->below++;
		fg_info("stdin: skipping finding %s of '%s': %s is below [secscan] min_severity %s", rule,
			subj, fg_severity_name(sev), fg_severity_name(l->floor));
		return 0;
	}
	char title[1024], subject[300], body[4096], dedup[600], cisref[64] = "";
	snprintf(subject, sizeof(subject), "%s", subj);
	one_line(subject);
	snprintf(title, sizeof(title), "secscan %s: %s: %s", conn ? conn : "-", rtitle ? rtitle : rule,
		 subject);
	one_line(title);
	if (strlen(title) > 300) /* as the outbox rows: left(..., 300) */
		title[300] = '\0';
	fg_utf8_trim(title);
	if (json_is_string(cis))
		snprintf(cisref, sizeof(cisref), " (CIS %s)", json_string_value(cis));
	json_t *evidence = json_object_get(f, "evidence");
	char *ev = evidence ? json_dumps(evidence, JSON_COMPACT) : NULL;
	snprintf(body, sizeof(body),
		 "Rule: %s%s\nSeverity: %s\nConnector: %s\nSubject: %s\nFirst seen: %s%s\nEvidence: %s\n"
		 "Remediation: %s",
		 rule, cisref, fg_severity_name(sev), conn ? conn : "-", subject, first,
		 json_is_true(json_object_get(f, "reopened")) ? " (reopened)" : "", ev ? ev : "{}",
		 rem ? rem : "-");
	free(ev);
	fg_utf8_trim(body);
	snprintf(dedup, sizeof(dedup), "finding:%s:%s:%s", rule, subj, first);
	fg_utf8_trim(dedup);
	json_t *fields = json_pack("{s:s, s:s, s:s}", "rule", rule, "subject", subj, "severity",
				   fg_severity_name(sev));
	static const char *copy[] = { "title", "connector", "evidence", "remediation", "cis", NULL };
	for (int k = 0; fields && copy[k]; k++)
		if (json_object_get(f, copy[k]))
			json_object_set(fields, copy[k], json_object_get(f, copy[k]));
	int rc = fields ? fg_input_push(l, "finding", sev, title, body, fields, dedup) : FG_ERR;
	json_decref(fields);
	return rc;
}

/* secscan --json: the new findings. */
static int findings(struct fg_input_list *l, json_t *doc, const struct fg_input_at *at)
{
	json_t *arr = json_object_get(doc, "findings"), *f;
	size_t i;
	int rc = 0;

	if (!json_is_array(arr))
		return fg_input_bad(l, at, "\"findings\" must be an array, not %s", fg_input_type(arr));
	json_array_foreach(arr, i, f)
	{
		int r = finding(l, f, i, at);
		if (r == FG_ERR)
			return r;
		if (r < 0)
			rc = r;
	}
	return rc;
}

static int generic(struct fg_input_list *l, json_t *o, const struct fg_input_at *at)
{
	bool bad = false;
	const char *title = opt_str(l, at, o, "", "title", NULL, &bad);
	enum fg_severity sev = opt_sev(l, at, o, "", FG_SEV_INFO, &bad);
	const char *text = opt_str(l, at, o, "", "text", NULL, &bad);
	const char *body = opt_str(l, at, o, "", "body", NULL, &bad);
	const char *dedup = opt_str(l, at, o, "", "dedup_key", NULL, &bad);
	json_t *fields = json_object_get(o, "fields");

	if (!bad && (title == NULL || *title == '\0'))
		bad = fg_input_bad(l, at, "an alert needs a \"title\" string");
	if (fields && !json_is_object(fields))
		bad = fg_input_bad(l, at, "\"fields\" must be an object, not %s", fg_input_type(fields));
	if (bad)
		return FG_ERR_DATA;
	return fg_input_push(l, "generic", sev, title, text ? text : body, fields, dedup);
}

int fg_input_value(struct fg_input_list *l, json_t *v, struct fg_input_at *at)
{
	if (json_is_array(v)) {
		size_t i;
		json_t *e;
		int rc = 0;
		json_array_foreach(v, i, e)
		{
			int r = fg_input_value(l, e, at);
			if (r == FG_ERR)
				return r;
			if (r < 0)
				rc = r;
			at->record++;
		}
		at->record -= i > 0; /* the caller counts the last one */
		return rc;
	}
	if (!json_is_object(v))
		return fg_input_bad(l, at, "expected an alert object or an array of them, not %s",
				    fg_input_type(v));
	if (json_object_get(v, "findings"))
		return findings(l, v, at);
	if (json_object_get(v, "new_alerts"))
		return budget(l, v, at);
	/* a budgetcheck --json anomaly whose incident budgetcheck notified */
	if (json_is_true(json_object_get(v, "anomaly")) && json_is_true(json_object_get(v, "queued"))) {
		l->queued++;
		return 0;
	}
	/* a budgetcheck --json cost series too young to judge: a status, no alert */
	if (json_object_get(v, "series_status") != NULL)
		return 0;
	return generic(l, v, at);
}

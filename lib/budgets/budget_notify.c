/*
 * budget_notify.c - budget alerts and their outbox rows.
 *
 * Candidates come from the evaluation (thresholds crossed, projected
 * breach) minus alerts already recorded.  They are inserted in one
 * statement; the RETURNING rows are the alerts this run created, the only
 * ones that may enqueue a message.  A run that crosses several thresholds
 * of a budget at once records an alert for each but enqueues a single
 * notification per channel, naming the highest, per kind (actual or
 * forecast).  Outbox rows follow the shared contract: kind 'budget',
 * fields with money and percent as decimal strings (a double reaching a
 * renderer printed 147.36000000000001), dedup_key
 * "budget:<name>:<period_start>:<kind>:<threshold>".  Every alert of a
 * budget's period belongs to one incident, "budget:<name>:<period_start>"
 * (fields "incident"), which ends with the period: fg_budget_resolve
 * queues its resolution for the channels that were told of it.  The
 * body and the "contributors" field name the top contributors
 * (budget_contrib.c).
 */
#include "budget_notify.h"
#include "budget_array.h"
#include "budget_contrib.h"
#include "budget_eval.h"
#include "clock.h"
#include "db.h"
#include "exitcode.h"
#include "fg_sql_budgets.h"
#include "log.h"
#include "outbox.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int fg_budget_cands_add(struct fg_budget_cands *cs, const struct fg_budget *b, int row, int threshold,
			bool forecast)
{
	if (cs->n == cs->cap) {
		int cap = cs->cap ? cs->cap * 2 : 64;
		struct fg_budget_cand *v = realloc(cs->v, (size_t)cap * sizeof(*v));
		if (v == NULL)
			return FG_ERR_INTERNAL;
		cs->v = v;
		cs->cap = cap;
	}
	cs->v[cs->n++] = (struct fg_budget_cand){
		.b = b,
		.row = row,
		.threshold = threshold,
		.forecast = forecast,
		.severity = fg_budget_severity(b, threshold, forecast),
	};
	return 0;
}

void fg_budget_cands_release(struct fg_budget_cands *cs)
{
	free(cs->v);
	cs->v = NULL;
	cs->n = cs->cap = 0;
}

int fg_budget_alerts_insert(PGconn *db, struct fg_budget_cands *cs, const PGresult *ev, long as_of)
{
	struct fg_pgarr arr[12];
	const char *params[12];
	PGresult *r = NULL;
	int rc = 0, k;

	(void)as_of;
	for (k = 0; k < 12; k++)
		if (fg_pgarr_init(&arr[k]) < 0) {
			rc = FG_ERR_INTERNAL;
			goto out;
		}
	for (int i = 0; i < cs->n; i++) {
		const struct fg_budget_cand *c = &cs->v[i];
		fg_pgarr_addf(&arr[0], "%d", i);
		fg_pgarr_add(&arr[1], c->b->name);
		fg_pgarr_add(&arr[2], fg_period_name(c->b->period));
		fg_pgarr_add(&arr[3], PQgetvalue(ev, c->row, EV_START));
		fg_pgarr_add(&arr[4], PQgetvalue(ev, c->row, EV_END));
		fg_pgarr_addf(&arr[5], "%d", c->threshold);
		fg_pgarr_add(&arr[6], c->forecast ? "forecast" : "actual");
		fg_pgarr_add(&arr[7], c->severity);
		fg_pgarr_add(&arr[8], PQgetvalue(ev, c->row, EV_SPEND));
		fg_pgarr_add(&arr[9], c->b->amount);
		fg_pgarr_add(&arr[10], PQgetvalue(ev, c->row, EV_PERCENT2));
		fg_pgarr_add(&arr[11], PQgetvalue(ev, c->row, EV_FORECAST));
	}
	for (k = 0; k < 12; k++)
		if ((params[k] = fg_pgarr_finish(&arr[k])) == NULL) {
			rc = FG_ERR_INTERNAL;
			goto out;
		}
	const struct fg_sql_arg args[] = {
		{ "keys", params[0] },          { "budgets", params[1] },     { "periods", params[2] },
		{ "period_starts", params[3] }, { "period_ends", params[4] }, { "thresholds", params[5] },
		{ "kinds", params[6] },         { "severities", params[7] },  { "spends", params[8] },
		{ "amounts", params[9] },       { "percents", params[10] },   { "forecasts", params[11] },
	};
	r = fg_sql_query(db, &rc, "record budget alerts", &fg_sql_budgets_record_alerts, args,
			 FG_SQL_COUNT(args));
	if (r == NULL)
		goto out;
	for (int i = 0; i < PQntuples(r); i++) {
		long k2 = strtol(PQgetvalue(r, i, 0), NULL, 10);
		if (k2 >= 0 && k2 < cs->n) {
			cs->v[k2].created = true;
			cs->v[k2].alert_id = strtoll(PQgetvalue(r, i, 1), NULL, 10);
		}
	}
out:
	PQclear(r);
	for (k = 0; k < 12; k++)
		fg_pgarr_release(&arr[k]);
	return rc;
}

/* Thresholds created for the same budget and kind, "50%, 75%, 90%". */
static void crossed_list(const struct fg_budget_cand *group, int n, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int i = 0; i < n; i++) {
		const struct fg_budget_cand *c = &group[i];
		if (!c->created)
			continue;
		int w = snprintf(buf + used, len - used, "%s%d%%", used ? ", " : "", c->threshold);
		if (w < 0 || (size_t)w >= len - used)
			break;
		used += (size_t)w;
	}
}

static json_t *fields(const struct fg_budget_cand *c, const PGresult *ev)
{
	int row = c->row;
	char incident[512];
	json_t *f;

	snprintf(incident, sizeof(incident), "budget:%s:%s", c->b->name, PQgetvalue(ev, row, EV_START));
	f = json_pack("{s:s, s:s, s:s, s:i, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "budget",
		      c->b->name, "connector", c->b->connector, "kind", c->forecast ? "forecast" : "actual",
		      "threshold", c->threshold, "spend", PQgetvalue(ev, row, EV_SPEND2), "amount",
		      PQgetvalue(ev, row, EV_AMOUNT2), "currency", c->b->currency, "percent",
		      PQgetvalue(ev, row, EV_PERCENT2), "remaining", PQgetvalue(ev, row, EV_REMAINING2),
		      "period", fg_period_name(c->b->period), "period_start", PQgetvalue(ev, row, EV_START),
		      "period_end", PQgetvalue(ev, row, EV_END), "forecast",
		      PQgetvalue(ev, row, EV_FORECAST2));
	if (f && json_object_set_new(f, "incident", json_string(incident)) < 0) {
		json_decref(f);
		f = NULL;
	}
	return f;
}

int fg_budget_resolve(PGconn *db, long as_of, struct fg_budget_result *res)
{
	char day[16], now[32];
	long added = 0;
	int rc;

	fg_date_format(as_of, day, sizeof(day));
	fg_timestamp_format(fg_now(), now, sizeof(now));
	const struct fg_sql_arg closed[] = { { "as_of", day } };
	const struct fg_sql_arg mark[] = { { "as_of", day }, { "now", now } };
	res->statements += 2;
	if ((rc = fg_outbox_resolve(db, "enqueue budget resolutions", &fg_sql_budgets_resolve, closed,
				    FG_SQL_COUNT(closed), &added)) < 0 ||
	    (rc = fg_sql_exec(db, "mark ended budget periods resolved", &fg_sql_budgets_resolve_mark, mark,
			      FG_SQL_COUNT(mark))) < 0)
		return rc;
	res->notifications += added;
	return 0;
}

static int add_rows(const struct fg_budget_cand *group, int n, const struct fg_budget_cand *top,
		    const PGresult *ev, const struct fg_budget_contrib *ct, struct fg_outbox_batch *batch)
{
	const struct fg_budget *b = top->b;
	const char *cur = b->currency;
	char title[512], body[6144], crossed[256], dedup[512];
	json_t *f = fields(top, ev);

	if (f == NULL)
		return FG_ERR_INTERNAL;
	crossed_list(group, n, crossed, sizeof(crossed));
	if (top->forecast)
		snprintf(title, sizeof(title), "budget %s projected at %s%% of %s %s by %s", b->name,
			 PQgetvalue(ev, top->row, EV_FORECAST_PERCENT2), PQgetvalue(ev, top->row, EV_AMOUNT2),
			 cur, PQgetvalue(ev, top->row, EV_END));
	else
		snprintf(title, sizeof(title), "budget %s at %s%% of %s %s (threshold %d%%)", b->name,
			 PQgetvalue(ev, top->row, EV_PERCENT2), PQgetvalue(ev, top->row, EV_AMOUNT2), cur,
			 top->threshold);
	snprintf(body, sizeof(body),
		 "Budget %s (connector %s), %s period %s to %s.\n"
		 "Spend so far: %s %s of %s %s (%s%%); remaining %s %s.\n"
		 "Projected at period end: %s %s (range %s to %s).\n"
		 "%s crossed in this run: %s.\n",
		 b->name, b->connector, fg_period_name(b->period), PQgetvalue(ev, top->row, EV_START),
		 PQgetvalue(ev, top->row, EV_END), PQgetvalue(ev, top->row, EV_SPEND2), cur,
		 PQgetvalue(ev, top->row, EV_AMOUNT2), cur, PQgetvalue(ev, top->row, EV_PERCENT2),
		 PQgetvalue(ev, top->row, EV_REMAINING2), cur, PQgetvalue(ev, top->row, EV_FORECAST2), cur,
		 PQgetvalue(ev, top->row, EV_FORECAST_LOW2), PQgetvalue(ev, top->row, EV_FORECAST_HIGH2),
		 top->forecast ? "Projected thresholds" : "Thresholds", crossed);
	fg_budget_contrib_render(ct, top->row, cur, body, sizeof(body), f);
	snprintf(dedup, sizeof(dedup), "budget:%s:%s:%s:%d", b->name, PQgetvalue(ev, top->row, EV_START),
		 top->forecast ? "forecast" : "actual", top->threshold);
	for (int i = 0; i < b->nnotify; i++)
		fg_outbox_batch_add(batch, b->notify[i], top->alert_id, top->severity, title, body,
				    i + 1 < b->nnotify ? json_deep_copy(f) : f, dedup);
	if (b->nnotify == 0)
		json_decref(f);
	return 0;
}

/* The group of candidates from i on (one budget and kind) and its highest created one. */
static int group_end(const struct fg_budget_cands *cs, int i, const struct fg_budget_cand **top)
{
	int j;

	*top = NULL;
	for (j = i; j < cs->n && cs->v[j].row == cs->v[i].row && cs->v[j].forecast == cs->v[i].forecast; j++)
		if (cs->v[j].created && (*top == NULL || cs->v[j].threshold > (*top)->threshold))
			*top = &cs->v[j];
	return j;
}

int fg_budget_notify_plan(struct fg_budget_cands *cs, const PGresult *ev, struct fg_budget_result *res,
			  bool write, PGconn *db, const struct fg_budget *const *sel, long as_of)
{
	struct fg_outbox_batch batch;
	struct fg_budget_contrib ct = { 0 };
	bool *want = NULL;
	int rc = 0, rows = 0;
	long added = 0;

	fg_outbox_batch_init(&batch);
	/* the contributors of every budget that sends a message, in one statement */
	if (write && cs->n > 0) {
		bool any = false;
		if ((want = calloc((size_t)PQntuples(ev) + 1, sizeof(*want))) == NULL) {
			rc = FG_ERR_INTERNAL;
			goto out;
		}
		for (int i = 0, j; i < cs->n; i = j) {
			const struct fg_budget_cand *top;
			j = group_end(cs, i, &top);
			if (top != NULL && top->b->nnotify > 0)
				any = want[top->row] = true;
		}
		if (any &&
		    (rc = fg_budget_contrib_query(db, sel, want, ev, as_of, &ct, &res->statements)) < 0)
			goto out;
	}
	/* Candidates of one budget and kind are contiguous (see budget_run.c). */
	for (int i = 0, j; i < cs->n; i = j) {
		const struct fg_budget_cand *top;
		j = group_end(cs, i, &top);
		if (top == NULL || top->b->nnotify == 0)
			continue;
		rows += top->b->nnotify;
		if (write && (rc = add_rows(cs->v + i, j - i, top, ev, &ct, &batch)) < 0)
			goto out;
		/* one row names the highest; it stands for every alert of the group */
		for (int k = i; write && k < j; k++)
			cs->v[k].queued = cs->v[k].created;
	}
	if (!write || rows == 0) {
		res->notifications += rows;
		goto out;
	}
	res->statements++;
	rc = fg_outbox_batch_flush(db, &batch, FG_OUTBOX_BUDGET, "enqueue budget notifications", &added);
	if (rc == 0)
		res->notifications += added;
out:
	fg_budget_contrib_release(&ct);
	free(want);
	fg_outbox_batch_release(&batch);
	return rc;
}

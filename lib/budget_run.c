/*
 * budget_run.c - one budgetcheck run: mirror, evaluate, alert, enqueue.
 *
 * A real run is one transaction of a fixed number of statements:
 *
 *   BEGIN
 *   upsert every configured budget by name       (budgets)
 *   mark budgets missing from the file inactive  (budgets)
 *   evaluate the selected budgets                 (budget_eval.c)
 *   insert alert candidates ON CONFLICT DO NOTHING RETURNING the new ones
 *   insert one outbox row per (budget, kind, channel) naming the highest
 *     new threshold, ON CONFLICT (channel, dedup_key) DO NOTHING
 *   COMMIT
 *
 * The UNIQUE (budget_id, period_start, threshold, kind) constraint makes
 * an alert exist once whatever runs overlap; only the run whose INSERT
 * created an alert enqueues its notification, in the same transaction.
 * A dry run issues only the evaluation; alerts not yet recorded are
 * reported as new_alerts, nothing is written.
 */
#include "budget.h"
#include "budget_array.h"
#include "budget_eval.h"
#include "budget_notify.h"
#include "db.h"
#include "exitcode.h"
#include "log.h"

#include <stdlib.h>
#include <string.h>

/* True when the PostgreSQL array literal arr holds the element item. */
static bool array_has(const char *arr, const char *item)
{
	size_t len = strlen(item);
	const char *p;

	if (arr == NULL || *arr != '{')
		return false;
	p = arr + 1;
	while (*p && *p != '}') {
		size_t n = strcspn(p, ",}");
		if (n == len && strncmp(p, item, len) == 0)
			return true;
		p += n;
		if (*p == ',')
			p++;
	}
	return false;
}

static json_t *int_array(const char *arr)
{
	json_t *a = json_array();
	const char *p;

	if (arr == NULL || *arr != '{')
		return a;
	p = arr + 1;
	while (*p && *p != '}') {
		char *end;
		long v = strtol(p, &end, 10);
		if (end == p)
			break;
		json_array_append_new(a, json_integer(v));
		p = end;
		if (*p == ',')
			p++;
	}
	return a;
}

static int sync_budgets(PGconn *db, const struct fg_budget_set *set, long *stmts)
{
	struct fg_pgarr arr[10];
	const char *params[10];
	int rc = 0, k;

	for (k = 0; k < 10; k++)
		if (fg_pgarr_init(&arr[k]) < 0) {
			rc = FG_ERR_INTERNAL;
			goto out;
		}
	for (int i = 0; i < set->n; i++) {
		const struct fg_budget *b = &set->v[i];
		fg_pgarr_add(&arr[0], b->name);
		fg_pgarr_add(&arr[1], b->connector);
		fg_pgarr_add(&arr[2], b->amount);
		fg_pgarr_add(&arr[3], b->currency);
		fg_pgarr_add(&arr[4], fg_period_name(b->period));
		fg_pgarr_add(&arr[5], b->scope);
		if (fg_pgarr_add_list(&arr[6], NULL, b->thresholds, b->nthresholds) < 0 ||
		    fg_pgarr_add_list(&arr[8], b->notify, NULL, b->nnotify) < 0) {
			rc = FG_ERR_INTERNAL;
			goto out;
		}
		fg_pgarr_add(&arr[7], b->forecast ? "t" : "f");
		fg_pgarr_add(&arr[9], b->enabled ? "t" : "f");
	}
	for (k = 0; k < 10; k++)
		if ((params[k] = fg_pgarr_finish(&arr[k])) == NULL) {
			rc = FG_ERR_INTERNAL;
			goto out;
		}
	(*stmts)++;
	rc = fg_db_exec(
	    db, "mirror budgets",
	    "INSERT INTO budgets AS o (name, connector, amount, currency, period, scope, thresholds,"
	    " forecast, notify, active, deactivated_at)"
	    " SELECT u.name, u.connector, u.amount, u.currency, u.period, u.scope, u.thr::integer[],"
	    "  u.fc, u.notify::text[], u.active, CASE WHEN u.active THEN NULL ELSE now() END"
	    " FROM unnest($1::text[], $2::text[], $3::numeric[], $4::text[], $5::text[], $6::text[],"
	    "  $7::text[], $8::boolean[], $9::text[], $10::boolean[])"
	    "  AS u(name, connector, amount, currency, period, scope, thr, fc, notify, active)"
	    " ON CONFLICT (name) DO UPDATE SET connector = EXCLUDED.connector,"
	    "  amount = EXCLUDED.amount, currency = EXCLUDED.currency, period = EXCLUDED.period,"
	    "  scope = EXCLUDED.scope, thresholds = EXCLUDED.thresholds, forecast = EXCLUDED.forecast,"
	    "  notify = EXCLUDED.notify, active = EXCLUDED.active, updated_at = now(),"
	    "  deactivated_at = CASE WHEN EXCLUDED.active THEN NULL"
	    "   ELSE coalesce(o.deactivated_at, now()) END"
	    " WHERE (o.connector, o.amount, o.currency, o.period, o.scope, o.thresholds, o.forecast,"
	    "  o.notify, o.active) IS DISTINCT FROM (EXCLUDED.connector, EXCLUDED.amount,"
	    "  EXCLUDED.currency, EXCLUDED.period, EXCLUDED.scope, EXCLUDED.thresholds,"
	    "  EXCLUDED.forecast, EXCLUDED.notify, EXCLUDED.active)",
	    10, params);
	if (rc < 0)
		goto out;
	(*stmts)++;
	rc = fg_db_exec(db, "mark removed budgets inactive",
	                "UPDATE budgets SET active = false, deactivated_at = now(), updated_at = now()"
	                " WHERE active AND NOT EXISTS (SELECT 1 FROM unnest($1::text[]) AS u(name)"
	                "  WHERE u.name = budgets.name)",
	                1, params);
out:
	for (k = 0; k < 10; k++)
		fg_pgarr_release(&arr[k]);
	return rc;
}

/* Status objects and alert candidates from the evaluation rows. */
static int build(const struct fg_budget **sel, PGresult *ev, struct fg_budget_cands *cs,
                 struct fg_budget_result *res)
{
	int rows = PQntuples(ev);
	char key[32];

	for (int i = 0; i < rows; i++) {
		const struct fg_budget *b = sel[i];
		const char *crossed = fg_db_val(ev, i, EV_CROSSED);
		const char *existing = fg_db_val(ev, i, EV_EXISTING);
		bool breach = strcmp(PQgetvalue(ev, i, EV_BREACH), "t") == 0;
		bool fok = strcmp(PQgetvalue(ev, i, EV_FORECAST_OK), "t") == 0;
		bool fbreach = fok && strcmp(PQgetvalue(ev, i, EV_FORECAST_BREACH), "t") == 0;
		json_t *o = json_object(), *thr = int_array(crossed);

		json_object_set_new(o, "name", json_string(b->name));
		json_object_set_new(o, "connector", json_string(b->connector));
		json_object_set_new(o, "period", json_string(fg_period_name(b->period)));
		json_object_set_new(o, "period_start", json_string(PQgetvalue(ev, i, EV_START)));
		json_object_set_new(o, "period_end", json_string(PQgetvalue(ev, i, EV_END)));
		json_object_set_new(o, "amount", json_string(PQgetvalue(ev, i, EV_AMOUNT2)));
		json_object_set_new(o, "currency", json_string(b->currency));
		json_object_set_new(o, "spend", json_string(PQgetvalue(ev, i, EV_SPEND2)));
		json_object_set_new(o, "percent", json_real(strtod(PQgetvalue(ev, i, EV_PERCENT2), NULL)));
		json_object_set_new(o, "forecast", json_string(PQgetvalue(ev, i, EV_FORECAST2)));
		json_object_set_new(o, "forecast_low", json_string(PQgetvalue(ev, i, EV_FORECAST_LOW2)));
		json_object_set_new(o, "forecast_high", json_string(PQgetvalue(ev, i, EV_FORECAST_HIGH2)));
		json_object_set_new(o, "days_elapsed",
		                    json_integer(strtol(PQgetvalue(ev, i, EV_ELAPSED), NULL, 10)));
		json_object_set_new(o, "days_remaining",
		                    json_integer(strtol(PQgetvalue(ev, i, EV_REMAINING_DAYS), NULL, 10)));
		json_object_set_new(o, "thresholds_crossed", thr);
		json_object_set_new(o, "new_alerts", json_array());
		if (json_array_append_new(res->statuses, o) < 0)
			return FG_ERR_INTERNAL;

		res->any_warn |= json_array_size(thr) > 0;
		res->any_breach |= breach;
		res->any_forecast |= breach || fbreach;
		for (size_t j = 0; j < json_array_size(thr); j++) {
			int t = (int)json_integer_value(json_array_get(thr, j));
			snprintf(key, sizeof(key), "actual:%d", t);
			if (!array_has(existing, key) && fg_budget_cands_add(cs, b, i, t, false) < 0)
				return FG_ERR_INTERNAL;
		}
		/* A projected breach matters until spend itself breaches. */
		if (b->forecast && fbreach && !breach && !array_has(existing, "forecast:100") &&
		    fg_budget_cands_add(cs, b, i, 100, true) < 0)
			return FG_ERR_INTERNAL;
	}
	return 0;
}

static void report_new(const struct fg_budget_cands *cs, struct fg_budget_result *res)
{
	for (int i = 0; i < cs->n; i++) {
		const struct fg_budget_cand *c = &cs->v[i];
		json_t *a;
		if (!c->created)
			continue;
		a = json_pack("{s:i, s:s, s:s}", "threshold", c->threshold, "kind",
		              c->forecast ? "forecast" : "actual", "severity", c->severity);
		json_array_append_new(
		    json_object_get(json_array_get(res->statuses, (size_t)c->row), "new_alerts"), a);
		res->alerts++;
	}
}

int fg_budget_run(PGconn *db, const struct fg_budget_set *set, long as_of, bool dry_run,
                  struct fg_budget_result *res)
{
	const struct fg_budget **sel = NULL;
	struct fg_budget_cands cs = {0};
	PGresult *ev = NULL;
	int rc = 0, nsel = 0;
	bool in_tx = false;

	memset(res, 0, sizeof(*res));
	res->statuses = json_array();
	sel = calloc((size_t)set->n + 1, sizeof(*sel));
	if (res->statuses == NULL || sel == NULL) {
		rc = FG_ERR_INTERNAL;
		goto out;
	}
	for (int i = 0; i < set->n; i++)
		if (set->v[i].selected)
			sel[nsel++] = &set->v[i];
	if (!dry_run) {
		res->statements++;
		if ((rc = fg_db_begin(db)) < 0)
			goto out;
		in_tx = true;
		if ((rc = sync_budgets(db, set, &res->statements)) < 0)
			goto out;
	}
	if (nsel > 0) {
		res->statements += 2; /* session settings, then the evaluation */
		if ((rc = fg_budget_eval_query(db, set, as_of, &ev)) < 0)
			goto out;
		if (PQntuples(ev) != nsel || PQnfields(ev) != EV_NCOLS) {
			fg_error("cannot evaluate budgets: %d rows for %d budgets", PQntuples(ev), nsel);
			rc = FG_ERR_INTERNAL;
			goto out;
		}
		if ((rc = build(sel, ev, &cs, res)) < 0)
			goto out;
	}
	if (dry_run) {
		for (int i = 0; i < cs.n; i++)
			cs.v[i].created = true;
		rc = fg_budget_notify_plan(&cs, ev, res, false, db);
	} else if (cs.n > 0) {
		res->statements++;
		if ((rc = fg_budget_alerts_insert(db, &cs, ev, as_of)) < 0)
			goto out;
		if ((rc = fg_budget_notify_plan(&cs, ev, res, true, db)) < 0)
			goto out;
	}
	report_new(&cs, res);
	if (in_tx) {
		res->statements++;
		if ((rc = fg_db_commit(db)) < 0)
			goto out;
		in_tx = false;
	}
out:
	if (in_tx)
		fg_db_rollback(db);
	if (rc == FG_ERR_INTERNAL)
		fg_error("cannot evaluate budgets: out of memory");
	PQclear(ev);
	fg_budget_cands_release(&cs);
	free(sel);
	return rc;
}

void fg_budget_result_release(struct fg_budget_result *res)
{
	json_decref(res->statuses);
	res->statuses = NULL;
}

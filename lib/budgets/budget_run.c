/*
 * budget_run.c - one budgetcheck run: mirror, evaluate, alert, enqueue.
 *
 * A real run is one transaction of a fixed number of statements:
 *
 *   BEGIN
 *   mark budgets missing from the file inactive  (budgets), unless that
 *     would turn off every active budget
 *   upsert every changed budget by name          (budgets)
 *   evaluate the selected budgets, between two   (budget_eval.c)
 *     statements of planner settings
 *   how fresh their data is and the names their  (budget_coverage.c)
 *     scopes can match
 *   insert alert candidates ON CONFLICT DO NOTHING RETURNING the new ones
 *   insert one outbox row per (budget, kind, channel) naming the highest
 *     new threshold, ON CONFLICT (channel, dedup_key) DO NOTHING
 *   queue resolutions of periods that ended, mark their alerts resolved
 *   COMMIT
 *
 * The UNIQUE (budget_id, period_start, threshold, kind) constraint makes
 * an alert exist once whatever runs overlap; only the run whose INSERT
 * created an alert enqueues its notification, in the same transaction.
 * A dry run issues only the evaluation, its settings and the scope check; alerts not yet
 * recorded are reported as new_alerts, nothing is written.
 *
 * One host running an old or partial file must not silently turn off
 * everyone's budgets: when the file names none of the active budgets and
 * would deactivate them, the run is refused (FG_ERR_CONFIG, rolled back)
 * unless FG_BUDGET_ALLOW_EMPTY says it is meant.
 */
#include "budget.h"
#include "budget_array.h"
#include "budget_coverage.h"
#include "budget_eval.h"
#include "budget_notify.h"
#include "db.h"
#include "exitcode.h"
#include "fg_sql_budgets.h"
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

/* Deactivate the budgets not in the file (refusing to turn off all of them). */
static int deactivate(PGconn *db, const char *names, bool allow_empty)
{
	const struct fg_sql_arg args[] = { { "names", names } };
	int rc;
	PGresult *r = fg_sql_query(db, &rc, "mark removed budgets inactive", &fg_sql_budgets_deactivate, args,
				   FG_SQL_COUNT(args));

	if (r == NULL)
		return rc;
	long gone = strtol(PQgetvalue(r, 0, 0), NULL, 10), kept = strtol(PQgetvalue(r, 0, 2), NULL, 10);
	if (gone > 0 && kept == 0 && !allow_empty) {
		fg_error("cannot mark all %ld active budgets inactive (such as '%s'): the configuration file"
			 " names none of them; run with the file that defines them, or pass --allow-empty",
			 gone, PQgetvalue(r, 0, 1));
		rc = FG_ERR_CONFIG;
	}
	PQclear(r);
	return rc;
}

static int sync_budgets(PGconn *db, const struct fg_budget_set *set, bool allow_empty, long *stmts)
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
	if ((rc = deactivate(db, params[0], allow_empty)) < 0)
		goto out;
	(*stmts)++;
	const struct fg_sql_arg args[] = {
		{ "names", params[0] },      { "connectors", params[1] }, { "amounts", params[2] },
		{ "currencies", params[3] }, { "periods", params[4] },    { "scopes", params[5] },
		{ "thresholds", params[6] }, { "forecasts", params[7] },  { "notify", params[8] },
		{ "active", params[9] },
	};
	rc = fg_sql_exec(db, "mirror budgets", &fg_sql_budgets_mirror, args, FG_SQL_COUNT(args));
out:
	for (k = 0; k < 10; k++)
		fg_pgarr_release(&arr[k]);
	return rc;
}

/* Alert candidates and the --fail-on flags from the evaluation rows. */
static int build(const struct fg_budget **sel, PGresult *ev, struct fg_budget_cands *cs,
		 struct fg_budget_result *res, unsigned char *flags)
{
	int rows = PQntuples(ev), thr[FG_BUDGET_MAX_THRESHOLDS];
	char key[32];

	for (int i = 0; i < rows; i++) {
		const struct fg_budget *b = sel[i];
		const char *existing = fg_db_val(ev, i, EV_EXISTING);
		int n = fg_budget_crossed(b, ev, i, thr);
		bool breach = strcmp(PQgetvalue(ev, i, EV_BREACH), "t") == 0;
		bool fok = strcmp(PQgetvalue(ev, i, EV_FORECAST_OK), "t") == 0;
		bool fbreach = fok && strcmp(PQgetvalue(ev, i, EV_FORECAST_BREACH), "t") == 0;

		/* no attribution to read: neither figures nor alerts */
		if (strcmp(PQgetvalue(ev, i, EV_BLIND), "t") == 0) {
			flags[i] |= FG_BUDGET_BLIND;
			continue;
		}

		res->any_warn |= n > 0;
		res->any_breach |= breach;
		res->any_forecast |= breach || fbreach;
		for (int j = 0; j < n; j++) {
			snprintf(key, sizeof(key), "actual:%d", thr[j]);
			if (!array_has(existing, key) && fg_budget_cands_add(cs, b, i, thr[j], false) < 0)
				return FG_ERR_INTERNAL;
		}
		/* A projected breach matters until spend itself breaches. */
		if (b->forecast && fbreach && !breach && !array_has(existing, "forecast:100") &&
		    fg_budget_cands_add(cs, b, i, 100, true) < 0)
			return FG_ERR_INTERNAL;
	}
	return 0;
}

int fg_budget_run(PGconn *db, const struct fg_budget_set *set, long as_of, unsigned how,
		  struct fg_budget_result *res)
{
	bool dry_run = how & FG_BUDGET_DRY_RUN;
	const struct fg_budget **sel = NULL;
	unsigned char *flags = NULL;
	struct fg_budget_cands cs = { 0 };
	PGresult *ev = NULL;
	int rc = 0, nsel = 0;
	bool in_tx = false;

	memset(res, 0, sizeof(*res));
	sel = calloc((size_t)set->n + 1, sizeof(*sel));
	flags = calloc((size_t)set->n + 1, sizeof(*flags));
	if (sel == NULL || flags == NULL) {
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
		if ((rc = sync_budgets(db, set, how & FG_BUDGET_ALLOW_EMPTY, &res->statements)) < 0)
			goto out;
	}
	if (nsel > 0) {
		res->statements += 3; /* session settings, the evaluation, a setting reset */
		if ((rc = fg_budget_eval_query(db, set, as_of, &ev)) < 0)
			goto out;
		if (PQntuples(ev) != nsel || PQnfields(ev) != EV_NCOLS) {
			fg_error("cannot evaluate budgets: %d rows for %d budgets", PQntuples(ev), nsel);
			rc = FG_ERR_INTERNAL;
			goto out;
		}
		if ((rc = build(sel, ev, &cs, res, flags)) < 0)
			goto out;
		res->statements++;
		if ((rc = fg_budget_coverage(db, sel, nsel, as_of, flags)) < 0)
			goto out;
		for (int i = 0; i < nsel; i++)
			res->any_stale |= (flags[i] & FG_BUDGET_STALE) != 0;
	}
	if (dry_run) {
		for (int i = 0; i < cs.n; i++)
			cs.v[i].created = true;
		rc = fg_budget_notify_plan(&cs, ev, res, false, db, sel, as_of);
	} else if (cs.n > 0) {
		res->statements++;
		if ((rc = fg_budget_alerts_insert(db, &cs, ev, as_of)) < 0)
			goto out;
		if ((rc = fg_budget_notify_plan(&cs, ev, res, true, db, sel, as_of)) < 0)
			goto out;
	}
	if (!dry_run && (rc = fg_budget_resolve(db, as_of, res)) < 0)
		goto out;
	for (int i = 0; i < cs.n; i++)
		res->alerts += cs.v[i].created;
	if (in_tx) {
		res->statements++;
		if ((rc = fg_db_commit(db)) < 0)
			goto out;
		in_tx = false;
	}
	/* The output is made from the rows, the budgets and the candidates. */
	res->count = (size_t)nsel;
	res->ev = ev;
	res->sel = sel;
	res->cands = cs.v;
	res->ncands = cs.n;
	res->flags = flags;
	return 0;
out:
	if (in_tx)
		fg_db_rollback(db);
	if (rc == FG_ERR_INTERNAL)
		fg_error("cannot evaluate budgets: out of memory");
	PQclear(ev);
	fg_budget_cands_release(&cs);
	free(sel);
	free(flags);
	return rc;
}

void fg_budget_result_release(struct fg_budget_result *res)
{
	json_decref(res->statuses);
	PQclear(res->ev);
	free(res->sel);
	free(res->cands);
	free(res->flags);
	res->flags = NULL;
	res->statuses = NULL;
	res->ev = NULL;
	res->sel = NULL;
	res->cands = NULL;
	res->count = 0;
	res->ncands = 0;
}

/*
 * history.c - budget_history rows from the evaluation query, and the
 * --history report.
 *
 * The evaluation of one day returns a row per selected budget (EV_IDX is
 * the 1-based position among selected budgets); the rows of a day are
 * written with one INSERT ... SELECT FROM unnest(arrays) ON CONFLICT
 * (sql/budgets/history_write.sql).
 */
#include "history.h"
#include "budget.h"
#include "budget_array.h"
#include "budget_eval.h"
#include "clock.h"
#include "db.h"
#include "exitcode.h"
#include "fg_sql_budgets.h"
#include "log.h"
#include "progress.h"
#include "tool.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
	A_BUDGET,
	A_CONNECTOR,
	A_PERIOD,
	A_START,
	A_END,
	A_SPEND,
	A_AMOUNT,
	A_CURRENCY,
	A_PERCENT,
	A_FORECAST,
	A_COUNT
};

static int build_day(PGconn *db, const struct fg_budget_set *set, long day, bool dry_run, long long *rows)
{
	PGresult *r = NULL;
	struct fg_pgarr arr[A_COUNT];
	char date[16];
	int rc, n;

	if ((rc = fg_budget_eval_query(db, set, day, &r)) < 0)
		return rc;
	n = PQntuples(r);
	*rows += n;
	if (dry_run || n == 0) {
		PQclear(r);
		return 0;
	}
	memset(arr, 0, sizeof(arr));
	for (int i = 0; i < A_COUNT; i++)
		if (fg_pgarr_init(&arr[i]) < 0)
			rc = FG_ERR_INTERNAL;
	/* map EV_IDX back to the selected budgets, in order */
	const struct fg_budget **sel = calloc((size_t)set->n + 1, sizeof(*sel));
	int ns = 0;
	if (sel == NULL || rc < 0) {
		free(sel);
		PQclear(r);
		for (int i = 0; i < A_COUNT; i++)
			fg_pgarr_release(&arr[i]);
		return FG_ERR_INTERNAL;
	}
	for (int i = 0; i < set->n; i++)
		if (set->v[i].selected)
			sel[ns++] = &set->v[i];
	for (int i = 0; i < n; i++) {
		long idx = strtol(PQgetvalue(r, i, EV_IDX), NULL, 10);
		/* an attribution scope without attribution has no figure to keep */
		if (idx < 1 || idx > ns || strcmp(PQgetvalue(r, i, EV_BLIND), "t") == 0)
			continue;
		const struct fg_budget *b = sel[idx - 1];
		fg_pgarr_add(&arr[A_BUDGET], b->name);
		fg_pgarr_add(&arr[A_CONNECTOR], b->connector);
		fg_pgarr_add(&arr[A_PERIOD], fg_period_name(b->period));
		fg_pgarr_add(&arr[A_START], PQgetvalue(r, i, EV_START));
		fg_pgarr_add(&arr[A_END], PQgetvalue(r, i, EV_END));
		fg_pgarr_add(&arr[A_SPEND], PQgetvalue(r, i, EV_SPEND));
		fg_pgarr_add(&arr[A_AMOUNT], b->amount);
		fg_pgarr_add(&arr[A_CURRENCY], b->currency);
		fg_pgarr_add(&arr[A_PERCENT], PQgetvalue(r, i, EV_PERCENT2));
		fg_pgarr_add(&arr[A_FORECAST], b->forecast ? fg_db_val(r, i, EV_FORECAST) : NULL);
	}
	free(sel);
	PQclear(r);
	fg_date_format(day, date, sizeof(date));
	const char *a[A_COUNT];
	for (int i = 0; i < A_COUNT; i++) {
		if ((a[i] = fg_pgarr_finish(&arr[i])) == NULL)
			rc = FG_ERR_INTERNAL;
	}
	const struct fg_sql_arg args[] = {
		{ "snapshot_date", date },        { "budgets", a[A_BUDGET] },
		{ "connectors", a[A_CONNECTOR] }, { "periods", a[A_PERIOD] },
		{ "period_starts", a[A_START] },  { "period_ends", a[A_END] },
		{ "spends", a[A_SPEND] },         { "amounts", a[A_AMOUNT] },
		{ "currencies", a[A_CURRENCY] },  { "percents", a[A_PERCENT] },
		{ "forecasts", a[A_FORECAST] },
	};
	if (rc == 0)
		rc = fg_sql_exec(db, "write budget history", &fg_sql_budgets_history_write, args,
				 FG_SQL_COUNT(args));
	for (int i = 0; i < A_COUNT; i++)
		fg_pgarr_release(&arr[i]);
	return rc;
}

int fg_history_build(PGconn *db, const struct fg_config *cfg, long from, long to, bool dry_run,
		     long long *rows)
{
	struct fg_budget_set set = { 0 };
	int rc;

	*rows = 0;
	if ((rc = fg_budget_load(cfg, &set)) < 0)
		return rc;
	if ((rc = fg_budget_select(&set, NULL)) < 0)
		goto out;
	bool any = false;
	for (int i = 0; i < set.n; i++)
		any |= set.v[i].selected;
	if (!any)
		goto out;
	struct fg_progress prog;
	fg_progress_start(&prog, "building budget history", "days", to - from + 1);
	for (long d = from; d <= to && rc == 0; d++) {
		if (fg_interrupted) {
			rc = FG_ERR_TEMP;
			break;
		}
		rc = build_day(db, &set, d, dry_run, rows);
		fg_progress_add(&prog, 1);
	}
	fg_progress_end(&prog);
out:
	fg_budget_set_release(&set);
	return rc;
}

/* Eight-level sparkline character for a percent (0..100+, clamped). */
static const char *spark(double pct)
{
	static const char *bars[] = { "\xe2\x96\x81", "\xe2\x96\x82", "\xe2\x96\x83", "\xe2\x96\x84",
				      "\xe2\x96\x85", "\xe2\x96\x86", "\xe2\x96\x87", "\xe2\x96\x88" };
	int i = (int)(pct / 100.0 * 7.0 + 0.5);
	if (i < 0)
		i = 0;
	if (i > 7)
		i = 7;
	return bars[i];
}

int fg_history_print(PGconn *db, const char *budget, int days, long today, bool json)
{
	char to[16], nd[16];
	int rc;
	PGresult *r;

	fg_date_format(today, to, sizeof(to));
	snprintf(nd, sizeof(nd), "%d", days);
	const struct fg_sql_arg args[] = { { "budget", budget }, { "until", to }, { "days", nd } };
	r = fg_sql_query(db, &rc, "read budget history", &fg_sql_budgets_history_read, args,
			 FG_SQL_COUNT(args));
	if (r == NULL)
		return rc;
	if (PQntuples(r) == 0) {
		PGresult *k = fg_db_query(db, &rc, "look up budget",
					  "SELECT 1 FROM budgets WHERE name = $1 UNION ALL"
					  " SELECT 1 FROM budget_history WHERE budget = $1 LIMIT 1",
					  1, &budget);
		bool known = k != NULL && PQntuples(k) > 0;
		PQclear(k);
		if (k == NULL) {
			PQclear(r);
			return rc;
		}
		if (!known) {
			fg_error("unknown budget '%s'; see the [budget NAME] sections of the config", budget);
			PQclear(r);
			return FG_ERR_USAGE;
		}
	}
	if (json) {
		json_t *arr = json_array();
		for (int i = 0; i < PQntuples(r); i++) {
			/* money stays decimal text; percent is a number, as in
			 * budgetcheck --json (two decimals, exact at 15 digits) */
			const char *pct = fg_db_val(r, i, 2);
			json_t *o = json_pack("{s:s, s:s, s:o, s:s, s:s, s:s}", "date", PQgetvalue(r, i, 0),
					      "spend", PQgetvalue(r, i, 1), "percent",
					      pct ? json_real(strtod(pct, NULL)) : json_null(), "amount",
					      PQgetvalue(r, i, 4), "currency", PQgetvalue(r, i, 5),
					      "period_start", PQgetvalue(r, i, 7));
			const char *f = fg_db_val(r, i, 3);
			json_object_set_new(o, "forecast", f ? json_string(f) : json_null());
			json_array_append_new(arr, o);
		}
		json_t *doc = json_pack("{s:s, s:i, s:o}", "budget", budget, "days", days, "history", arr);
		char *s = json_dumps(doc, JSON_INDENT(2) | JSON_REAL_PRECISION(15));
		if (s)
			printf("%s\n", s);
		free(s);
		json_decref(doc);
	} else {
		char line[1024] = "";
		size_t used = 0;
		for (int i = 0; i < PQntuples(r); i++) {
			const char *c = spark(strtod(PQgetvalue(r, i, 2), NULL));
			size_t l = strlen(c);
			if (used + l + 1 < sizeof(line)) {
				memcpy(line + used, c, l + 1);
				used += l;
			}
		}
		printf("budget %s, last %d days: %s\n\n", budget, days, line);
		printf("%-10s %14s %8s %14s\n", "DATE", "SPEND", "PERCENT", "FORECAST");
		for (int i = 0; i < PQntuples(r); i++) {
			const char *f = fg_db_val(r, i, 3);
			printf("%-10s %14s %7s%% %14s %s\n", PQgetvalue(r, i, 0), PQgetvalue(r, i, 1),
			       PQgetvalue(r, i, 2), f ? f : "-", spark(strtod(PQgetvalue(r, i, 2), NULL)));
		}
	}
	PQclear(r);
	return 0;
}

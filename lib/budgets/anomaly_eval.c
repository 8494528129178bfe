/*
 * anomaly_eval.c - judge every series in one statement.
 *
 * The settings of the judged connectors travel as arrays, one per key
 * (sql/budgets/anomaly/evaluate.sql unnests them), so the statement's
 * text and count never depend on the number of connectors or series.
 * The rows come back ordered by series then day; C only reads text.
 */
#include "anomaly_run.h"
#include "budget_array.h"
#include "clock.h"
#include "db.h"
#include "exitcode.h"
#include "fg_sql_budgets.h"
#include "log.h"

#include <string.h>

enum {
	K_CONNECTOR,
	K_CURRENCY,
	K_DIMS,
	K_SENS,
	K_WEEKS,
	K_MINHIST,
	K_MINCOST,
	K_MINPCT,
	K_MINAMT,
	K_DIPS,
	K_SEVFROM,
	K_SEVNAME,
	K_COUNT
};

int fg_anomaly_eval_query(PGconn *db, const struct fg_anomaly_set *set, long from, long to, PGresult **out)
{
	struct fg_pgarr arr[K_COUNT];
	const char *p[K_COUNT];
	char sfrom[11], sto[11], sscan[11];
	int rc = 0, k, weeks = 2;

	*out = NULL;
	for (k = 0; k < K_COUNT; k++)
		if (fg_pgarr_init(&arr[k]) < 0) {
			rc = FG_ERR_INTERNAL;
			goto out;
		}
	for (int i = 0; i < set->n; i++) {
		const struct fg_anomaly_conf *c = &set->v[i];
		if (!c->enabled)
			continue;
		fg_pgarr_add(&arr[K_CONNECTOR], c->connector);
		fg_pgarr_add(&arr[K_CURRENCY], c->currency);
		fg_pgarr_add(&arr[K_DIMS], c->dimensions);
		fg_pgarr_add(&arr[K_SENS], c->sensitivity);
		fg_pgarr_addf(&arr[K_WEEKS], "%d", c->lookback_weeks);
		fg_pgarr_addf(&arr[K_MINHIST], "%d", c->min_history_days);
		fg_pgarr_add(&arr[K_MINCOST], c->min_daily_cost);
		fg_pgarr_add(&arr[K_MINPCT], c->min_change_percent);
		fg_pgarr_add(&arr[K_MINAMT], c->min_change_amount);
		fg_pgarr_add(&arr[K_DIPS], c->dips ? "t" : "f");
		if (c->lookback_weeks > weeks)
			weeks = c->lookback_weeks;
	}
	for (int i = 0; i < set->nsev; i++) {
		fg_pgarr_add(&arr[K_SEVFROM], set->sev_amount[i]);
		fg_pgarr_add(&arr[K_SEVNAME], set->sev_name[i]);
	}
	for (k = 0; k < K_COUNT; k++)
		if ((p[k] = fg_pgarr_finish(&arr[k])) == NULL) {
			rc = FG_ERR_INTERNAL;
			goto out;
		}
	fg_date_format(from, sfrom, sizeof(sfrom));
	fg_date_format(to, sto, sizeof(sto));
	fg_date_format(from - 7L * weeks, sscan, sizeof(sscan));
	const struct fg_sql_arg args[] = {
		{ "connectors", p[K_CONNECTOR] },
		{ "currencies", p[K_CURRENCY] },
		{ "dimensions", p[K_DIMS] },
		{ "sensitivities", p[K_SENS] },
		{ "lookback_weeks", p[K_WEEKS] },
		{ "min_history_days", p[K_MINHIST] },
		{ "min_daily_costs", p[K_MINCOST] },
		{ "min_change_percents", p[K_MINPCT] },
		{ "min_change_amounts", p[K_MINAMT] },
		{ "dips", p[K_DIPS] },
		{ "severity_from", p[K_SEVFROM] },
		{ "severity_names", p[K_SEVNAME] },
		{ "eval_from", sfrom },
		{ "eval_to", sto },
		{ "scan_from", sscan },
	};
	/*
	 * As for budgets (budget_eval.c): the estimates of a statement over
	 * unnested parameters are far above jit_above_cost, and compiling it
	 * costs more than running it; its sorts and hashes fit 64 MB.
	 */
	if ((rc = fg_db_exec(db, "tune the session",
			     "SELECT set_config('jit', 'off', false),"
			     " set_config('max_parallel_workers_per_gather', '0', false),"
			     " set_config('work_mem', '64MB', false)",
			     0, NULL)) < 0)
		goto out;
	*out = fg_sql_query(db, &rc, "evaluate cost anomalies", &fg_sql_budgets_anomaly_evaluate, args,
			    FG_SQL_COUNT(args));
	if (*out != NULL && PQnfields(*out) != AN_NCOLS) {
		fg_error("cannot evaluate cost anomalies: %d columns, expected %d", PQnfields(*out),
			 AN_NCOLS);
		PQclear(*out);
		*out = NULL;
		rc = FG_ERR_INTERNAL;
	}
out:
	for (k = 0; k < K_COUNT; k++)
		fg_pgarr_release(&arr[k]);
	return rc;
}

bool fg_anomaly_row_anomalous(const PGresult *ev, int row)
{
	const char *v = PQgetvalue(ev, row, AN_VERDICT);
	return strcmp(v, "spike") == 0 || strcmp(v, "dip") == 0;
}

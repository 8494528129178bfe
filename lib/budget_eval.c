/*
 * budget_eval.c - spend, percent and forecast of every budget in one query.
 *
 * The selected budgets travel as array parameters (one per column) and
 * are unnested in SQL, so one statement evaluates any number of budgets
 * and works on a dry run, when nothing may be written.  The statement:
 *
 *   1. takes each budget's scope as units, built in C: (connector, '*',
 *      '*') for account, (connector, TYPE, '*') for service:TYPE,
 *      (connector, 'WAREHOUSE_METERING', NAME) for warehouse:NAME (left out
 *      when the same budget also has service:WAREHOUSE_METERING, so no
 *      cost row counts twice);
 *   2. aggregates daily_costs once per (connector, service type, entity)
 *      into the spend in each current period in use and today, then
 *      rolls that small result up to (connector, type) and (connector);
 *   3. builds per unit and ISO weekday the samples of the last four weeks
 *      of complete days (today excluded; days without rows count as zero).
 *      When the connector's data starts less than 28 days ago, every
 *      weekday uses the last 7 complete days instead;
 *   4. projects each unit: for each remaining day of the period (today
 *      included) the mean of that weekday's samples; the band uses the
 *      smallest and largest sample;
 *   5. sums the units of each budget.
 *
 * forecast = spend before today + projection of the remaining days, and
 * never less than the spend so far.  A forecast alert needs 3 complete
 * days of data in the period.  Money stays NUMERIC; C only sees text.
 */
#include "budget_eval.h"
#include "budget_array.h"
#include "clock.h"
#include "db.h"
#include "exitcode.h"
#include "log.h"

#include <stdlib.h>
#include <string.h>

static const char eval_sql[] =
    "WITH b AS ("
    " SELECT t.idx::int AS idx, t.name, t.connector, t.amount, t.period, t.thr::int[] AS thr"
    " FROM unnest($2::text[], $3::text[], $4::numeric[], $5::text[], $6::text[])"
    "  WITH ORDINALITY AS t(name, connector, amount, period, thr, idx)),"
    " p AS (SELECT * FROM unnest($7::text[], $8::date[], $9::date[]) AS t(period, ps, pe)),"
    /* Flat parameters, not per-row unnest: the planner then knows the row counts. */
    " bu AS ("
    "  SELECT a.idx, b.connector, a.st, a.ent"
    "  FROM unnest($10::int[], $11::text[], $12::text[]) AS a(idx, st, ent) JOIN b USING (idx)),"
    " cw AS ("
    "  SELECT c.connector, c.first_day,"
    "   coalesce(c.first_day <= $1::date - 28, false) AS full4,"
    "   CASE WHEN c.first_day <= $1::date - 28 THEN $1::date - 28"
    "    ELSE greatest($1::date - 7, c.first_day) END AS slo,"
    "   CASE WHEN c.first_day IS NULL THEN 0 WHEN c.first_day <= $1::date - 28 THEN 4"
    "    ELSE greatest(0, $1::date - greatest($1::date - 7, c.first_day)) END AS ns"
    "  FROM (SELECT cn.connector,"
    "    (SELECT min(d.day) FROM daily_costs d WHERE d.connector = cn.connector) AS first_day"
    "   FROM (SELECT DISTINCT connector FROM b) cn) c),"
    " pp AS (SELECT"
    "   max(ps) FILTER (WHERE period = 'daily') AS pd, max(ps) FILTER (WHERE period = 'weekly') AS pw,"
    "   max(ps) FILTER (WHERE period = 'monthly') AS pm,"
    "   max(ps) FILTER (WHERE period = 'quarterly') AS pq,"
    "   max(ps) FILTER (WHERE period = 'yearly') AS py,"
    "   least(min(ps), $1::date - 28) AS lo FROM p),"
    /*
     * Aggregate the raw rows at their own grain first (hash aggregation on
     * known statistics, no per-row function calls), then fold names to upper
     * case on the small result.
     */
    " t3 AS ("
    "  SELECT g.connector, upper(g.service_type) AS st, upper(g.entity) AS ent,"
    "   sum(g.s_daily) AS s_daily, sum(g.s_weekly) AS s_weekly, sum(g.s_monthly) AS s_monthly,"
    "   sum(g.s_quarterly) AS s_quarterly, sum(g.s_yearly) AS s_yearly, sum(g.s_today) AS s_today"
    "  FROM (SELECT d.connector, d.service_type, d.entity,"
    "    sum(d.cost) FILTER (WHERE d.day >= pp.pd) AS s_daily,"
    "    sum(d.cost) FILTER (WHERE d.day >= pp.pw) AS s_weekly,"
    "    sum(d.cost) FILTER (WHERE d.day >= pp.pm) AS s_monthly,"
    "    sum(d.cost) FILTER (WHERE d.day >= pp.pq) AS s_quarterly,"
    "    sum(d.cost) FILTER (WHERE d.day >= pp.py) AS s_yearly,"
    "    sum(d.cost) FILTER (WHERE d.day = $1::date) AS s_today"
    "   FROM daily_costs d CROSS JOIN pp"
    "   WHERE d.connector IN (SELECT connector FROM cw) AND d.day >= pp.lo AND d.day <= $1::date"
    "   GROUP BY d.connector, d.service_type, d.entity) g"
    "  GROUP BY 1, 2, 3),"
    " tot AS ("
    "  SELECT * FROM t3"
    "  UNION ALL"
    "  SELECT connector, st, '*', sum(s_daily), sum(s_weekly), sum(s_monthly), sum(s_quarterly),"
    "   sum(s_yearly), sum(s_today) FROM t3 GROUP BY connector, st"
    "  UNION ALL"
    "  SELECT connector, '*', '*', sum(s_daily), sum(s_weekly), sum(s_monthly), sum(s_quarterly),"
    "   sum(s_yearly), sum(s_today) FROM t3 GROUP BY connector),"
    " h3 AS ("
    "  SELECT d.connector, upper(d.service_type) AS st, upper(d.entity) AS ent, d.day, sum(d.cost) AS v"
    "  FROM daily_costs d WHERE d.connector IN (SELECT connector FROM cw)"
    "   AND d.day >= $1::date - 28 AND d.day < $1::date GROUP BY 1, 2, 3, 4),"
    " h AS ("
    "  SELECT * FROM h3"
    "  UNION ALL SELECT connector, st, '*', day, sum(v) FROM h3 GROUP BY connector, st, day"
    "  UNION ALL SELECT connector, '*', '*', day, sum(v) FROM h3 GROUP BY connector, day),"
    " sm AS ("
    "  SELECT h.connector, h.st, h.ent,"
    "   CASE WHEN cw.full4 THEN extract(isodow FROM h.day)::int ELSE 0 END AS dow,"
    "   sum(h.v) AS s, count(*) AS n, min(h.v) AS mn, max(h.v) AS mx"
    "  FROM h JOIN cw ON cw.connector = h.connector WHERE h.day >= cw.slo"
    "  GROUP BY 1, 2, 3, 4),"
    " rem AS ("
    "  SELECT p.period, extract(isodow FROM g.d)::int AS dow, count(*) AS cnt"
    "  FROM p CROSS JOIN generate_series($1::date, p.pe, interval '1 day') AS g(d)"
    "  WHERE p.period IN (SELECT period FROM b) GROUP BY 1, 2),"
    " up AS (SELECT DISTINCT bu.connector, bu.st, bu.ent, b.period FROM bu JOIN b USING (idx)),"
    " uf AS ("
    "  SELECT up.connector, up.st, up.ent, up.period,"
    "   coalesce(sum(rem.cnt * sm.s / nullif(cw.ns, 0)), 0) AS f_mid,"
    "   coalesce(sum(rem.cnt * CASE WHEN sm.n < cw.ns THEN 0 ELSE sm.mn END), 0) AS f_lo,"
    "   coalesce(sum(rem.cnt * sm.mx), 0) AS f_hi"
    "  FROM up JOIN cw ON cw.connector = up.connector"
    "  JOIN rem ON rem.period = up.period"
    "  LEFT JOIN sm ON sm.connector = up.connector AND sm.st = up.st AND sm.ent = up.ent"
    "   AND sm.dow = CASE WHEN cw.full4 THEN rem.dow ELSE 0 END"
    "  GROUP BY 1, 2, 3, 4),"
    " bs AS ("
    "  SELECT bu.idx,"
    "   sum(CASE b.period WHEN 'daily' THEN t.s_daily WHEN 'weekly' THEN t.s_weekly"
    "    WHEN 'monthly' THEN t.s_monthly WHEN 'quarterly' THEN t.s_quarterly"
    "    ELSE t.s_yearly END) AS spend,"
    "   sum(t.s_today) AS today, sum(uf.f_mid) AS f_mid, sum(uf.f_lo) AS f_lo, sum(uf.f_hi) AS f_hi"
    "  FROM bu JOIN b USING (idx)"
    "  LEFT JOIN tot t ON t.connector = bu.connector AND t.st = bu.st AND t.ent = bu.ent"
    "  LEFT JOIN uf ON uf.connector = bu.connector AND uf.st = bu.st AND uf.ent = bu.ent"
    "   AND uf.period = b.period"
    "  GROUP BY bu.idx),"
    " x AS ("
    "  SELECT b.idx, b.name, b.amount, b.thr, p.ps, p.pe, cw.first_day,"
    "   coalesce(bs.spend, 0) AS spend, coalesce(bs.spend, 0) - coalesce(bs.today, 0) AS done,"
    "   coalesce(bs.f_mid, 0) AS f_mid, coalesce(bs.f_lo, 0) AS f_lo, coalesce(bs.f_hi, 0) AS f_hi"
    "  FROM b JOIN p USING (period) JOIN cw USING (connector) LEFT JOIN bs USING (idx)),"
    /* Alerts already recorded for the current periods, joined once. */
    " ea AS ("
    "  SELECT bg.name, ba.period_start, array_agg(ba.kind || ':' || ba.threshold) AS done_alerts"
    "  FROM budget_alerts ba JOIN budgets bg ON bg.id = ba.budget_id"
    "  WHERE ba.period_start IN (SELECT ps FROM p) GROUP BY 1, 2)"
    " SELECT x.idx, x.ps, x.pe, x.spend,"
    "  round(x.spend, 2), round(x.amount, 2), round(x.spend * 100 / x.amount, 2),"
    "  round(x.amount - x.spend, 2),"
    "  greatest(x.done + x.f_mid, x.spend),"
    "  round(greatest(x.done + x.f_mid, x.spend), 2),"
    "  round(greatest(x.done + x.f_lo, x.spend), 2),"
    "  round(greatest(x.done + x.f_hi, x.spend), 2),"
    "  $1::date - x.ps, x.pe - $1::date + 1,"
    "  coalesce($1::date - greatest(x.ps, x.first_day) >= 3, false),"
    "  x.spend >= x.amount,"
    "  greatest(x.done + x.f_mid, x.spend) >= x.amount,"
    "  (SELECT array_agg(t.v ORDER BY t.v) FROM unnest(x.thr) AS t(v)"
    "   WHERE x.spend * 100 >= t.v * x.amount),"
    "  ea.done_alerts,"
    "  round(greatest(x.done + x.f_mid, x.spend) * 100 / x.amount, 2)"
    " FROM x LEFT JOIN ea ON ea.name = x.name AND ea.period_start = x.ps ORDER BY x.idx";

/* One part of a budget's scope: (service type, entity), '*' for any. */
static void add_unit(struct fg_pgarr *arr, int idx, const char *st, const char *ent)
{
	fg_pgarr_addf(&arr[8], "%d", idx);
	fg_pgarr_add(&arr[9], st);
	fg_pgarr_add(&arr[10], ent);
}

int fg_budget_eval_query(PGconn *db, const struct fg_budget_set *set, long as_of, PGresult **out)
{
	struct fg_pgarr arr[11];
	const char *params[12];
	char asof[16], buf[16];
	int rc = 0, k, idx = 0;
	bool used[FG_PERIOD_COUNT] = {false};

	*out = NULL;
	for (k = 0; k < 11; k++)
		if (fg_pgarr_init(&arr[k]) < 0) {
			rc = FG_ERR_INTERNAL;
			goto out;
		}
	for (int i = 0; i < set->n; i++) {
		const struct fg_budget *b = &set->v[i];
		bool all_compute = false;
		if (!b->selected)
			continue;
		idx++;
		used[b->period] = true;
		fg_pgarr_add(&arr[0], b->name);
		fg_pgarr_add(&arr[1], b->connector);
		fg_pgarr_add(&arr[2], b->amount);
		fg_pgarr_add(&arr[3], fg_period_name(b->period));
		if (fg_pgarr_add_list(&arr[4], NULL, b->thresholds, b->nthresholds) < 0) {
			rc = FG_ERR_INTERNAL;
			goto out;
		}
		if (b->account)
			add_unit(arr, idx, "*", "*");
		for (int j = 0; j < b->nservices; j++) {
			add_unit(arr, idx, b->services[j], "*");
			all_compute |= strcmp(b->services[j], "WAREHOUSE_METERING") == 0;
		}
		/* service:WAREHOUSE_METERING already holds every warehouse's compute. */
		for (int j = 0; j < b->nwarehouses && !all_compute; j++)
			add_unit(arr, idx, "WAREHOUSE_METERING", b->warehouses[j]);
	}
	/* Only the periods in use: the scan starts at the earliest of them. */
	for (int p = 0; p < FG_PERIOD_COUNT; p++) {
		long s, e;
		if (!used[p])
			continue;
		fg_period_bounds((enum fg_period)p, as_of, &s, &e);
		fg_pgarr_add(&arr[5], fg_period_name((enum fg_period)p));
		fg_date_format(s, buf, sizeof(buf));
		fg_pgarr_add(&arr[6], buf);
		fg_date_format(e, buf, sizeof(buf));
		fg_pgarr_add(&arr[7], buf);
	}
	fg_date_format(as_of, asof, sizeof(asof));
	params[0] = asof;
	for (k = 0; k < 11; k++)
		if ((params[k + 1] = fg_pgarr_finish(&arr[k])) == NULL) {
			rc = FG_ERR_INTERNAL;
			goto out;
		}
	/*
	 * The evaluation's cost estimates (unnested parameters) are far above
	 * jit_above_cost: compiling it took seconds, running it a fraction of
	 * that.  Parallel workers did not pay off either for the few tens of
	 * thousands of rows it reads.  Session settings: the connection is ours.
	 */
	if ((rc = fg_db_exec(db, "tune the session",
	                     "SELECT set_config('jit', 'off', false),"
	                     " set_config('max_parallel_workers_per_gather', '0', false)",
	                     0, NULL)) < 0)
		goto out;
	*out = fg_db_query(db, &rc, "evaluate budgets", eval_sql, 12, params);
out:
	for (k = 0; k < 11; k++)
		fg_pgarr_release(&arr[k]);
	return rc;
}

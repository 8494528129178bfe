-- Spend, percent and forecast of every selected budget, in one statement.
--
-- The budgets travel as array parameters (one per column) unnested here,
-- so one statement evaluates any number of them and works on a dry run.
-- budget_eval.c numbers the distinct scope units (connector, service type,
-- entity; '*' for any) and the distinct (unit, period) pairs, works out the
-- distinct period starts (:start1, today's, to :start6, NULL when unused),
-- the slot of each period among them, the first day to scan (:scan_from)
-- and the Monday the samples count from (:sample_monday), so the planner
-- sees the scan's bounds as values.  :as_of is today.  The statement then:
--
--   1. reads the cost rows of the periods in use and of the sample window
--      once, aggregated at their own grain (connector, service type,
--      entity): the spend since each distinct period start (today's start
--      first), and per ISO weekday the array of sample costs (complete
--      days of the last four weeks, or of the last 7 days when the
--      connector's data starts less than 28 days ago);
--   2. folds names to upper case on that small result and rolls the spend
--      up to (connector, type) and (connector); units whose samples need
--      sums per day first (type or account units, or several names folding
--      into one) get them from the sample rows, only when some budget has
--      one;
--   3. takes per unit and weekday the sum, count, min and max of its
--      samples (days without rows count as zero), and per (unit, period)
--      projects each remaining day of the period (today included) at the
--      mean of that weekday's samples; the band uses the smallest and
--      largest sample, a day without rows counting as a sample of zero;
--   4. gives a budget of one unit that unit's figures and adds up the
--      units of the others.
--
-- A user:, role: or query_tag: scope is one unit whose service is
-- '@USER', '@ROLE' or '@QUERY_TAG' and whose entity is its list of names
-- (budget_attr.c).  Its rows come from attribution_daily: each name of
-- :attr_names matches by equality, or by the regular expression in
-- :attr_regexes when it has a '*'; a stored name matching several names of
-- one list counts once.  The names match the distinct stored names (a few
-- thousand, found by index probes), not the rows (a row per name and
-- day), and each unit then reads the rows of its own names through the
-- index on (connector, dimension, name, day), summed per day.  Those rows
-- join step 1 as cost rows of that unit, and stay out of the connector's
-- total.  A budget of such a scope (:budget_attr) on a connector whose
-- last sync could not read the attribution is not evaluated (the last
-- column).
--
-- Money stays NUMERIC, summed in the same terms as a per-day, per-weekday
-- aggregation would (the figures are exact to the last digit and scale).

-- The selected budgets; pid: the (unit, period) pair that is the budget's
-- figures, NULL when it adds up several (multi_budgets, multi_pairs).
WITH b AS (
	SELECT t.idx::int AS idx, t.name, t.connector, t.amount, t.period, t.pid, t.attr
	FROM unnest(:budget_names::text[], :budget_connectors::text[], :budget_amounts::numeric[],
		:budget_periods::text[], :budget_pairs::int[], :budget_attr::bool[])
		WITH ORDINALITY AS t(name, connector, amount, period, pid, attr, idx)),
-- Periods in use; slot: which of the spend sums since a start is theirs.
p AS (
	SELECT t.period, t.ps, t.pe, t.slot
	FROM unnest(:period_names::text[], :period_starts::date[], :period_ends::date[], :period_slots::int[])
		AS t(period, ps, pe, slot)),
-- Per connector in use: its first day of data, and the sample window
-- (slo on) and size (ns) -- four weeks, else the last 7 days.
cw AS (
	SELECT c.connector, c.first_day,
		coalesce(c.first_day <= :as_of::date - 28, false) AS full4,
		CASE WHEN c.first_day <= :as_of::date - 28 THEN :as_of::date - 28
			ELSE greatest(:as_of::date - 7, c.first_day) END AS slo,
		CASE WHEN c.first_day IS NULL THEN 0 WHEN c.first_day <= :as_of::date - 28 THEN 4
			ELSE greatest(0, :as_of::date - greatest(:as_of::date - 7, c.first_day)) END AS ns,
		c.attr_ok
	FROM (SELECT cn.connector,
			(SELECT min(d.day) FROM daily_costs d WHERE d.connector = cn.connector) AS first_day,
			coalesce((SELECT s.available FROM attribution_state s WHERE s.connector = cn.connector),
				false) AS attr_ok
		FROM unnest(:connectors::text[]) AS cn(connector) OFFSET 0) c),
-- Attribution units: one row per name (an); the distinct stored names
-- (avn), each found from the last by one probe of attribution_daily_name
-- where a scan would read every row; the stored names each name matches
-- (am); per unit, its stored names (au) and their cost per day (ar).
an AS (
	SELECT t.connector, t.unit, lower(substr(t.unit, 2)) AS dim, t.ent, t.name, t.rx
	FROM unnest(:attr_connectors::text[], :attr_units::text[], :attr_entities::text[],
		:attr_names::text[], :attr_regexes::text[]) AS t(connector, unit, ent, name, rx)),
avn AS (
	WITH RECURSIVE w AS (
		SELECT n.connector, n.dimension, n.name
		FROM unnest(:connectors::text[]) AS c(connector) CROSS JOIN LATERAL (
			SELECT a.connector, a.dimension, a.name FROM attribution_daily a
			WHERE EXISTS (SELECT 1 FROM an) AND a.connector = c.connector
			ORDER BY a.dimension, a.name LIMIT 1) n
		UNION ALL
		SELECT n.connector, n.dimension, n.name
		FROM w CROSS JOIN LATERAL (
			SELECT a.connector, a.dimension, a.name FROM attribution_daily a
			WHERE a.connector = w.connector AND (a.dimension, a.name) > (w.dimension, w.name)
			ORDER BY a.dimension, a.name LIMIT 1) n)
	SELECT connector, dimension, name FROM w),
am AS (
	SELECT an.connector, an.unit, an.ent, avn.dimension, avn.name
	FROM an JOIN avn ON avn.connector = an.connector AND avn.dimension = an.dim
		AND upper(avn.name) = an.name
	WHERE an.rx IS NULL
	UNION
	SELECT an.connector, an.unit, an.ent, avn.dimension, avn.name
	FROM an JOIN avn ON avn.connector = an.connector AND avn.dimension = an.dim
	WHERE an.rx IS NOT NULL AND upper(avn.name) ~ an.rx),
au AS (
	SELECT connector, unit, ent, dimension, array_agg(name) AS names FROM am GROUP BY 1, 2, 3, 4),
ar AS (
	SELECT au.connector, au.unit AS service_type, au.ent AS entity, d.day, d.cost
	FROM au CROSS JOIN LATERAL (
		SELECT a.day, sum(a.cost) AS cost FROM attribution_daily a
		WHERE a.connector = au.connector AND a.dimension = au.dimension AND a.name = ANY (au.names)
			AND a.day >= :scan_from::date AND a.day <= :as_of::date
		GROUP BY a.day) d),
-- 1. One pass over the cost rows: spend since each start, samples per
-- weekday.
g AS (
	SELECT d.connector, d.service_type, d.entity,
		sum(d.cost) FILTER (WHERE d.day >= :start1::date) AS c1,
		sum(d.cost) FILTER (WHERE d.day >= :start2::date) AS c2,
		sum(d.cost) FILTER (WHERE d.day >= :start3::date) AS c3,
		sum(d.cost) FILTER (WHERE d.day >= :start4::date) AS c4,
		sum(d.cost) FILTER (WHERE d.day >= :start5::date) AS c5,
		sum(d.cost) FILTER (WHERE d.day >= :start6::date) AS c6,
		array_agg(d.cost) FILTER (WHERE d.k = 1) AS a1, array_agg(d.cost) FILTER (WHERE d.k = 2) AS a2,
		array_agg(d.cost) FILTER (WHERE d.k = 3) AS a3, array_agg(d.cost) FILTER (WHERE d.k = 4) AS a4,
		array_agg(d.cost) FILTER (WHERE d.k = 5) AS a5, array_agg(d.cost) FILTER (WHERE d.k = 6) AS a6,
		array_agg(d.cost) FILTER (WHERE d.k = 7) AS a7
	FROM (SELECT x.connector, x.service_type, x.entity, x.day, x.cost,
			CASE WHEN x.day >= cw.slo AND x.day < :as_of::date
				THEN (x.day - :sample_monday::date) % 7 + 1 END AS k
		FROM cw JOIN (SELECT connector, service_type, entity, day, cost FROM daily_costs
				WHERE connector = ANY (:connectors::text[]) AND day >= :scan_from::date
					AND day <= :as_of::date
			UNION ALL
			SELECT connector, service_type, entity, day, cost FROM ar) x
			ON x.connector = cw.connector) d
	GROUP BY 1, 2, 3),
-- 2. Names folded to upper case on that small result, the spend rolled up
-- to (connector, type) and (connector).
f AS (
	SELECT connector, upper(service_type) AS st, upper(entity) AS ent, count(*) AS nraw,
		sum(c1) AS c1, sum(c2) AS c2, sum(c3) AS c3, sum(c4) AS c4, sum(c5) AS c5, sum(c6) AS c6,
		min(a1) AS a1, min(a2) AS a2, min(a3) AS a3, min(a4) AS a4, min(a5) AS a5, min(a6) AS a6,
		min(a7) AS a7
	FROM g GROUP BY 1, 2, 3),
tot AS (
	SELECT connector, st, ent, c1, c2, c3, c4, c5, c6 FROM f
	UNION ALL
	SELECT connector, st, '*', sum(c1), sum(c2), sum(c3), sum(c4), sum(c5), sum(c6)
	FROM f GROUP BY connector, st
	UNION ALL
	SELECT connector, '*', '*', sum(c1), sum(c2), sum(c3), sum(c4), sum(c5), sum(c6)
	FROM f WHERE st NOT LIKE '@%' GROUP BY connector),
un AS (
	SELECT u.uid::int AS uid, u.connector, u.st, u.ent
	FROM unnest(:unit_connectors::text[], :unit_services::text[], :unit_entities::text[])
		WITH ORDINALITY AS u(connector, st, ent, uid)),
-- Units whose samples need sums per day first: several names folding into
-- one (cu); type and account units (rd, dd), only when some budget has one.
cu AS (
	SELECT f.connector, f.st, f.ent FROM f
	WHERE f.nraw > 1 AND EXISTS (SELECT 1 FROM un
		WHERE un.connector = f.connector AND un.st = f.st AND un.ent = f.ent)),
rd AS (
	SELECT x.connector, x.service_type, x.day, sum(x.cost) AS v
	FROM cw JOIN daily_costs x ON x.connector = cw.connector
		AND x.day >= cw.slo AND x.day >= :as_of::date - 28 AND x.day < :as_of::date
	WHERE EXISTS (SELECT 1 FROM un WHERE un.ent = '*')
	GROUP BY 1, 2, 3),
dd AS (
	SELECT connector, upper(service_type) AS st, '*' AS ent, day, sum(v) AS v
	FROM rd GROUP BY 1, 2, 4
	UNION ALL
	SELECT connector, '*', '*', day, sum(v) FROM rd GROUP BY connector, day
	UNION ALL
	SELECT x.connector, upper(x.service_type), upper(x.entity), x.day, sum(x.cost)
	FROM cw JOIN daily_costs x ON x.connector = cw.connector
		AND x.day >= cw.slo AND x.day >= :as_of::date - 28 AND x.day < :as_of::date
	WHERE EXISTS (SELECT 1 FROM cu)
		AND (x.connector, upper(x.service_type), upper(x.entity)) IN (SELECT * FROM cu)
	GROUP BY 1, 2, 3, 4),
ua AS (
	SELECT connector, st, ent, a1, a2, a3, a4, a5, a6, a7 FROM f WHERE nraw = 1
	UNION ALL
	SELECT y.connector, y.st, y.ent,
		array_agg(y.v) FILTER (WHERE y.k = 1), array_agg(y.v) FILTER (WHERE y.k = 2),
		array_agg(y.v) FILTER (WHERE y.k = 3), array_agg(y.v) FILTER (WHERE y.k = 4),
		array_agg(y.v) FILTER (WHERE y.k = 5), array_agg(y.v) FILTER (WHERE y.k = 6),
		array_agg(y.v) FILTER (WHERE y.k = 7)
	FROM (SELECT dd.*, (dd.day - :sample_monday::date) % 7 + 1 AS k FROM dd) y GROUP BY 1, 2, 3),
-- 3. Per unit and weekday: sum, count, min and max of the samples (days
-- without rows count as zero).
us AS (
	SELECT un.uid, cw.ns, t.c1, t.c2, t.c3, t.c4, t.c5, t.c6,
		CASE WHEN cw.full4 THEN a.a1[1] + coalesce(a.a1[2], 0) + coalesce(a.a1[3], 0) + coalesce(a.a1[4], 0)
			ELSE q.s END AS s1,
		CASE WHEN cw.full4 THEN a.a2[1] + coalesce(a.a2[2], 0) + coalesce(a.a2[3], 0) + coalesce(a.a2[4], 0)
			ELSE q.s END AS s2,
		CASE WHEN cw.full4 THEN a.a3[1] + coalesce(a.a3[2], 0) + coalesce(a.a3[3], 0) + coalesce(a.a3[4], 0)
			ELSE q.s END AS s3,
		CASE WHEN cw.full4 THEN a.a4[1] + coalesce(a.a4[2], 0) + coalesce(a.a4[3], 0) + coalesce(a.a4[4], 0)
			ELSE q.s END AS s4,
		CASE WHEN cw.full4 THEN a.a5[1] + coalesce(a.a5[2], 0) + coalesce(a.a5[3], 0) + coalesce(a.a5[4], 0)
			ELSE q.s END AS s5,
		CASE WHEN cw.full4 THEN a.a6[1] + coalesce(a.a6[2], 0) + coalesce(a.a6[3], 0) + coalesce(a.a6[4], 0)
			ELSE q.s END AS s6,
		CASE WHEN cw.full4 THEN a.a7[1] + coalesce(a.a7[2], 0) + coalesce(a.a7[3], 0) + coalesce(a.a7[4], 0)
			ELSE q.s END AS s7,
		CASE WHEN cw.full4 THEN cardinality(a.a1) ELSE q.n END AS n1,
		CASE WHEN cw.full4 THEN cardinality(a.a2) ELSE q.n END AS n2,
		CASE WHEN cw.full4 THEN cardinality(a.a3) ELSE q.n END AS n3,
		CASE WHEN cw.full4 THEN cardinality(a.a4) ELSE q.n END AS n4,
		CASE WHEN cw.full4 THEN cardinality(a.a5) ELSE q.n END AS n5,
		CASE WHEN cw.full4 THEN cardinality(a.a6) ELSE q.n END AS n6,
		CASE WHEN cw.full4 THEN cardinality(a.a7) ELSE q.n END AS n7,
		CASE WHEN cw.full4 THEN least(a.a1[1], a.a1[2], a.a1[3], a.a1[4]) ELSE q.mn END AS mn1,
		CASE WHEN cw.full4 THEN least(a.a2[1], a.a2[2], a.a2[3], a.a2[4]) ELSE q.mn END AS mn2,
		CASE WHEN cw.full4 THEN least(a.a3[1], a.a3[2], a.a3[3], a.a3[4]) ELSE q.mn END AS mn3,
		CASE WHEN cw.full4 THEN least(a.a4[1], a.a4[2], a.a4[3], a.a4[4]) ELSE q.mn END AS mn4,
		CASE WHEN cw.full4 THEN least(a.a5[1], a.a5[2], a.a5[3], a.a5[4]) ELSE q.mn END AS mn5,
		CASE WHEN cw.full4 THEN least(a.a6[1], a.a6[2], a.a6[3], a.a6[4]) ELSE q.mn END AS mn6,
		CASE WHEN cw.full4 THEN least(a.a7[1], a.a7[2], a.a7[3], a.a7[4]) ELSE q.mn END AS mn7,
		CASE WHEN cw.full4 THEN greatest(a.a1[1], a.a1[2], a.a1[3], a.a1[4]) ELSE q.mx END AS mx1,
		CASE WHEN cw.full4 THEN greatest(a.a2[1], a.a2[2], a.a2[3], a.a2[4]) ELSE q.mx END AS mx2,
		CASE WHEN cw.full4 THEN greatest(a.a3[1], a.a3[2], a.a3[3], a.a3[4]) ELSE q.mx END AS mx3,
		CASE WHEN cw.full4 THEN greatest(a.a4[1], a.a4[2], a.a4[3], a.a4[4]) ELSE q.mx END AS mx4,
		CASE WHEN cw.full4 THEN greatest(a.a5[1], a.a5[2], a.a5[3], a.a5[4]) ELSE q.mx END AS mx5,
		CASE WHEN cw.full4 THEN greatest(a.a6[1], a.a6[2], a.a6[3], a.a6[4]) ELSE q.mx END AS mx6,
		CASE WHEN cw.full4 THEN greatest(a.a7[1], a.a7[2], a.a7[3], a.a7[4]) ELSE q.mx END AS mx7
	FROM un JOIN cw USING (connector)
	LEFT JOIN tot t ON t.connector = un.connector AND t.st = un.st AND t.ent = un.ent
	LEFT JOIN ua a ON a.connector = un.connector AND a.st = un.st AND a.ent = un.ent
	CROSS JOIN LATERAL (SELECT CASE WHEN cw.full4 THEN NULL
			ELSE coalesce(cardinality(a.a1), 0) + coalesce(cardinality(a.a2), 0)
				+ coalesce(cardinality(a.a3), 0) + coalesce(cardinality(a.a4), 0)
				+ coalesce(cardinality(a.a5), 0) + coalesce(cardinality(a.a6), 0)
				+ coalesce(cardinality(a.a7), 0) END AS n0) q0
	CROSS JOIN LATERAL (SELECT nullif(q0.n0, 0) AS n,
			CASE WHEN q0.n0 > 0 THEN coalesce(a.a1[1], 0) + coalesce(a.a2[1], 0) + coalesce(a.a3[1], 0)
				+ coalesce(a.a4[1], 0) + coalesce(a.a5[1], 0) + coalesce(a.a6[1], 0)
				+ coalesce(a.a7[1], 0) END AS s,
			least(a.a1[1], a.a2[1], a.a3[1], a.a4[1], a.a5[1], a.a6[1], a.a7[1]) AS mn,
			greatest(a.a1[1], a.a2[1], a.a3[1], a.a4[1], a.a5[1], a.a6[1], a.a7[1]) AS mx) q),
rm AS (
	SELECT p.period,
		count(*) FILTER (WHERE w.dw = 1) AS r1, count(*) FILTER (WHERE w.dw = 2) AS r2,
		count(*) FILTER (WHERE w.dw = 3) AS r3, count(*) FILTER (WHERE w.dw = 4) AS r4,
		count(*) FILTER (WHERE w.dw = 5) AS r5, count(*) FILTER (WHERE w.dw = 6) AS r6,
		count(*) FILTER (WHERE w.dw = 7) AS r7
	FROM p CROSS JOIN generate_series(:as_of::date, p.pe, interval '1 day') AS g(d)
	CROSS JOIN LATERAL (SELECT extract(isodow FROM g.d)::int AS dw) w GROUP BY 1),
-- Per (unit, period): spend, today, and the projection of the remaining
-- days (today included) at the mean of that weekday's samples; the band
-- uses the smallest and largest sample, a day without rows counting as a
-- sample of zero.
pf AS (
	SELECT q.pid::int AS pid,
		CASE p.slot WHEN 1 THEN us.c1 WHEN 2 THEN us.c2 WHEN 3 THEN us.c3 WHEN 4 THEN us.c4
			WHEN 5 THEN us.c5 ELSE us.c6 END AS spend, us.c1 AS today,
		coalesce(CASE WHEN rm.r1 > 0 THEN rm.r1 * us.s1 / nullif(us.ns, 0) END, 0)
		+ coalesce(CASE WHEN rm.r2 > 0 THEN rm.r2 * us.s2 / nullif(us.ns, 0) END, 0)
		+ coalesce(CASE WHEN rm.r3 > 0 THEN rm.r3 * us.s3 / nullif(us.ns, 0) END, 0)
		+ coalesce(CASE WHEN rm.r4 > 0 THEN rm.r4 * us.s4 / nullif(us.ns, 0) END, 0)
		+ coalesce(CASE WHEN rm.r5 > 0 THEN rm.r5 * us.s5 / nullif(us.ns, 0) END, 0)
		+ coalesce(CASE WHEN rm.r6 > 0 THEN rm.r6 * us.s6 / nullif(us.ns, 0) END, 0)
		+ coalesce(CASE WHEN rm.r7 > 0 THEN rm.r7 * us.s7 / nullif(us.ns, 0) END, 0) AS f_mid,
		coalesce(CASE WHEN rm.r1 > 0 THEN rm.r1 *
			CASE WHEN us.n1 < us.ns THEN least(us.mn1, 0) ELSE us.mn1 END END, 0)
		+ coalesce(CASE WHEN rm.r2 > 0 THEN rm.r2 *
			CASE WHEN us.n2 < us.ns THEN least(us.mn2, 0) ELSE us.mn2 END END, 0)
		+ coalesce(CASE WHEN rm.r3 > 0 THEN rm.r3 *
			CASE WHEN us.n3 < us.ns THEN least(us.mn3, 0) ELSE us.mn3 END END, 0)
		+ coalesce(CASE WHEN rm.r4 > 0 THEN rm.r4 *
			CASE WHEN us.n4 < us.ns THEN least(us.mn4, 0) ELSE us.mn4 END END, 0)
		+ coalesce(CASE WHEN rm.r5 > 0 THEN rm.r5 *
			CASE WHEN us.n5 < us.ns THEN least(us.mn5, 0) ELSE us.mn5 END END, 0)
		+ coalesce(CASE WHEN rm.r6 > 0 THEN rm.r6 *
			CASE WHEN us.n6 < us.ns THEN least(us.mn6, 0) ELSE us.mn6 END END, 0)
		+ coalesce(CASE WHEN rm.r7 > 0 THEN rm.r7 *
			CASE WHEN us.n7 < us.ns THEN least(us.mn7, 0) ELSE us.mn7 END END, 0)
		AS f_lo,
		coalesce(CASE WHEN rm.r1 > 0 THEN rm.r1 *
			CASE WHEN us.n1 < us.ns THEN greatest(us.mx1, 0) ELSE us.mx1 END END, 0)
		+ coalesce(CASE WHEN rm.r2 > 0 THEN rm.r2 *
			CASE WHEN us.n2 < us.ns THEN greatest(us.mx2, 0) ELSE us.mx2 END END, 0)
		+ coalesce(CASE WHEN rm.r3 > 0 THEN rm.r3 *
			CASE WHEN us.n3 < us.ns THEN greatest(us.mx3, 0) ELSE us.mx3 END END, 0)
		+ coalesce(CASE WHEN rm.r4 > 0 THEN rm.r4 *
			CASE WHEN us.n4 < us.ns THEN greatest(us.mx4, 0) ELSE us.mx4 END END, 0)
		+ coalesce(CASE WHEN rm.r5 > 0 THEN rm.r5 *
			CASE WHEN us.n5 < us.ns THEN greatest(us.mx5, 0) ELSE us.mx5 END END, 0)
		+ coalesce(CASE WHEN rm.r6 > 0 THEN rm.r6 *
			CASE WHEN us.n6 < us.ns THEN greatest(us.mx6, 0) ELSE us.mx6 END END, 0)
		+ coalesce(CASE WHEN rm.r7 > 0 THEN rm.r7 *
			CASE WHEN us.n7 < us.ns THEN greatest(us.mx7, 0) ELSE us.mx7 END END, 0) AS f_hi
	FROM unnest(:pair_units::int[], :pair_periods::text[]) WITH ORDINALITY AS q(uid, period, pid)
	JOIN us USING (uid) JOIN p USING (period) JOIN rm USING (period)),
-- 4. Budgets of several units add them up; the others take their one pair
-- as is.
bs AS (
	SELECT m.idx, sum(pf.spend) AS spend, sum(pf.today) AS today, sum(pf.f_mid) AS f_mid,
		sum(pf.f_lo) AS f_lo, sum(pf.f_hi) AS f_hi
	FROM unnest(:multi_budgets::int[], :multi_pairs::int[]) AS m(idx, pid) JOIN pf USING (pid)
	GROUP BY m.idx),
x AS (
	SELECT b.idx, b.name, b.amount, p.ps, p.pe, cw.first_day, b.attr AND NOT cw.attr_ok AS blind,
		coalesce(v.spend, 0) AS spend, coalesce(v.spend, 0) - coalesce(v.today, 0) AS done,
		coalesce(v.f_mid, 0) AS f_mid, coalesce(v.f_lo, 0) AS f_lo, coalesce(v.f_hi, 0) AS f_hi
	FROM b JOIN p USING (period) JOIN cw USING (connector)
	LEFT JOIN pf ON pf.pid = b.pid LEFT JOIN bs ON bs.idx = b.idx
	CROSS JOIN LATERAL (SELECT
			CASE WHEN b.pid IS NULL THEN bs.spend ELSE pf.spend END AS spend,
			CASE WHEN b.pid IS NULL THEN bs.today ELSE pf.today END AS today,
			CASE WHEN b.pid IS NULL THEN bs.f_mid ELSE pf.f_mid END AS f_mid,
			CASE WHEN b.pid IS NULL THEN bs.f_lo ELSE pf.f_lo END AS f_lo,
			CASE WHEN b.pid IS NULL THEN bs.f_hi ELSE pf.f_hi END AS f_hi) v),
-- Alerts already recorded for the current periods, joined once.
ea AS (
	SELECT bg.name, ba.period_start, array_agg(ba.kind || ':' || ba.threshold) AS done_alerts
	FROM budget_alerts ba JOIN budgets bg ON bg.id = ba.budget_id
	WHERE ba.period_start IN (SELECT ps FROM p) GROUP BY 1, 2)
-- One row per budget, in the order of budget_names; the columns are
-- budget_eval.h's EV_*.  forecast = spend before today + projection of the
-- remaining days, never less than the spend so far; a forecast alert needs
-- 3 complete days of data in the period.
SELECT x.idx, x.ps, x.pe, x.spend,
	round(x.spend, 2), round(x.amount, 2), round(x.spend * 100 / x.amount, 2),
	round(x.amount - x.spend, 2),
	greatest(x.done + x.f_mid, x.spend),
	round(greatest(x.done + x.f_mid, x.spend), 2),
	round(greatest(x.done + x.f_lo, x.spend), 2),
	round(greatest(x.done + x.f_hi, x.spend), 2),
	:as_of::date - x.ps, x.pe - :as_of::date + 1,
	coalesce(:as_of::date - greatest(x.ps, x.first_day) >= 3, false),
	x.spend >= x.amount,
	greatest(x.done + x.f_mid, x.spend) >= x.amount,
	-- thresholds crossed are those t with spend * 100 >= t * amount, i.e.
	-- t <= the exact integer quotient: C picks them from the budget
	greatest(least(div(x.spend * 100, x.amount), 1001), 0)::int,
	ea.done_alerts,
	round(greatest(x.done + x.f_mid, x.spend) * 100 / x.amount, 2),
	x.blind
FROM x LEFT JOIN ea ON ea.name = x.name AND ea.period_start = x.ps
ORDER BY x.idx

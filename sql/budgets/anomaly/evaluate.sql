-- Cost anomalies: every series of the connectors in :connectors judged on
-- each complete day from :eval_from to :eval_to (see budgetcheck(1),
-- ANOMALIES, for the method; anomaly_eval.c for the columns).
--
-- Settings arrive one array per key, one element per connector.  A day is
-- complete when it is before today (:eval_to is at most yesterday) and
-- not after the connector's last synced day.  :scan_from is the earliest
-- history any connector needs (:eval_from - 7 * its lookback_weeks).
WITH conf AS (
	SELECT * FROM unnest(:connectors::text[], :currencies::text[], :dimensions::text[],
		:sensitivities::numeric[], :lookback_weeks::integer[], :min_history_days::integer[],
		:min_daily_costs::numeric[], :min_change_percents::numeric[], :min_change_amounts::numeric[],
		:dips::boolean[])
		AS c(connector, currency, dims, sensitivity, weeks, min_hist, min_cost, min_pct, min_amt, dips)),
lim AS (
	SELECT c.*, least(:eval_to::date, coalesce(s.last_synced_day,
		(SELECT max(d.day) FROM daily_costs d WHERE d.connector = c.connector))) AS last_day,
		:eval_from::date - 7 * c.weeks AS first_scan
	FROM conf c LEFT JOIN connector_state s USING (connector)),
src AS (
	SELECT d.connector, d.day, upper(d.service_type) AS st, upper(d.entity) AS ent, d.cost
	FROM daily_costs d JOIN lim l ON l.connector = d.connector
	WHERE d.day >= :scan_from::date AND d.day >= l.first_scan AND d.day <= l.last_day),
-- The daily cost of every series, one branch per dimension; attributed
-- dimensions (users, query tags) join as further branches.
raw AS (
	SELECT connector, 'account'::text AS dimension, ''::text AS series, day, sum(cost) AS cost
	FROM src GROUP BY connector, day
	UNION ALL
	SELECT connector, 'service', st, day, sum(cost) FROM src GROUP BY connector, st, day
	UNION ALL
	SELECT connector, 'warehouse', ent, day, sum(cost) FROM src
	WHERE st = 'WAREHOUSE_METERING' GROUP BY connector, ent, day),
-- The days judged: each complete day from :eval_from, from the series'
-- first day with a cost row; a day without a row costs 0.
ser AS MATERIALIZED (
	SELECT connector, dimension, series, min(day) AS first_day FROM raw GROUP BY 1, 2, 3),
tg AS MATERIALIZED (
	SELECT s.connector, s.dimension, s.series, s.first_day, l.weeks, g.ts::date AS day
	FROM ser s JOIN lim l USING (connector)
	CROSS JOIN LATERAL generate_series(greatest(:eval_from::date, s.first_day), l.last_day,
		interval '1 day') AS g(ts)),
-- Each day judged with its history, the lookback_weeks * 7 days before
-- it: the same weekday, the last 7 days, all of them; days without a row
-- add 0.
hist AS (
	SELECT t.connector, t.dimension, t.series, t.day,
		sum(r.cost) FILTER (WHERE r.day = t.day) AS actual,
		array_agg(r.cost) FILTER (WHERE r.day < t.day AND (t.day - r.day) % 7 = 0) AS wd,
		array_agg(r.cost) FILTER (WHERE r.day < t.day AND t.day - r.day <= 7) AS recent,
		array_agg(r.cost) FILTER (WHERE r.day < t.day) AS past
	FROM tg t JOIN raw r ON r.connector = t.connector AND r.dimension = t.dimension
		AND r.series = t.series AND r.day <= t.day AND r.day >= t.day - 7 * t.weeks
	GROUP BY 1, 2, 3, 4),
t AS (
	SELECT t.connector, t.dimension, t.series, t.day, coalesce(h.actual, 0) AS actual,
		least(t.day - t.first_day, 7 * t.weeks) AS hist_days,
		coalesce(h.wd, '{}') || array_fill(0::numeric, ARRAY[least((t.day - t.first_day) / 7, t.weeks)
			- coalesce(cardinality(h.wd), 0)]) AS wd,
		coalesce(h.recent, '{}') || array_fill(0::numeric, ARRAY[least(t.day - t.first_day, 7)
			- coalesce(cardinality(h.recent), 0)]) AS recent,
		coalesce(h.past, '{}') || array_fill(0::numeric, ARRAY[least(t.day - t.first_day, 7 * t.weeks)
			- coalesce(cardinality(h.past), 0)]) AS past
	FROM tg t LEFT JOIN hist h USING (connector, dimension, series, day)),
-- A median is the middle value, or the mean of the two middle values.
b AS MATERIALIZED (
	SELECT t.*, cardinality(t.wd) AS nwd,
		(SELECT (percentile_disc(0.5) WITHIN GROUP (ORDER BY x)
			+ percentile_disc(0.5) WITHIN GROUP (ORDER BY x DESC)) / 2 FROM unnest(t.wd) AS x) AS wd_med,
		(SELECT (percentile_disc(0.5) WITHIN GROUP (ORDER BY x)
			+ percentile_disc(0.5) WITHIN GROUP (ORDER BY x DESC)) / 2 FROM unnest(t.recent) AS x) AS recent_med,
		(SELECT (percentile_disc(0.5) WITHIN GROUP (ORDER BY x)
			+ percentile_disc(0.5) WITHIN GROUP (ORDER BY x DESC)) / 2 FROM unnest(t.past) AS x) AS past_med,
		(SELECT min(x) FROM unnest(t.wd) AS x) AS wd_min, (SELECT max(x) FROM unnest(t.wd) AS x) AS wd_max
	FROM t),
e AS MATERIALIZED (
	SELECT b.*,
		(SELECT (percentile_disc(0.5) WITHIN GROUP (ORDER BY abs(x - b.wd_med))
			+ percentile_disc(0.5) WITHIN GROUP (ORDER BY abs(x - b.wd_med) DESC)) / 2
		 FROM unnest(b.wd) AS x) AS mad,
		CASE WHEN b.past_med > 0 THEN b.recent_med / b.past_med ELSE 1 END AS ratio
	FROM b),
f AS (
	SELECT e.*, e.wd_med * e.ratio AS expected,
		greatest(1.4826 * e.mad * e.ratio, 0.1 * e.wd_med * e.ratio, 0.01) AS spread
	FROM e),
v AS MATERIALIZED (
	SELECT f.*, l.currency, l.dims, f.actual - f.expected AS diff,
		CASE
		WHEN f.hist_days < l.min_hist THEN 'not_evaluated'
		WHEN f.expected < l.min_cost THEN 'low_volume'
		WHEN f.actual - f.expected > l.sensitivity * f.spread
			AND f.actual - f.expected >= greatest(l.min_pct / 100 * f.expected, l.min_amt) THEN 'spike'
		WHEN l.dips AND f.expected - f.actual > l.sensitivity * f.spread
			AND f.expected - f.actual >= greatest(l.min_pct / 100 * f.expected, l.min_amt) THEN 'dip'
		ELSE 'ok' END AS verdict
	FROM f JOIN lim l USING (connector)),
-- What changed one level down: account -> service types and warehouses,
-- service WAREHOUSE_METERING -> warehouses.  Warehouses have no level
-- below until attribution adds one.
cand AS (
	SELECT p.connector, p.dimension, p.series, p.day, c.dimension AS cdim, c.series AS cser,
		c.actual, c.expected, c.diff,
		row_number() OVER (PARTITION BY p.connector, p.dimension, p.series, p.day
			ORDER BY abs(c.diff) DESC, c.dimension, c.series) AS rank
	FROM v p JOIN v c ON c.connector = p.connector AND c.day = p.day
	WHERE p.verdict IN ('spike', 'dip') AND c.hist_days > 0 AND c.diff <> 0 AND sign(c.diff) = sign(p.diff)
		AND ((p.dimension = 'account' AND c.dimension IN ('service', 'warehouse'))
		  OR (p.dimension = 'service' AND p.series = 'WAREHOUSE_METERING' AND c.dimension = 'warehouse'))),
contrib AS (
	SELECT connector, dimension, series, day,
		jsonb_agg(jsonb_build_object('dimension', cdim, 'series', cser,
			'actual', round(actual, 2)::text, 'expected', round(expected, 2)::text,
			'change', round(diff, 2)::text) ORDER BY rank) AS items,
		string_agg(cdim || ' ' || cser || ' ' || CASE WHEN diff >= 0 THEN '+' ELSE '' END
			|| round(diff, 2)::text || ' (' || round(actual, 2)::text || ', usually '
			|| round(expected, 2)::text || ')', ', ' ORDER BY rank) AS text
	FROM cand WHERE rank <= 3
	GROUP BY 1, 2, 3, 4)
SELECT v.connector, v.dimension, v.series, to_char(v.day, 'YYYY-MM-DD') AS day, v.verdict,
	round(v.actual, 2) AS actual, round(v.expected, 2) AS expected, round(v.spread, 2) AS spread,
	round(v.diff / v.spread, 1) AS deviation, round(v.diff, 2) AS difference,
	round(v.wd_min, 2) AS baseline_low, round(v.wd_max, 2) AS baseline_high, v.nwd AS baseline_days,
	v.hist_days, v.currency,
	coalesce((SELECT s.name FROM unnest(:severity_from::numeric[], :severity_names::text[]) AS s(amount, name)
		WHERE abs(v.diff) >= s.amount ORDER BY s.amount DESC LIMIT 1), 'info') AS severity,
	CASE WHEN v.verdict IN ('spike', 'dip') THEN
		CASE v.dimension WHEN 'account' THEN 'account ' || v.connector ELSE v.dimension || ' ' || v.series END
		|| ' spent ' || round(v.actual, 2)::text || ' ' || v.currency || ' on ' || to_char(v.day, 'Dy YYYY-MM-DD')
		|| ', expected ' || round(v.expected, 2)::text || ' (' || round(v.wd_min, 2)::text || ' to '
		|| round(v.wd_max, 2)::text || ' on the last ' || v.nwd || ' ' || to_char(v.day, 'FMDay') || 's): '
		|| CASE WHEN v.diff >= 0 THEN '+' ELSE '' END || round(v.diff, 2)::text || ', '
		|| round(v.diff / v.spread, 1)::text || ' spreads of ' || round(v.spread, 2)::text
		|| coalesce('; ' || c.text, '') END AS explanation,
	coalesce(c.items, '[]'::jsonb)::text AS contributors,
	EXISTS (SELECT 1 FROM anomalies a WHERE a.connector = v.connector AND a.dimension = v.dimension
		AND a.series = v.series AND a.day = v.day) AS recorded
FROM v LEFT JOIN contrib c USING (connector, dimension, series, day)
WHERE v.dimension = ANY (string_to_array(v.dims, ','))
ORDER BY v.connector COLLATE "C", v.dimension, v.series COLLATE "C", v.day

-- Cost anomalies: every series of the connectors in :connectors judged on
-- each complete day from :eval_from to :eval_to (see budgetcheck(1),
-- ANOMALIES, for the method; anomaly_eval.c for the columns).
--
-- Settings arrive one array per key, one element per connector.  A day is
-- complete when it is before today (:eval_to is at most yesterday) and
-- not after the connector's last synced day.  :scan_from is the earliest
-- history any connector needs (:eval_from - 7 * its lookback_weeks).
-- A connector has attribution when its last sync could read it
-- (attribution_state, as for user: and query_tag: budgets): only then
-- does it have user and query_tag series and contributors below a
-- warehouse, user or query tag.
WITH conf AS (
	SELECT * FROM unnest(:connectors::text[], :currencies::text[], :dimensions::text[],
		:sensitivities::numeric[], :lookback_weeks::integer[], :min_history_days::integer[],
		:min_daily_costs::numeric[], :min_change_percents::numeric[], :min_change_amounts::numeric[],
		:dips::boolean[])
		AS c(connector, currency, dims, sensitivity, weeks, min_hist, min_cost, min_pct, min_amt, dips)),
lim AS (
	SELECT c.*, least(:eval_to::date, coalesce(s.last_synced_day,
		(SELECT max(d.day) FROM daily_costs d WHERE d.connector = c.connector))) AS last_day,
		:eval_from::date - 7 * c.weeks AS first_scan,
		coalesce((SELECT a.available FROM attribution_state a WHERE a.connector = c.connector),
			false) AS attr_ok
	FROM conf c LEFT JOIN connector_state s USING (connector)),
-- The daily cost of every series: each service type and the account
-- summed per day (by stored name first, the cheaper grouping); a
-- warehouse's, user's or query tag's rows as they are.  Users and query
-- tags cost what their budgets count (attribution_daily: compute and
-- Query Acceleration), named upper case as budgets match them; untagged
-- queries are no query tag.  A row is plain when its series is named as
-- stored: the primary keys make those one a day.
st AS MATERIALIZED (
	SELECT d.connector, d.service_type, d.day, sum(d.cost) AS cost
	FROM daily_costs d JOIN lim l ON l.connector = d.connector
	WHERE d.day >= :scan_from::date AND d.day >= l.first_scan AND d.day <= l.last_day
	GROUP BY d.connector, d.service_type, d.day),
raw AS (
	SELECT connector, 'account'::text AS dimension, ''::text AS series, day, sum(cost) AS cost, true AS plain
	FROM st GROUP BY connector, day
	UNION ALL
	SELECT connector, 'service', upper(service_type), day, sum(cost), true
	FROM st GROUP BY connector, upper(service_type), day
	UNION ALL
	-- (the stored name tested first spares most rows upper())
	SELECT d.connector, 'warehouse', upper(d.entity), d.day, d.cost,
		d.service_type = 'WAREHOUSE_METERING' AND d.entity = upper(d.entity)
	FROM daily_costs d JOIN lim l ON l.connector = d.connector
	WHERE (d.service_type = 'WAREHOUSE_METERING' OR upper(d.service_type) = 'WAREHOUSE_METERING')
		AND d.day >= :scan_from::date AND d.day >= l.first_scan AND d.day <= l.last_day
	UNION ALL
	SELECT a.connector, a.dimension, upper(a.name), a.day, a.cost, a.name = upper(a.name)
	FROM attribution_daily a JOIN lim l ON l.connector = a.connector
	WHERE l.attr_ok AND a.dimension IN ('user', 'query_tag') AND a.dimension = ANY (string_to_array(l.dims, ','))
		AND a.name <> '' AND a.day >= :scan_from::date AND a.day >= l.first_scan AND a.day <= l.last_day),
-- Each series once, from its first day with a cost row to the last day
-- judged: h holds its cost on each of those days in order, a day
-- without a row costing 0.  Plain rows, as many as days, are h as
-- ordered; any others are summed day by day (their costs ordered by day
-- pair with their days sorted).  Grouped by series first: the cheapest
-- sort.
ser AS MATERIALIZED (
	SELECT s.connector, s.dimension, s.series, s.first_day, l.weeks, l.last_day,
		CASE WHEN s.plain AND s.n = l.last_day - s.first_day + 1 THEN s.costs
		ELSE ARRAY(SELECT coalesce(sum(u.cost), 0::numeric)
			FROM generate_series(s.first_day, l.last_day, interval '1 day') AS g(ts)
			LEFT JOIN unnest(ARRAY(SELECT x FROM unnest(s.days) AS x ORDER BY x), s.costs) AS u(day, cost)
				ON u.day = g.ts::date
			GROUP BY g.ts ORDER BY g.ts) END AS h
	FROM (SELECT connector, dimension, series, min(day) AS first_day, count(*) AS n,
			bool_and(plain) AS plain, array_agg(cost ORDER BY day) AS costs, array_agg(day) AS days
		FROM raw GROUP BY series, dimension, connector) AS s
	JOIN lim l USING (connector)),
-- Each day judged, each complete day from :eval_from from the series'
-- first day (at h[p]), with its history, the lookback_weeks * 7 days
-- before it: the same weekday (nwd of them), the last 7 days, all of
-- them, each sorted for its median: the middle value, or the mean of
-- the two middle values.
e AS MATERIALIZED (
	SELECT s.connector, s.dimension, s.series, q.day, s.h[q.p] AS actual, least(q.p - 1, 7 * s.weeks) AS hist_days,
		q.nwd, m.wd_med, a.wd[1] AS wd_min, a.wd[q.nwd] AS wd_max,
		(d.dev[(q.nwd + 1) / 2] + d.dev[q.nwd / 2 + 1]) / 2 AS mad,
		CASE WHEN m.past_med > 0 THEN m.recent_med / m.past_med ELSE 1 END AS ratio
	FROM ser s
	CROSS JOIN LATERAL generate_series(greatest(:eval_from::date, s.first_day) - s.first_day + 1,
		s.last_day - s.first_day + 1) AS g(p)
	CROSS JOIN LATERAL (SELECT s.first_day + g.p - 1 AS day, g.p AS p, least((g.p - 1) / 7, s.weeks) AS nwd) AS q
	CROSS JOIN LATERAL (SELECT
		ARRAY(SELECT s.h[q.p - 7 * k] FROM generate_series(1, q.nwd) AS k ORDER BY 1) AS wd,
		-- (slices spaced: ':q' would read as a parameter)
		ARRAY(SELECT x FROM unnest(s.h[greatest(1, q.p - 7) : q.p - 1]) AS x ORDER BY x) AS recent,
		ARRAY(SELECT x FROM unnest(s.h[greatest(1, q.p - 7 * s.weeks) : q.p - 1]) AS x ORDER BY x) AS past
		OFFSET 0) AS a
	CROSS JOIN LATERAL (SELECT (a.wd[(q.nwd + 1) / 2] + a.wd[q.nwd / 2 + 1]) / 2 AS wd_med,
		(a.recent[(cardinality(a.recent) + 1) / 2] + a.recent[cardinality(a.recent) / 2 + 1]) / 2 AS recent_med,
		(a.past[(cardinality(a.past) + 1) / 2] + a.past[cardinality(a.past) / 2 + 1]) / 2 AS past_med) AS m
	-- the median absolute deviation of the same weekdays
	CROSS JOIN LATERAL (SELECT ARRAY(SELECT abs(x - m.wd_med) FROM unnest(a.wd) AS x ORDER BY 1) AS dev
		OFFSET 0) AS d),
f AS (
	SELECT e.*, e.wd_med * e.ratio AS expected,
		greatest(1.4826 * e.mad * e.ratio, 0.1 * e.wd_med * e.ratio, 0.01) AS spread
	FROM e),
v AS MATERIALIZED (
	SELECT f.*, l.currency, l.dims, l.attr_ok, f.actual - f.expected AS diff,
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
-- service WAREHOUSE_METERING -> warehouses (their series, the top three
-- together); with attribution, warehouse -> users and query hashes, user
-- and query tag -> warehouses (the top three of each kind).  A
-- contributor moved the same way as the series, by at least a twentieth
-- of its difference: smaller changes are noise beside it.
cand AS (
	SELECT p.connector, p.dimension, p.series, p.day, c.dimension AS cdim, c.series AS cser,
		c.actual, c.expected, c.diff, NULL::numeric AS runs, NULL::numeric AS usual_runs, 0 AS grp,
		row_number() OVER (PARTITION BY p.connector, p.dimension, p.series, p.day
			ORDER BY abs(c.diff) DESC, c.dimension, c.series) AS rank
	FROM v p JOIN v c ON c.connector = p.connector AND c.day = p.day
	WHERE p.verdict IN ('spike', 'dip') AND c.hist_days > 0 AND sign(c.diff) = sign(p.diff)
		AND abs(c.diff) >= abs(p.diff) / 20
		AND ((p.dimension = 'account' AND c.dimension IN ('service', 'warehouse'))
		  OR (p.dimension = 'service' AND p.series = 'WAREHOUSE_METERING' AND c.dimension = 'warehouse'))),
-- Attributed contributors of an anomalous day: their amount and query
-- count on the day (k = 0) and on the same weekday of each baseline week
-- (k = 1 .. baseline_days); what is usual is the median of those weeks,
-- a week without a row counting 0.  Under a warehouse, compute only (as
-- its series counts); under a user or tag, compute and acceleration.
pa AS MATERIALIZED (
	SELECT connector, dimension, series, day, nwd, diff FROM v
	WHERE verdict IN ('spike', 'dip') AND attr_ok AND dimension IN ('warehouse', 'user', 'query_tag')),
pk AS (
	SELECT pa.connector, pa.dimension, pa.series, pa.day, k, pa.day - 7 * k AS sday
	FROM pa CROSS JOIN LATERAL generate_series(0, pa.nwd) AS k),
att AS (
	SELECT pk.connector, pk.dimension, pk.series, pk.day, pk.k, 'user' AS cdim, upper(c.user_name) AS cser,
		sum(c.cost) AS amount, sum(c.queries) AS runs
	FROM pk JOIN attributed_costs c ON c.connector = pk.connector AND c.day = pk.sday
		AND upper(c.warehouse) = pk.series
	WHERE pk.dimension = 'warehouse'
	GROUP BY 1, 2, 3, 4, 5, 6, 7
	UNION ALL
	SELECT pk.connector, pk.dimension, pk.series, pk.day, pk.k, 'query', c.query_hash, sum(c.cost), sum(c.queries)
	FROM pk JOIN attributed_queries c ON c.connector = pk.connector AND c.day = pk.sday
		AND upper(c.warehouse) = pk.series
	WHERE pk.dimension = 'warehouse' AND c.query_hash NOT IN ('(other)', '(none)')
	GROUP BY 1, 2, 3, 4, 5, 6, 7
	UNION ALL
	SELECT pk.connector, pk.dimension, pk.series, pk.day, pk.k, 'warehouse', upper(c.warehouse),
		sum(c.cost + c.qas_cost), sum(c.queries)
	FROM pk JOIN attributed_costs c ON c.connector = pk.connector AND c.day = pk.sday
		AND upper(CASE pk.dimension WHEN 'user' THEN c.user_name ELSE c.query_tag END) = pk.series
	WHERE pk.dimension IN ('user', 'query_tag')
	GROUP BY 1, 2, 3, 4, 5, 6, 7),
ac AS (
	SELECT a.connector, a.dimension, a.series, a.day, a.cdim, a.cser, p.diff AS pdiff,
		coalesce(sum(a.amount) FILTER (WHERE a.k = 0), 0) AS actual,
		coalesce(sum(a.runs) FILTER (WHERE a.k = 0), 0) AS runs,
		coalesce(array_agg(a.amount) FILTER (WHERE a.k > 0), '{}')
			|| array_fill(0::numeric, ARRAY[p.nwd - count(*) FILTER (WHERE a.k > 0)::int]) AS wd,
		coalesce(array_agg(a.runs::numeric) FILTER (WHERE a.k > 0), '{}')
			|| array_fill(0::numeric, ARRAY[p.nwd - count(*) FILTER (WHERE a.k > 0)::int]) AS wq
	FROM att a JOIN pa p USING (connector, dimension, series, day)
	GROUP BY 1, 2, 3, 4, 5, 6, 7, p.nwd),
am AS (
	SELECT ac.*,
		coalesce((SELECT (percentile_disc(0.5) WITHIN GROUP (ORDER BY x)
			+ percentile_disc(0.5) WITHIN GROUP (ORDER BY x DESC)) / 2 FROM unnest(ac.wd) AS x), 0) AS expected,
		coalesce((SELECT (percentile_disc(0.5) WITHIN GROUP (ORDER BY x)
			+ percentile_disc(0.5) WITHIN GROUP (ORDER BY x DESC)) / 2 FROM unnest(ac.wq) AS x), 0) AS usual_runs
	FROM ac),
acand AS (
	SELECT connector, dimension, series, day, cdim, cser, actual, expected, actual - expected AS diff,
		runs, usual_runs, CASE cdim WHEN 'query' THEN 2 ELSE 1 END AS grp,
		row_number() OVER (PARTITION BY connector, dimension, series, day, cdim
			ORDER BY abs(actual - expected) DESC, cser) AS rank
	FROM am WHERE sign(actual - expected) = sign(pdiff) AND abs(actual - expected) >= abs(pdiff) / 20),
allc AS (
	SELECT * FROM cand WHERE rank <= 3
	UNION ALL
	SELECT * FROM acand WHERE rank <= 3),
contrib AS (
	SELECT connector, dimension, series, day,
		jsonb_agg(jsonb_build_object('dimension', cdim, 'series', cser,
			'actual', round(actual, 2)::text, 'expected', round(expected, 2)::text,
			'change', round(diff, 2)::text)
			|| CASE WHEN runs IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('queries', runs,
				'usual_queries', round(usual_runs)) END ORDER BY grp, rank) AS items,
		string_agg(cdim || ' ' || CASE WHEN cdim = 'query' AND length(cser) > 12 THEN left(cser, 12) || '…'
			ELSE cser END || ' ' || CASE WHEN diff >= 0 THEN '+' ELSE '' END
			|| round(diff, 2)::text || ' (' || round(actual, 2)::text || ', usually '
			|| round(expected, 2)::text || ')'
			|| CASE WHEN cdim = 'query' THEN ' ran ' || runs || ' times (usually ' || round(usual_runs) || ')'
				ELSE '' END, ', ' ORDER BY grp, rank) AS text
	FROM allc
	GROUP BY 1, 2, 3, 4),
-- The severities by amount: a difference of at least one is of its name.
sev AS (
	SELECT coalesce(array_agg(amount ORDER BY amount), '{}') AS amounts, array_agg(name ORDER BY amount) AS names
	FROM unnest(:severity_from::numeric[], :severity_names::text[]) AS s(amount, name))
SELECT v.connector, v.dimension, v.series, to_char(v.day, 'YYYY-MM-DD') AS day, v.verdict,
	round(v.actual, 2) AS actual, round(v.expected, 2) AS expected, round(v.spread, 2) AS spread,
	round(v.diff / v.spread, 1) AS deviation, round(v.diff, 2) AS difference,
	round(v.wd_min, 2) AS baseline_low, round(v.wd_max, 2) AS baseline_high, v.nwd AS baseline_days,
	v.hist_days, v.currency,
	coalesce(sev.names[width_bucket(abs(v.diff), sev.amounts)], 'info') AS severity,
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
FROM v LEFT JOIN contrib c USING (connector, dimension, series, day) CROSS JOIN sev
WHERE v.dimension = ANY (string_to_array(v.dims, ','))
ORDER BY v.connector COLLATE "C", v.dimension, v.series COLLATE "C", v.day

-- Hand-written: the baseline and verdict of budgetcheck(1), ANOMALIES, at
-- the defaults, for every series (account, service types, warehouses) of
-- connector 'gen' on the days :'from' to :'to', written the obvious way:
-- a self-join for the history, ordered-set aggregates for the medians.
-- It relies on the data having a row every day (the generator writes
-- zeros), where budgetcheck fills missing days itself.
WITH d AS (
	SELECT 'account' AS dimension, '' AS series, day, sum(cost) AS cost FROM daily_costs
	WHERE connector = 'gen' AND day >= :'from'::date - 56 AND day <= :'to'::date GROUP BY day
	UNION ALL
	SELECT 'service', upper(service_type), day, sum(cost) FROM daily_costs
	WHERE connector = 'gen' AND day >= :'from'::date - 56 AND day <= :'to'::date GROUP BY 2, 3
	UNION ALL
	SELECT 'warehouse', upper(entity), day, sum(cost) FROM daily_costs
	WHERE connector = 'gen' AND service_type = 'WAREHOUSE_METERING'
		AND day >= :'from'::date - 56 AND day <= :'to'::date GROUP BY 2, 3),
h AS (
	SELECT t.dimension, t.series, t.day, t.cost AS actual, x.cost, (t.day - x.day) % 7 = 0 AS wd,
		t.day - x.day <= 7 AS recent
	FROM d t JOIN d x ON x.dimension = t.dimension AND x.series = t.series
		AND x.day BETWEEN t.day - 56 AND t.day - 1
	WHERE t.day >= :'from'::date),
b AS (
	SELECT dimension, series, day, actual,
		percentile_cont(0.5) WITHIN GROUP (ORDER BY cost) FILTER (WHERE wd) AS wd_med,
		percentile_cont(0.5) WITHIN GROUP (ORDER BY cost) FILTER (WHERE recent) AS recent_med,
		percentile_cont(0.5) WITHIN GROUP (ORDER BY cost) AS past_med
	FROM h GROUP BY 1, 2, 3, 4),
m AS (
	SELECT b.dimension, b.series, b.day,
		percentile_cont(0.5) WITHIN GROUP (ORDER BY abs(h.cost - b.wd_med)) AS mad
	FROM b JOIN h USING (dimension, series, day) WHERE h.wd GROUP BY 1, 2, 3),
e AS (
	SELECT b.*, m.mad, CASE WHEN past_med > 0 THEN recent_med / past_med ELSE 1 END AS ratio
	FROM b JOIN m USING (dimension, series, day))
SELECT dimension, series, day, round(actual, 2) AS actual, round((wd_med * ratio)::numeric, 2) AS expected,
	round(greatest(1.4826 * mad * ratio, 0.1 * wd_med * ratio, 0.01)::numeric, 2) AS spread
FROM e ORDER BY 1, 2, 3

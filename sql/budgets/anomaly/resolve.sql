-- Resolve every open incident of a series that had a normal day after its
-- last anomalous one: the first such day (:normal_* arrays, the days a
-- run judged not anomalous) becomes resolved_day.
UPDATE anomaly_incidents o SET resolved_day = r.day, resolved_at = now()
FROM (
	SELECT i.id, min(n.day) AS day
	FROM anomaly_incidents i
	JOIN unnest(:normal_connectors::text[], :normal_dimensions::text[], :normal_series::text[],
		:normal_days::date[]) AS n(connector, dimension, series, day)
		ON n.connector = i.connector AND n.dimension = i.dimension AND n.series = i.series
		AND n.day > i.last_day
	WHERE i.resolved_day IS NULL
	GROUP BY i.id) r
WHERE o.id = r.id
RETURNING o.id

-- Incidents for budgetcheck --anomalies: every open one and those whose
-- last day is on or after :since, newest first, with the figures of their
-- first anomalous day.
SELECT i.id, i.connector, i.dimension, i.series, i.direction, i.severity,
	to_char(i.first_day, 'YYYY-MM-DD'), to_char(i.last_day, 'YYYY-MM-DD'),
	to_char(i.resolved_day, 'YYYY-MM-DD'), i.last_day - i.first_day + 1 AS days,
	a.actual, a.expected, a.actual - a.expected AS difference, a.explanation
FROM anomaly_incidents i
LEFT JOIN anomalies a ON a.incident_id = i.id AND a.day = i.first_day
WHERE (i.resolved_day IS NULL OR i.last_day >= :since::date)
	AND (:connector::text IS NULL OR i.connector = :connector::text)
ORDER BY i.resolved_day IS NULL DESC, i.last_day DESC, i.connector COLLATE "C", i.dimension,
	i.series COLLATE "C"

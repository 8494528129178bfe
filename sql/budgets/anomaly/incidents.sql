-- Give every anomaly without an incident one: consecutive anomalous days
-- of a series form an island; an island extends the latest incident of
-- its series when no normal day lies between them (resolve.sql ran
-- first, so an open incident has none after it), else it opens a new
-- incident, resolved already when a normal day (:normal_* arrays) follows
-- it.  Returns the incidents opened: id, series and first day.
WITH n AS (
	SELECT a.connector, a.dimension, a.series, a.day, a.direction, a.severity,
		a.day - (row_number() OVER (PARTITION BY a.connector, a.dimension, a.series
			ORDER BY a.day))::integer AS grp
	FROM anomalies a WHERE a.incident_id IS NULL),
sev AS (SELECT ARRAY['info', 'low', 'medium', 'high', 'critical'] AS names),
isl AS (
	SELECT n.connector, n.dimension, n.series, min(n.day) AS first_day, max(n.day) AS last_day,
		(array_agg(n.direction ORDER BY n.day))[1] AS direction,
		max(array_position(sev.names, n.severity)) AS rank
	FROM n CROSS JOIN sev GROUP BY n.connector, n.dimension, n.series, n.grp),
norm AS (
	SELECT * FROM unnest(:normal_connectors::text[], :normal_dimensions::text[], :normal_series::text[],
		:normal_days::date[]) AS x(connector, dimension, series, day)),
m AS (
	SELECT i.*, (
		SELECT o.id FROM anomaly_incidents o
		WHERE o.connector = i.connector AND o.dimension = i.dimension AND o.series = i.series
			AND o.last_day < i.first_day AND coalesce(o.resolved_day, 'infinity') > i.first_day
		ORDER BY o.last_day DESC LIMIT 1) AS incident,
		(SELECT min(x.day) FROM norm x WHERE x.connector = i.connector AND x.dimension = i.dimension
			AND x.series = i.series AND x.day > i.last_day) AS normal_day,
		(SELECT min(o.first_day) FROM anomaly_incidents o WHERE o.connector = i.connector
			AND o.dimension = i.dimension AND o.series = i.series AND o.first_day > i.last_day) AS next_first
	FROM isl i),
ext AS (
	UPDATE anomaly_incidents o SET last_day = m.last_day,
		severity = (SELECT sev.names[greatest(m.rank, array_position(sev.names, o.severity))] FROM sev),
		resolved_day = m.normal_day,
		resolved_at = CASE WHEN m.normal_day IS NULL THEN NULL ELSE coalesce(o.resolved_at, now()) END
	FROM m WHERE o.id = m.incident
	RETURNING o.id, o.connector, o.dimension, o.series, m.first_day, m.last_day),
ins AS (
	INSERT INTO anomaly_incidents (connector, dimension, series, direction, first_day, last_day,
		severity, resolved_day, resolved_at)
	SELECT m.connector, m.dimension, m.series, m.direction, m.first_day, m.last_day,
		(SELECT sev.names[m.rank] FROM sev), coalesce(m.normal_day, m.next_first),
		CASE WHEN coalesce(m.normal_day, m.next_first) IS NOT NULL THEN now() END
	FROM m WHERE m.incident IS NULL
	RETURNING id, connector, dimension, series, first_day, last_day),
upd AS (
	UPDATE anomalies a SET incident_id = k.id
	FROM (SELECT * FROM ext UNION ALL SELECT * FROM ins) k
	WHERE a.connector = k.connector AND a.dimension = k.dimension AND a.series = k.series
		AND a.day BETWEEN k.first_day AND k.last_day AND a.incident_id IS NULL
	RETURNING a.id)
SELECT ins.id, ins.connector, ins.dimension, ins.series, to_char(ins.first_day, 'YYYY-MM-DD')
FROM ins ORDER BY 2, 3, 4, 5

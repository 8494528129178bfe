-- Remove the connector's rows of the reported days of :since..:until that
-- Snowflake no longer reports.  EXCEPT rather than NOT EXISTS: right after
-- a backfill daily_costs has no statistics yet and the planner would pick
-- a quadratic nested loop.
DELETE FROM daily_costs d USING (
	SELECT day, service_type, entity FROM daily_costs WHERE connector = :connector
		AND day BETWEEN CAST(:since AS date) AND CAST(:until AS date) AND day IN (SELECT day FROM cs_final)
	EXCEPT SELECT day, service_type, entity FROM cs_final) g
WHERE d.connector = :connector AND d.day = g.day AND d.service_type = g.service_type
	AND d.entity = g.entity

-- How fresh each connector's cost data is (:connectors, with :max_ages in
-- days, 0 for no limit): its last synced day (costsync's watermark, else
-- the last day with a cost row, as budgetcheck reads it), when costsync
-- last moved the watermark, the age in days before :today, and whether it
-- is stale (older than max_age, or never synced).  One row per connector,
-- in the given order.
SELECT c.connector, to_char(d.last, 'YYYY-MM-DD'),
	to_char(s.last_sync_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
	:today::date - d.last, c.max_age,
	(c.max_age > 0 AND (d.last IS NULL OR :today::date - d.last > c.max_age)) AS stale
FROM unnest(:connectors::text[], :max_ages::int[]) WITH ORDINALITY AS c(connector, max_age, ord)
LEFT JOIN connector_state s USING (connector)
CROSS JOIN LATERAL (SELECT coalesce(s.last_synced_day,
	(SELECT max(x.day) FROM daily_costs x WHERE x.connector = c.connector)) AS last) d
ORDER BY c.ord

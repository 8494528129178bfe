-- What the evaluated budgets can see, per connector in use (:connectors):
-- kind 'd' the last synced day (costsync's watermark, else the last day
-- with a cost row; NULL when there is neither), kind 's' the service types
-- and kind 'w' the warehouses with a cost row from :since to :as_of, upper
-- case as the evaluation folds them.  Ordered byte-wise so C can search
-- the names.  budget_coverage.c warns about stale data and about scope
-- names missing here, which match nothing.
WITH r AS (
	SELECT d.connector, upper(d.service_type) AS st, upper(d.entity) AS ent
	FROM daily_costs d
	WHERE d.connector = ANY (:connectors::text[]) AND d.day >= :since::date AND d.day <= :as_of::date
	GROUP BY 1, 2, 3),
c AS (
	SELECT DISTINCT connector FROM unnest(:connectors::text[]) AS u(connector))
SELECT connector, kind, name FROM (
	SELECT c.connector, 'd' AS kind,
		to_char(coalesce(s.last_synced_day,
			(SELECT max(d.day) FROM daily_costs d WHERE d.connector = c.connector)), 'YYYY-MM-DD') AS name
	FROM c LEFT JOIN connector_state s USING (connector)
	UNION ALL
	SELECT connector, 's', st FROM r GROUP BY 1, 3
	UNION ALL
	SELECT connector, 'w', ent FROM r WHERE st = 'WAREHOUSE_METERING' GROUP BY 1, 3) k
ORDER BY connector COLLATE "C", kind, name COLLATE "C"

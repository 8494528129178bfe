-- What the scopes of the evaluated budgets can match: per connector in use
-- (:connectors), kind 's' the service types and kind 'w' the warehouses
-- with a cost row from :since to :as_of, upper case as the evaluation folds
-- them, ordered byte-wise so C can search them.  A name missing here
-- matches nothing: budget_coverage.c warns about it.
WITH r AS (
	SELECT d.connector, upper(d.service_type) AS st, upper(d.entity) AS ent
	FROM daily_costs d
	WHERE d.connector = ANY (:connectors::text[]) AND d.day >= :since::date AND d.day <= :as_of::date
	GROUP BY 1, 2, 3)
SELECT connector, kind, name FROM (
	SELECT connector, 's' AS kind, st AS name FROM r GROUP BY 1, 3
	UNION ALL
	SELECT connector, 'w', ent FROM r WHERE st = 'WAREHOUSE_METERING' GROUP BY 1, 3) k
ORDER BY connector COLLATE "C", kind, name COLLATE "C"

-- What writing cs_final would change in the connector's daily_costs of
-- :since..:until: one row per insert, update or delete.  A day the source
-- reported is replaced as a whole; a day it did not report is left alone.
-- costsync.c counts the rows (GROUP BY op) or lists them (a dry run).
SELECT CASE WHEN d.day IS NULL THEN 'insert' WHEN f.day IS NULL THEN 'delete' ELSE 'update' END AS op,
	coalesce(f.day, d.day) AS day, coalesce(f.service_type, d.service_type) AS service_type,
	coalesce(f.entity, d.entity) AS entity, d.cost AS old_cost, f.cost AS new_cost,
	f.credits, f.quantity
FROM cs_final f
FULL JOIN (SELECT * FROM daily_costs WHERE connector = :connector
		AND day BETWEEN CAST(:since AS date) AND CAST(:until AS date)) d
	ON f.day = d.day AND f.service_type = d.service_type AND f.entity = d.entity
WHERE d.day IS NULL
	OR (f.day IS NULL AND d.day IN (SELECT day FROM cs_final))
	OR (f.day IS NOT NULL AND (d.credits, d.quantity, d.cost, d.currency)
		IS DISTINCT FROM (f.credits, f.quantity, f.cost, :currency))

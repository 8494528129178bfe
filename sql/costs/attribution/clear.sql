-- Remove the connector's attribution of the days QUERY_ATTRIBUTION_HISTORY
-- reported again (cs_attr); a day it did not report is left alone, as in
-- daily_costs.
WITH c AS (DELETE FROM attributed_costs WHERE connector = :connector
		AND day IN (SELECT DISTINCT day FROM cs_attr) RETURNING 1),
d AS (DELETE FROM attribution_daily WHERE connector = :connector
		AND day IN (SELECT DISTINCT day FROM cs_attr) RETURNING 1)
DELETE FROM attributed_queries WHERE connector = :connector AND day IN (SELECT DISTINCT day FROM cs_attr_q)

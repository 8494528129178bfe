-- Attributed compute per UTC day, warehouse, user, role and query tag.
--
-- Runs in Snowflake (and the simulator) through ODBC: keep it portable,
-- see costsync_extract.c; bounded like extract/warehouse.sql.
-- QUERY_ATTRIBUTION_HISTORY has no role: QUERY_HISTORY has it, joined on
-- the query id within the same widened window.  A query's credits count
-- on the UTC day it started.  Query Acceleration credits are kept apart:
-- Snowflake bills them outside the warehouse.
SELECT CAST(CONVERT_TIMEZONE('UTC', a.start_time) AS DATE) AS usage_day,
	COALESCE(a.warehouse_name, '') AS warehouse_name, COALESCE(a.user_name, '') AS user_name,
	COALESCE(q.role_name, '') AS role_name, COALESCE(a.query_tag, '') AS query_tag,
	COUNT(*) AS queries,
	CAST(SUM(COALESCE(a.credits_attributed_compute, 0)) AS DECIMAL(38,12)) AS credits_attributed_compute,
	CAST(SUM(COALESCE(a.credits_used_query_acceleration, 0)) AS DECIMAL(38,12))
		AS credits_used_query_acceleration
FROM SNOWFLAKE.ACCOUNT_USAGE.QUERY_ATTRIBUTION_HISTORY a
LEFT JOIN SNOWFLAKE.ACCOUNT_USAGE.QUERY_HISTORY q ON q.query_id = a.query_id
	AND q.start_time >= CAST(:scan_from AS DATE) AND q.start_time < CAST(:scan_before AS DATE)
WHERE a.start_time >= CAST(:scan_from AS DATE) AND a.start_time < CAST(:scan_before AS DATE)
	AND CAST(CONVERT_TIMEZONE('UTC', a.start_time) AS DATE) >= CAST(:since AS DATE)
	AND CAST(CONVERT_TIMEZONE('UTC', a.start_time) AS DATE) <= CAST(:until AS DATE)
GROUP BY CAST(CONVERT_TIMEZONE('UTC', a.start_time) AS DATE), COALESCE(a.warehouse_name, ''),
	COALESCE(a.user_name, ''), COALESCE(q.role_name, ''), COALESCE(a.query_tag, '')

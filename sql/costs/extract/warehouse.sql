-- Warehouse compute per UTC day and warehouse.
--
-- Runs in Snowflake (and the simulator) through ODBC: keep it portable,
-- see costsync_extract.c.  An hourly view: besides the UTC days
-- :since..:until, a sargable bound on the raw timestamp widened by a day
-- on each side (:scan_from, :scan_before exclusive), so whatever the
-- session time zone no row of the window is missed and both engines can
-- prune.
SELECT CAST(CONVERT_TIMEZONE('UTC', start_time) AS DATE) AS usage_day, warehouse_name,
	CAST(SUM(credits_used_compute) AS DECIMAL(38,9)) AS credits_used_compute
FROM SNOWFLAKE.ACCOUNT_USAGE.WAREHOUSE_METERING_HISTORY
WHERE start_time >= CAST(:scan_from AS DATE) AND start_time < CAST(:scan_before AS DATE)
	AND CAST(CONVERT_TIMEZONE('UTC', start_time) AS DATE) >= CAST(:since AS DATE)
	AND CAST(CONVERT_TIMEZONE('UTC', start_time) AS DATE) <= CAST(:until AS DATE)
GROUP BY CAST(CONVERT_TIMEZONE('UTC', start_time) AS DATE), warehouse_name

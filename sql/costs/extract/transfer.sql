-- Bytes transferred out per UTC day.
--
-- Runs in Snowflake (and the simulator) through ODBC: keep it portable.
-- An hourly view, bounded like extract/warehouse.sql.
SELECT CAST(CONVERT_TIMEZONE('UTC', start_time) AS DATE) AS usage_day,
	CAST(SUM(bytes_transferred) AS DECIMAL(38,0)) AS bytes_transferred
FROM SNOWFLAKE.ACCOUNT_USAGE.DATA_TRANSFER_HISTORY
WHERE start_time >= CAST(:scan_from AS DATE) AND start_time < CAST(:scan_before AS DATE)
	AND CAST(CONVERT_TIMEZONE('UTC', start_time) AS DATE) >= CAST(:since AS DATE)
	AND CAST(CONVERT_TIMEZONE('UTC', start_time) AS DATE) <= CAST(:until AS DATE)
GROUP BY CAST(CONVERT_TIMEZONE('UTC', start_time) AS DATE)

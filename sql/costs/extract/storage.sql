-- Bytes stored per day: tables, stages and fail-safe.
--
-- Runs in Snowflake (and the simulator) through ODBC: keep it portable.
SELECT CAST(usage_date AS DATE) AS usage_date,
	CAST(SUM(COALESCE(storage_bytes, 0) + COALESCE(stage_bytes, 0) + COALESCE(failsafe_bytes, 0))
	AS DECIMAL(38,0)) AS bytes
FROM SNOWFLAKE.ACCOUNT_USAGE.STORAGE_USAGE
WHERE usage_date >= CAST(:since AS DATE) AND usage_date <= CAST(:until AS DATE)
GROUP BY usage_date

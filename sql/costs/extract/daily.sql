-- Credits per day and service type: compute of the other services, cloud
-- services used and their adjustment (costsync_extract.c turns a row into
-- staging rows).
--
-- Runs in Snowflake (and the simulator) through ODBC: keep it portable.
SELECT CAST(usage_date AS DATE) AS usage_date, service_type,
	CAST(SUM(credits_used_compute) AS DECIMAL(38,9)) AS credits_used_compute,
	CAST(SUM(credits_used_cloud_services) AS DECIMAL(38,9)) AS credits_used_cloud_services,
	CAST(SUM(credits_adjustment_cloud_services) AS DECIMAL(38,9)) AS credits_adjustment_cloud_services
FROM SNOWFLAKE.ACCOUNT_USAGE.METERING_DAILY_HISTORY
WHERE usage_date >= CAST(:since AS DATE) AND usage_date <= CAST(:until AS DATE)
GROUP BY usage_date, service_type

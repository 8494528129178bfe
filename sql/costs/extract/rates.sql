-- The contract's rates (use_org_rates): from the last rate day at or
-- before the window start, to its end.
--
-- Runs in Snowflake (and the simulator) through ODBC: keep it portable.
SELECT CAST(date AS DATE) AS date, LOWER(usage_type) AS usage_type, MAX(currency) AS currency,
	CAST(MAX(effective_rate) AS DECIMAL(38,12)) AS effective_rate
FROM SNOWFLAKE.ORGANIZATION_USAGE.RATE_SHEET_DAILY
WHERE account_locator = CURRENT_ACCOUNT() AND date <= CAST(:until AS DATE)
	AND date >= COALESCE((SELECT MAX(date) FROM SNOWFLAKE.ORGANIZATION_USAGE.RATE_SHEET_DAILY
		WHERE account_locator = CURRENT_ACCOUNT() AND date <= CAST(:since AS DATE)), CAST(:since AS DATE))
GROUP BY date, LOWER(usage_type)

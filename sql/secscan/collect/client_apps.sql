-- CLIENT_APPS: sessions of the window grouped by client application in
-- Snowflake, merged into first/last-seen dates in PostgreSQL.
--
-- Runs in Snowflake (and the simulator) through ODBC: keep it portable,
-- see secscan_collect.c.  Timestamps are normalised to UTC; the window
-- :since..:until is bound as TIMESTAMP_LTZ.
SELECT CLIENT_APPLICATION_ID, MIN(CONVERT_TIMEZONE('UTC', CREATED_ON)), MAX(CONVERT_TIMEZONE('UTC', CREATED_ON))
FROM SNOWFLAKE.ACCOUNT_USAGE.SESSIONS
WHERE CREATED_ON >= CAST(:since AS TIMESTAMP_LTZ) AND CREATED_ON <= CAST(:until AS TIMESTAMP_LTZ)
	AND CLIENT_APPLICATION_ID IS NOT NULL
GROUP BY CLIENT_APPLICATION_ID

-- Sessions created in the window.
--
-- Runs in Snowflake (and the simulator) through ODBC: keep it portable,
-- see secscan_collect.c.  Timestamps are normalised to UTC; the window
-- :since..:until is bound as TIMESTAMP_LTZ.
SELECT SESSION_ID, CONVERT_TIMEZONE('UTC', CREATED_ON), USER_NAME, AUTHENTICATION_METHOD, LOGIN_EVENT_ID,
	CLIENT_APPLICATION_ID, CLIENT_ENVIRONMENT
FROM SNOWFLAKE.ACCOUNT_USAGE.SESSIONS
WHERE CREATED_ON >= CAST(:since AS TIMESTAMP_LTZ) AND CREATED_ON <= CAST(:until AS TIMESTAMP_LTZ)

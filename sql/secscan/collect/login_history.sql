-- Sign-in attempts of the window, without Snowflake's placeholder rows
-- for elided failures.
--
-- Runs in Snowflake (and the simulator) through ODBC: keep it portable,
-- see secscan_collect.c.  Timestamps are normalised to UTC; the window
-- :since..:until is bound as TIMESTAMP_LTZ.
SELECT EVENT_ID, CONVERT_TIMEZONE('UTC', EVENT_TIMESTAMP), USER_NAME, CLIENT_IP, REPORTED_CLIENT_TYPE,
	FIRST_AUTHENTICATION_FACTOR, SECOND_AUTHENTICATION_FACTOR, IS_SUCCESS, ERROR_CODE, ERROR_MESSAGE
FROM SNOWFLAKE.ACCOUNT_USAGE.LOGIN_HISTORY
WHERE EVENT_TIMESTAMP >= CAST(:since AS TIMESTAMP_LTZ) AND EVENT_TIMESTAMP <= CAST(:until AS TIMESTAMP_LTZ)
	AND COALESCE(ERROR_MESSAGE, '') <> 'OVERFLOW_FAILURE_EVENTS_ELIDED'

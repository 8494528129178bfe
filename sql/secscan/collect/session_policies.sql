-- Session policies not dropped.
--
-- Runs in Snowflake (and the simulator) through ODBC: keep it portable,
-- see secscan_collect.c.  Timestamps are normalised to UTC.
SELECT NAME, DATABASE, SCHEMA, SESSION_IDLE_TIMEOUT_MINS, SESSION_UI_IDLE_TIMEOUT_MINS
FROM SNOWFLAKE.ACCOUNT_USAGE.SESSION_POLICIES WHERE DELETED IS NULL

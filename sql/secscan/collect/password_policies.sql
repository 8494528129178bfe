-- Password policies not dropped.
--
-- Runs in Snowflake (and the simulator) through ODBC: keep it portable,
-- see secscan_collect.c.  Timestamps are normalised to UTC.
SELECT NAME, PASSWORD_MIN_LENGTH FROM SNOWFLAKE.ACCOUNT_USAGE.PASSWORD_POLICIES WHERE DELETED IS NULL

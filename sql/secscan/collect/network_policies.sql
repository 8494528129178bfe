-- Network policies not dropped.
--
-- Runs in Snowflake (and the simulator) through ODBC: keep it portable,
-- see secscan_collect.c.  Timestamps are normalised to UTC.
SELECT NAME, ALLOWED_IP_LIST, BLOCKED_IP_LIST, CONVERT_TIMEZONE('UTC', CREATED), CONVERT_TIMEZONE('UTC', LAST_ALTERED)
FROM SNOWFLAKE.ACCOUNT_USAGE.NETWORK_POLICIES WHERE DELETED IS NULL

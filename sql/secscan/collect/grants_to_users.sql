-- Roles granted to users.
--
-- Runs in Snowflake (and the simulator) through ODBC: keep it portable,
-- see secscan_collect.c.  Timestamps are normalised to UTC.
SELECT ROLE, GRANTEE_NAME, CONVERT_TIMEZONE('UTC', CREATED_ON)
FROM SNOWFLAKE.ACCOUNT_USAGE.GRANTS_TO_USERS WHERE DELETED_ON IS NULL

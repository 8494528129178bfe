-- Where network, password and session policies are attached.
--
-- Runs in Snowflake (and the simulator) through ODBC: keep it portable,
-- see secscan_collect.c.  Timestamps are normalised to UTC.
SELECT POLICY_NAME, POLICY_KIND, REF_ENTITY_NAME, REF_ENTITY_DOMAIN, POLICY_STATUS
FROM SNOWFLAKE.ACCOUNT_USAGE.POLICY_REFERENCES
WHERE POLICY_KIND IN ('NETWORK_POLICY', 'PASSWORD_POLICY', 'SESSION_POLICY')

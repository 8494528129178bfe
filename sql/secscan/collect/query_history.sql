-- The statements the statement rules look at, never the whole history:
-- key changes (ALTER/CREATE USER ... RSA_PUBLIC_KEY) over the long window
-- :since..:until, kept for key-not-rotated; the others (network policies,
-- security integrations, temporary stages, unloads, GET, SHOW TABLES,
-- SCIM tokens, shares, COPY INTO a URL) from :recent_since only.  These
-- LIKE patterns only narrow: the rules match the text with anchored
-- regular expressions, and a rule's pattern must be a subset of these.
-- Statements that mention ACCOUNT_USAGE (this tool's own among them) are left
-- out.
--
-- Runs in Snowflake (and the simulator) through ODBC: keep it portable,
-- see secscan_collect.c.  Timestamps are normalised to UTC; the window
-- :since..:until is bound as TIMESTAMP_LTZ.
SELECT QUERY_ID, CONVERT_TIMEZONE('UTC', START_TIME), USER_NAME, ROLE_NAME, SESSION_ID, QUERY_TYPE,
	SUBSTR(QUERY_TEXT, 1, 4000), EXECUTION_STATUS
FROM SNOWFLAKE.ACCOUNT_USAGE.QUERY_HISTORY
WHERE START_TIME >= CAST(:since AS TIMESTAMP_LTZ) AND START_TIME <= CAST(:until AS TIMESTAMP_LTZ)
	AND UPPER(QUERY_TEXT) NOT LIKE '%ACCOUNT_USAGE%'
	AND ((QUERY_TYPE IN ('ALTER_USER', 'CREATE_USER') AND UPPER(QUERY_TEXT) LIKE '%RSA_PUBLIC_KEY%')
		OR (START_TIME >= CAST(:recent_since AS TIMESTAMP_LTZ) AND (QUERY_TYPE IN ('CREATE_NETWORK_POLICY', 'ALTER_NETWORK_POLICY',
			'DROP_NETWORK_POLICY', 'UNLOAD', 'GET_FILES')
			OR UPPER(QUERY_TEXT) LIKE '%NETWORK_POLICY%' OR UPPER(QUERY_TEXT) LIKE '%NETWORK POLICY%'
			OR UPPER(QUERY_TEXT) LIKE '%SECURITY INTEGRATION%' OR UPPER(QUERY_TEXT) LIKE '%TEMPORARY STAGE%'
			OR UPPER(QUERY_TEXT) LIKE '%TEMP STAGE%' OR UPPER(QUERY_TEXT) LIKE 'GET @%'
			OR (QUERY_TYPE = 'SHOW' AND UPPER(QUERY_TEXT) LIKE '%SHOW TABLES%')
			OR UPPER(QUERY_TEXT) LIKE '%SYSTEM$GENERATE_SCIM_ACCESS_TOKEN%'
			OR UPPER(QUERY_TEXT) LIKE '%CREATE%SHARE%' OR UPPER(QUERY_TEXT) LIKE '%ALTER%SHARE%'
			OR UPPER(QUERY_TEXT) LIKE '%MANAGED%ACCOUNT%' OR UPPER(QUERY_TEXT) LIKE '%COPY%INTO%://%')))

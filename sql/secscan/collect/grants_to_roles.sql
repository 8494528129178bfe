-- The grants to roles the rules look at: roles granted to roles,
-- MANAGE GRANTS, grants to PUBLIC, ownership of tasks and procedures.
--
-- Runs in Snowflake (and the simulator) through ODBC: keep it portable,
-- see secscan_collect.c.  Timestamps are normalised to UTC.
SELECT PRIVILEGE, GRANTED_ON, NAME, TABLE_CATALOG, TABLE_SCHEMA, GRANTED_TO, GRANTEE_NAME,
	CONVERT_TIMEZONE('UTC', CREATED_ON)
FROM SNOWFLAKE.ACCOUNT_USAGE.GRANTS_TO_ROLES
WHERE DELETED_ON IS NULL AND (GRANTED_ON = 'ROLE'
	OR PRIVILEGE = 'MANAGE GRANTS' OR GRANTEE_NAME = 'PUBLIC'
	OR (PRIVILEGE = 'OWNERSHIP' AND GRANTED_ON IN ('TASK', 'PROCEDURE')))

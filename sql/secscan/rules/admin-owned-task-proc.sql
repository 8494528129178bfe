-- Rule admin-owned-task-proc: task or procedure owned by an admin role.
-- Parameters and result: secscan_rules.h.
SELECT g.granted_on || ' ' || concat_ws('.', g.table_catalog, g.table_schema, g.name),
	jsonb_build_object('owner', g.grantee_name, 'granted_on', g.granted_on), NULL
FROM sec_grants_to_roles g
WHERE g.connector = :connector AND g.privilege = 'OWNERSHIP'
	AND g.granted_on IN ('TASK', 'PROCEDURE')
	AND g.grantee_name IN ('ACCOUNTADMIN', 'SECURITYADMIN')

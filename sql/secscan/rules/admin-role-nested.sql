-- Rule admin-role-nested: ACCOUNTADMIN or SECURITYADMIN granted to a custom role.
-- Parameters and result: secscan_rules.h.
SELECT g.grantee_name, jsonb_build_object('granted_roles', jsonb_agg(DISTINCT g.name)), NULL
FROM sec_grants_to_roles g
WHERE g.connector = :connector AND g.granted_on = 'ROLE' AND g.granted_to = 'ROLE'
	AND g.name IN ('ACCOUNTADMIN', 'SECURITYADMIN')
	AND g.grantee_name NOT IN ('ACCOUNTADMIN', 'SECURITYADMIN', 'USERADMIN', 'SYSADMIN',
		'ORGADMIN', 'GLOBALORGADMIN', 'PUBLIC')
GROUP BY g.grantee_name

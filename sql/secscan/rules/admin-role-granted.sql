-- Rule admin-role-granted: new grant of an admin role.
-- Parameters and result: secscan_rules.h.
SELECT g.role || ' to ' || g.grantee_name,
	jsonb_build_object('granted_at',
		to_char((g.created_on) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
		'grantee_type', 'USER'), NULL
FROM sec_grants_to_users g
WHERE g.connector = :connector AND g.role IN ('ACCOUNTADMIN', 'SECURITYADMIN', 'ORGADMIN')
	AND g.created_on >= ((:settings::jsonb)->>'since')::timestamptz
	AND g.created_on <= :now::timestamptz
UNION ALL
SELECT g.name || ' to role ' || g.grantee_name,
	jsonb_build_object('granted_at',
		to_char((g.created_on) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
		'grantee_type', 'ROLE'), NULL
FROM sec_grants_to_roles g
WHERE g.connector = :connector AND g.granted_on = 'ROLE'
	AND g.name IN ('ACCOUNTADMIN', 'SECURITYADMIN', 'ORGADMIN')
	AND g.created_on >= ((:settings::jsonb)->>'since')::timestamptz
	AND g.created_on <= :now::timestamptz

-- Rule manage-grants-granted: new MANAGE GRANTS privilege.
-- Parameters and result: secscan_rules.h.
SELECT g.grantee_name,
	jsonb_build_object('granted_at',
		to_char((max(g.created_on)) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')), NULL
FROM sec_grants_to_roles g
WHERE g.connector = :connector AND g.privilege = 'MANAGE GRANTS'
	AND g.created_on >= ((:settings::jsonb)->>'since')::timestamptz
	AND g.created_on <= :now::timestamptz
GROUP BY g.grantee_name

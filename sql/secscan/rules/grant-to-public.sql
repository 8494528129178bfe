-- Rule grant-to-public: privilege granted to PUBLIC.
-- Parameters and result: secscan_rules.h.
SELECT g.privilege || ' on ' || g.granted_on || ' ' || concat_ws('.', g.table_catalog,
		g.table_schema, g.name),
	jsonb_build_object('granted_at',
		to_char((min(g.created_on)) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')), NULL
FROM sec_grants_to_roles g
WHERE g.connector = :connector AND g.grantee_name = 'PUBLIC' AND g.granted_to = 'ROLE'
GROUP BY 1

-- Rule admin-default-role: default role is ACCOUNTADMIN or SECURITYADMIN.
-- Parameters and result: secscan_rules.h.
SELECT u.name, jsonb_build_object('default_role', u.default_role), NULL
FROM sec_users u
WHERE u.connector = :connector AND NOT coalesce(u.disabled, false)
	AND upper(u.default_role) IN ('ACCOUNTADMIN', 'SECURITYADMIN')

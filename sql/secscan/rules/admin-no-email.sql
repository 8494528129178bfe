-- Rule admin-no-email: ACCOUNTADMIN holder without an email.
-- Parameters and result: secscan_rules.h.
SELECT u.name, jsonb_build_object('via', h.via), NULL
FROM sec_users u
JOIN sec_admin_holders(:connector) h ON h.user_name = u.name AND h.admin_role = 'ACCOUNTADMIN'
WHERE u.connector = :connector AND NOT coalesce(u.disabled, false)
	AND coalesce(trim(u.email), '') = ''

-- Rule legacy-service-user: LEGACY_SERVICE user.
-- Parameters and result: secscan_rules.h.
SELECT u.name, jsonb_build_object('type', u.type, 'has_password', u.has_password), NULL
FROM sec_users u
WHERE u.connector = :connector AND NOT coalesce(u.disabled, false)
	AND upper(coalesce(u.type, '')) = 'LEGACY_SERVICE'

-- Rule service-user-password: service user authenticates by password.
-- Parameters and result: secscan_rules.h.
SELECT u.name, jsonb_build_object('type', u.type, 'has_password', u.has_password,
		'has_rsa_public_key', u.has_rsa_public_key, 'last_password_login',
		to_char((p.ts) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')), NULL
FROM sec_users u
LEFT JOIN LATERAL (SELECT l.event_timestamp AS ts
	FROM sec_login_history l
	WHERE l.connector = :connector AND l.user_name = u.name AND l.first_factor = 'PASSWORD'
		AND l.is_success
	ORDER BY l.event_timestamp DESC LIMIT 1) p ON true
WHERE u.connector = :connector AND NOT coalesce(u.disabled, false)
	-- a service user: by type, or named in service_users
	AND (upper(coalesce(u.type, '')) IN ('SERVICE', 'LEGACY_SERVICE')
		OR upper(u.name) = ANY (ARRAY(SELECT upper(x)
			FROM jsonb_array_elements_text((:settings::jsonb)->'service_users') x)))
	AND (coalesce(u.has_password, false) OR NOT coalesce(u.has_rsa_public_key, false)
		OR p.ts IS NOT NULL)

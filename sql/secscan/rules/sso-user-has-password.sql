-- Rule sso-user-has-password: SSO user still has a password.
-- Parameters and result: secscan_rules.h.
SELECT u.name, jsonb_build_object('last_sso_login',
		to_char((l.ts) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), 'has_password',
		true), NULL
FROM (SELECT user_name, max(event_timestamp) AS ts
	FROM sec_login_history
	WHERE connector = :connector AND first_factor = 'SAML2_ASSERTION' AND is_success
	GROUP BY user_name) l
JOIN sec_users u ON u.connector = :connector AND u.name = l.user_name
WHERE NOT coalesce(u.disabled, false)
	-- a person: not a service user
	AND (NOT (upper(coalesce(u.type, '')) IN ('SERVICE', 'LEGACY_SERVICE')
			OR upper(u.name) = ANY (ARRAY(SELECT upper(x)
				FROM jsonb_array_elements_text((:settings::jsonb)->'service_users') x))))
	AND u.has_password

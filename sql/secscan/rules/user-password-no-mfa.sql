-- Rule user-password-no-mfa: person with a password and no MFA.
-- Parameters and result: secscan_rules.h.
SELECT u.name, jsonb_build_object('has_password', u.has_password, 'has_mfa', u.has_mfa,
		'ext_authn_duo', u.ext_authn_duo, 'last_success_login',
		to_char((u.last_success_login) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')),
	NULL
FROM sec_users u
WHERE u.connector = :connector AND NOT coalesce(u.disabled, false)
	-- a person: not a service user
	AND (NOT (upper(coalesce(u.type, '')) IN ('SERVICE', 'LEGACY_SERVICE')
			OR upper(u.name) = ANY (ARRAY(SELECT upper(x)
				FROM jsonb_array_elements_text((:settings::jsonb)->'service_users') x))))
	AND u.has_password AND NOT coalesce(u.has_mfa, false)
	AND NOT coalesce(u.ext_authn_duo, false) AND NOT EXISTS (SELECT 1
	FROM sec_admin_holders(:connector) a
	WHERE a.user_name = u.name)

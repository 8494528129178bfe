-- Rule admin-no-mfa: administrator with a password and no MFA.
-- Parameters and result: secscan_rules.h.
SELECT u.name, jsonb_build_object('admin_roles', a.admin_roles, 'chains', a.chains, 'has_mfa',
		u.has_mfa, 'ext_authn_duo', u.ext_authn_duo), NULL
FROM sec_users u
-- users holding an admin role, with the roles and the shortest chain
JOIN (SELECT user_name, jsonb_agg(DISTINCT admin_role) AS admin_roles,
		jsonb_agg(jsonb_build_object('role', admin_role, 'via', via)) AS chains
	FROM sec_admin_holders(:connector)
	GROUP BY user_name) a ON a.user_name = u.name
WHERE u.connector = :connector AND NOT coalesce(u.disabled, false)
	-- a person: not a service user
	AND (NOT (upper(coalesce(u.type, '')) IN ('SERVICE', 'LEGACY_SERVICE')
			OR upper(u.name) = ANY (ARRAY(SELECT upper(x)
				FROM jsonb_array_elements_text((:settings::jsonb)->'service_users') x))))
	AND u.has_password AND NOT coalesce(u.has_mfa, false)
	AND NOT coalesce(u.ext_authn_duo, false)

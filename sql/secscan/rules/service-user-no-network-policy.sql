-- Rule service-user-no-network-policy: service user without a network policy.
-- Parameters and result: secscan_rules.h.
SELECT u.name, jsonb_build_object('type', u.type), NULL
FROM sec_users u
WHERE u.connector = :connector AND NOT coalesce(u.disabled, false)
	-- a service user: by type, or named in service_users
	AND (upper(coalesce(u.type, '')) IN ('SERVICE', 'LEGACY_SERVICE')
		OR upper(u.name) = ANY (ARRAY(SELECT upper(x)
			FROM jsonb_array_elements_text((:settings::jsonb)->'service_users') x)))
	AND NOT EXISTS (SELECT 1
	FROM sec_policy_references r
	WHERE r.connector = :connector AND r.policy_kind = 'NETWORK_POLICY'
		AND r.ref_entity_domain = 'USER' AND r.ref_entity_name = u.name)

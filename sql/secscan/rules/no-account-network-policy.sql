-- Rule no-account-network-policy: no account-level network policy.
-- Parameters and result: secscan_rules.h.
SELECT 'account', jsonb_build_object('account_network_policy', NULL), NULL
WHERE NOT EXISTS (SELECT 1
	FROM sec_policy_references r
	WHERE r.connector = :connector AND r.policy_kind = 'NETWORK_POLICY'
		AND r.ref_entity_domain = 'ACCOUNT') AND NOT EXISTS (SELECT 1
	FROM sec_parameters p
	WHERE p.connector = :connector AND p.key = 'NETWORK_POLICY' AND coalesce(p.value, '') <> '')

-- Rule network-policy-open: network policy allows 0.0.0.0/0.
-- Parameters and result: secscan_rules.h.
SELECT n.name, jsonb_build_object('allowed_ip_list', n.allowed_ip_list, 'attached_to',
		(SELECT coalesce(jsonb_agg(r.ref_entity_domain || ' ' || r.ref_entity_name), '[]')
		FROM sec_policy_references r
		WHERE r.connector = :connector AND r.policy_kind = 'NETWORK_POLICY'
			AND r.policy_name = n.name)), NULL
FROM sec_network_policies n
WHERE n.connector = :connector AND EXISTS (SELECT 1
	FROM unnest(string_to_array(regexp_replace(coalesce(n.allowed_ip_list, ''), '[\s''"()\[\]]',
					'', 'g'), ',')) ip
	WHERE ip IN ('0.0.0.0/0', '0.0.0.0', '::/0'))

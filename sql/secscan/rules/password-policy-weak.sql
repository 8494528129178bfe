-- Rule password-policy-weak: no account password policy with length >= 14.
-- Parameters and result: secscan_rules.h.
WITH acct AS (SELECT p.name, p.password_min_length
	FROM sec_policy_references r
	JOIN sec_password_policies p ON p.connector = r.connector AND p.name = r.policy_name
	WHERE r.connector = :connector AND r.policy_kind = 'PASSWORD_POLICY'
		AND r.ref_entity_domain = 'ACCOUNT')
SELECT 'account', jsonb_build_object('policy', max(name), 'password_min_length',
		min(password_min_length), 'required', 14), NULL
FROM acct
HAVING count(*) = 0 OR min(password_min_length) < 14

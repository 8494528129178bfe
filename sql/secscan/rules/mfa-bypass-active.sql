-- Rule mfa-bypass-active: MFA bypass in effect.
-- Parameters and result: secscan_rules.h.
SELECT u.name, jsonb_build_object('bypass_mfa_until',
		to_char((u.bypass_mfa_until) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')),
	NULL
FROM sec_users u
WHERE u.connector = :connector AND NOT coalesce(u.disabled, false)
	AND u.bypass_mfa_until > :now::timestamptz

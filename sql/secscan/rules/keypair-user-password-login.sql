-- Rule keypair-user-password-login: key-pair user signed in with a password.
-- Parameters and result: secscan_rules.h.
SELECT u.name, jsonb_build_object('password_logins', count(*), 'last_at',
		to_char((max(l.event_timestamp)) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
		'addresses', jsonb_agg(DISTINCT l.client_ip), 'client_types',
		jsonb_agg(DISTINCT l.client_type)), NULL
FROM sec_login_history l
JOIN sec_users u ON u.connector = :connector AND u.name = l.user_name
WHERE l.connector = :connector AND l.is_success
	AND l.event_timestamp > :now::timestamptz - ((((:settings::jsonb)->>'threat_days')::int) * interval '1 day')
	AND l.event_timestamp <= :now::timestamptz AND l.first_factor = 'PASSWORD'
	AND NOT coalesce(u.disabled, false) AND coalesce(u.has_rsa_public_key, false)
GROUP BY u.name

-- Rule sso-user-password-login: password sign-in by a user who signs in with SSO.
-- Parameters and result: secscan_rules.h.
SELECT l.user_name, jsonb_build_object('password_logins', count(*), 'last_password_at',
		to_char((max(l.event_timestamp)) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
		'last_sso_at', to_char((s.ts) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
		'addresses', jsonb_agg(DISTINCT l.client_ip)), NULL
FROM sec_login_history l
JOIN (SELECT user_name, max(event_timestamp) AS ts
	FROM sec_login_history
	WHERE connector = :connector AND first_factor = 'SAML2_ASSERTION' AND is_success
		AND event_timestamp <= :now::timestamptz
	GROUP BY user_name) s ON s.user_name = l.user_name
WHERE l.connector = :connector AND l.is_success
	AND l.event_timestamp > :now::timestamptz - ((((:settings::jsonb)->>'threat_days')::int) * interval '1 day')
	AND l.event_timestamp <= :now::timestamptz AND l.first_factor = 'PASSWORD'
GROUP BY l.user_name, s.ts

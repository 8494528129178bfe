-- Rule password-login-no-mfa: password sign-in without a second factor.
-- Parameters and result: secscan_rules.h.
SELECT l.user_name, jsonb_build_object('logins', count(*), 'last_at',
		to_char((max(l.event_timestamp)) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
		'addresses', jsonb_agg(DISTINCT l.client_ip)),
	CASE WHEN l.user_name IN (SELECT user_name
	FROM sec_admin_holders(:connector)) THEN 'high' END
FROM sec_login_history l
WHERE l.connector = :connector AND l.is_success AND l.first_factor = 'PASSWORD'
	AND coalesce(l.second_factor, '') = '' AND l.user_name IS NOT NULL
	AND l.event_timestamp > :now::timestamptz - ((((:settings::jsonb)->>'threat_days')::int) * interval '1 day')
	AND l.event_timestamp <= :now::timestamptz
GROUP BY l.user_name

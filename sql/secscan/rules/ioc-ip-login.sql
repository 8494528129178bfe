-- Rule ioc-ip-login: sign-in attempt from a published attack address.
-- Parameters and result: secscan_rules.h.
SELECT coalesce(l.user_name, '(unknown user)'),
	jsonb_build_object('addresses', jsonb_agg(DISTINCT l.client_ip), 'attempts', count(*),
		'successes', count(*) FILTER (WHERE l.is_success), 'first_at',
		to_char((min(l.event_timestamp)) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
		'last_at', to_char((max(l.event_timestamp)) AT TIME ZONE 'UTC',
			'YYYY-MM-DD"T"HH24:MI:SS"Z"')), NULL
FROM (SELECT DISTINCT jsonb_array_elements_text((:settings::jsonb)->'ioc_ips') AS ip) ioc
JOIN sec_login_history l ON l.connector = :connector AND l.client_ip = ioc.ip
WHERE l.event_timestamp <= :now::timestamptz
GROUP BY 1

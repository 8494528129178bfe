-- Rule failed-login-burst-user: burst of failed sign-ins for one user.
-- Parameters and result: secscan_rules.h.
SELECT user_name, jsonb_build_object('max_failures_in_hour', max(n), 'failures', count(*),
		'first_burst_at', to_char((min(ts) FILTER (WHERE n >= (((:settings::jsonb)->>'burst')::int))) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), 'addresses', count(DISTINCT client_ip)),
	NULL
FROM (SELECT user_name, client_ip, ts,
		count(*) OVER (PARTITION BY user_name ORDER BY ts RANGE BETWEEN CURRENT ROW
			AND interval '1 hour' FOLLOWING) AS n
	-- failed sign-ins inside the threat window
	FROM (SELECT event_id, user_name, client_ip, event_timestamp AS ts
		FROM sec_login_history
		WHERE connector = :connector AND NOT is_success
			AND event_timestamp > :now::timestamptz - ((((:settings::jsonb)->>'threat_days')::int) * interval '1 day')
			AND event_timestamp <= :now::timestamptz) f
	WHERE user_name IS NOT NULL) w
GROUP BY user_name
HAVING max(n) >= (((:settings::jsonb)->>'burst')::int)

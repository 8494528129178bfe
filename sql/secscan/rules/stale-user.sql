-- Rule stale-user: user not signed in for stale_days.
-- Parameters and result: secscan_rules.h.
SELECT u.name, jsonb_build_object('last_success_login',
		to_char((u.last_success_login) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
		'created_on', to_char((u.created_on) AT TIME ZONE 'UTC',
			'YYYY-MM-DD"T"HH24:MI:SS"Z"'), 'idle_days',
		extract(day FROM :now::timestamptz - coalesce(u.last_success_login,
				u.created_on))::int, 'stale_days',
		(((:settings::jsonb)->>'stale_days')::int)), NULL
FROM sec_users u
WHERE u.connector = :connector AND NOT coalesce(u.disabled, false)
	AND :now::timestamptz - coalesce(u.last_success_login,
		u.created_on) > ((((:settings::jsonb)->>'stale_days')::int) * interval '1 day')

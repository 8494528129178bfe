-- Rule password-old: password older than password_max_age_days.
-- Parameters and result: secscan_rules.h.
SELECT u.name, jsonb_build_object('password_last_set_time',
		to_char((u.password_last_set_time) AT TIME ZONE 'UTC',
			'YYYY-MM-DD"T"HH24:MI:SS"Z"'), 'age_days',
		extract(day FROM :now::timestamptz - u.password_last_set_time)::int, 'admin',
		a.user_name IS NOT NULL, 'max_age_days',
		CASE WHEN a.user_name IS NULL
		THEN (((:settings::jsonb)->>'password_max_age_days')::int)
		ELSE (((:settings::jsonb)->>'admin_password_max_age_days')::int) END), NULL
FROM sec_users u
LEFT JOIN (SELECT DISTINCT user_name
	FROM sec_admin_holders(:connector)) a ON a.user_name = u.name
WHERE u.connector = :connector AND NOT coalesce(u.disabled, false)
	AND coalesce(u.has_password, false) AND u.password_last_set_time IS NOT NULL
	AND :now::timestamptz - u.password_last_set_time > CASE WHEN a.user_name IS NULL
	THEN ((((:settings::jsonb)->>'password_max_age_days')::int) * interval '1 day')
	ELSE ((((:settings::jsonb)->>'admin_password_max_age_days')::int) * interval '1 day') END

-- Rule person-looks-like-service: person whose sign-ins all come from drivers.
-- Parameters and result: secscan_rules.h.
SELECT u.name, jsonb_build_object('logins', l.n, 'client_types', l.types, 'days', 30, 'last_at',
		to_char((l.last_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')), NULL
-- per (user, client type) first: one hashed pass over the window;
-- grouping by user alone walks the per-user index over all rows
FROM (SELECT t.user_name, sum(t.n) AS n, jsonb_agg(t.client_type ORDER BY t.client_type) AS types,
		max(t.last_at) AS last_at
	FROM (SELECT l.user_name, l.client_type, count(*) AS n, max(l.event_timestamp) AS last_at
		FROM sec_login_history l
		WHERE l.connector = :connector AND l.is_success
			AND l.event_timestamp > :now::timestamptz - interval '30 days'
			AND l.event_timestamp <= :now::timestamptz
		GROUP BY 1, 2) t
	GROUP BY t.user_name
	-- every one from a program: a REPORTED_CLIENT_TYPE ending in _DRIVER, or
	-- C_API, SQL_API
	HAVING sum(t.n) >= 5 AND bool_and((upper(coalesce(t.client_type, '')) LIKE '%\_DRIVER'
				OR upper(t.client_type) IN ('C_API', 'SQL_API')))) l
JOIN sec_users u ON u.connector = :connector AND u.name = l.user_name
WHERE NOT coalesce(u.disabled, false)
	-- a person: not a service user
	AND (NOT (upper(coalesce(u.type, '')) IN ('SERVICE', 'LEGACY_SERVICE')
			OR upper(u.name) = ANY (ARRAY(SELECT upper(x)
				FROM jsonb_array_elements_text((:settings::jsonb)->'service_users') x))))

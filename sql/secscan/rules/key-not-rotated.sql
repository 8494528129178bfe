-- Rule key-not-rotated: RSA key older than key_max_age_days.
-- Parameters and result: secscan_rules.h.
WITH k AS (SELECT CASE WHEN m[1] LIKE '"%'
		THEN replace(substr(m[1], 2, length(m[1]) - 2), '""', '"')
		ELSE upper(m[1]) END AS name, q.start_time, q.query_id
	FROM sec_query_history q,
		regexp_match(q.query_text,
			'^\s*(?:alter|create(?:\s+or\s+replace)?)\s+user\s+(?:if\s+(?:not\s+)?exists\s+)?("(?:[^"]|"")+"|[^\s;]+)',
			'i') AS m
	WHERE q.connector = :connector AND q.execution_status = 'SUCCESS'
		AND upper(q.query_text) LIKE '%RSA_PUBLIC_KEY%'),
last AS (SELECT name, max(start_time) AS set_at
	FROM k
	GROUP BY name)
SELECT u.name, jsonb_build_object('key_set_at',
		to_char((l.set_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), 'age_days',
		extract(day FROM :now::timestamptz - l.set_at)::int, 'key_max_age_days',
		(((:settings::jsonb)->>'key_max_age_days')::int)), NULL
FROM sec_users u
JOIN last l ON l.name = u.name
WHERE u.connector = :connector AND NOT coalesce(u.disabled, false)
	AND coalesce(u.has_rsa_public_key, false)
	AND :now::timestamptz - l.set_at > ((((:settings::jsonb)->>'key_max_age_days')::int) * interval '1 day')

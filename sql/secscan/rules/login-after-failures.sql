-- Rule login-after-failures: successful sign-in after a burst of failures.
-- Parameters and result: secscan_rules.h.
-- failed sign-ins inside the threat window
WITH f AS (SELECT event_id, user_name, client_ip, event_timestamp AS ts
	FROM sec_login_history
	WHERE connector = :connector AND NOT is_success
		AND event_timestamp > :now::timestamptz - ((((:settings::jsonb)->>'threat_days')::int) * interval '1 day')
		AND event_timestamp <= :now::timestamptz),
pairs AS (SELECT user_name, client_ip
	FROM f
	WHERE user_name IS NOT NULL
	GROUP BY 1, 2
	HAVING count(*) >= (((:settings::jsonb)->>'burst')::int)),
s AS (SELECT l.user_name, l.client_ip, l.event_timestamp AS ts
	FROM sec_login_history l
	JOIN pairs p ON p.user_name = l.user_name AND p.client_ip = l.client_ip
	WHERE l.connector = :connector AND l.is_success
		AND l.event_timestamp > :now::timestamptz - ((((:settings::jsonb)->>'threat_days')::int) * interval '1 day')
		AND l.event_timestamp <= :now::timestamptz),
m AS (SELECT s.user_name, s.client_ip, s.ts, count(*) AS failures
	FROM s
	JOIN f ON f.user_name = s.user_name AND f.client_ip = s.client_ip AND f.ts < s.ts
		AND f.ts >= s.ts - interval '24 hours'
	GROUP BY 1, 2, 3
	HAVING count(*) >= (((:settings::jsonb)->>'burst')::int))
SELECT user_name, jsonb_build_object('addresses', jsonb_agg(DISTINCT client_ip), 'first_success_at',
		to_char((min(ts)) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
		'failures_before', max(failures)), NULL
FROM m
GROUP BY user_name

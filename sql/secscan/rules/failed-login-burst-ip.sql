-- Rule failed-login-burst-ip: burst of failed sign-ins from one address.
-- Parameters and result: secscan_rules.h.
-- failed sign-ins inside the threat window
WITH f AS (SELECT event_id, user_name, client_ip, event_timestamp AS ts
	FROM sec_login_history
	WHERE connector = :connector AND NOT is_success
		AND event_timestamp > :now::timestamptz - ((((:settings::jsonb)->>'threat_days')::int) * interval '1 day')
		AND event_timestamp <= :now::timestamptz),
c AS (SELECT client_ip, ts,
		count(*) OVER (PARTITION BY client_ip ORDER BY ts RANGE BETWEEN CURRENT ROW
			AND interval '1 hour' FOLLOWING) AS n
	FROM f
	WHERE client_ip IS NOT NULL),
spray AS (SELECT client_ip
	FROM f
	WHERE client_ip IS NOT NULL
	GROUP BY client_ip
	HAVING count(DISTINCT user_name) >= 5),
u AS (SELECT a.client_ip, a.ts, count(DISTINCT b.user_name) AS users
	FROM f a
	JOIN spray s ON s.client_ip = a.client_ip
	JOIN f b ON b.client_ip = a.client_ip AND b.ts >= a.ts AND b.ts <= a.ts + interval '1 hour'
	GROUP BY a.client_ip, a.event_id, a.ts),
hit AS (SELECT client_ip, max(n) AS n, 0::bigint AS users
	FROM c
	GROUP BY client_ip
	UNION ALL
	SELECT client_ip, 0, max(users)
	FROM u
	GROUP BY client_ip)
SELECT client_ip, jsonb_build_object('max_failures_in_hour', max(n), 'max_users_in_hour',
		max(users)), NULL
FROM hit
GROUP BY client_ip
HAVING max(n) >= (((:settings::jsonb)->>'burst')::int) OR max(users) >= 5

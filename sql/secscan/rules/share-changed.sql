-- Rule share-changed: share or reader account created or changed.
-- Parameters and result: secscan_rules.h.
SELECT q.query_id, jsonb_build_object('user', q.user_name, 'role', q.role_name, 'query_type',
		q.query_type, 'start_time',
		to_char((q.start_time) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
		'query_text', left(q.query_text, 1000)), NULL
FROM sec_query_history q
WHERE q.connector = :connector AND q.execution_status = 'SUCCESS'
	AND q.start_time > :now::timestamptz - ((((:settings::jsonb)->>'threat_days')::int) * interval '1 day')
	AND q.start_time <= :now::timestamptz
	AND upper(q.query_text) ~ '^\s*(CREATE\s+(OR\s+REPLACE\s+)?(SHARE|MANAGED\s+ACCOUNT)|ALTER\s+SHARE)\M'

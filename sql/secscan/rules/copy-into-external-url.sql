-- Rule copy-into-external-url: COPY INTO an external URL without a storage integration.
-- Parameters and result: secscan_rules.h.
SELECT q.query_id, jsonb_build_object('user', q.user_name, 'role', q.role_name, 'query_type',
		q.query_type, 'start_time',
		to_char((q.start_time) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
		'query_text', left(q.query_text, 1000), 'url',
		substring(q.query_text FROM '(?i)^\s*COPY\s+INTO\s+''?((?:s3|s3gov|gcs|azure)://[^''\s]*)')),
	NULL
FROM sec_query_history q
WHERE q.connector = :connector AND q.execution_status = 'SUCCESS'
	AND q.start_time > :now::timestamptz - ((((:settings::jsonb)->>'threat_days')::int) * interval '1 day')
	AND q.start_time <= :now::timestamptz
	AND q.query_text ~* '^\s*COPY\s+INTO\s+''?(s3|s3gov|gcs|azure)://'
	AND q.query_text !~* 'STORAGE_INTEGRATION\s*='

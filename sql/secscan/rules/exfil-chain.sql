-- Rule exfil-chain: exfiltration pattern in one session.
-- Parameters and result: secscan_rules.h.
SELECT session_id, jsonb_build_object('user', max(user_name), 'show_tables', sum(st),
		'temporary_stages', sum(ts), 'unloads', sum(ul), 'gets', sum(gt), 'first_at',
		to_char((min(start_time)) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')), NULL
FROM (SELECT session_id, user_name, start_time,
		(upper(query_text) ~ '^\s*SHOW\s+TABLES')::int AS st,
		(upper(query_text) ~ 'CREATE\s+(OR\s+REPLACE\s+)?TEMP(ORARY)?\s+STAGE')::int AS ts,
		(upper(coalesce(query_type, '')) = 'UNLOAD'
			OR upper(query_text) ~ '^\s*COPY\s+INTO\s+@')::int AS ul,
		(upper(coalesce(query_type, '')) = 'GET_FILES'
			OR upper(query_text) ~ '^\s*GET\s+@')::int AS gt
	FROM sec_query_history
	WHERE connector = :connector AND session_id IS NOT NULL AND execution_status = 'SUCCESS'
		AND start_time > :now::timestamptz - ((((:settings::jsonb)->>'threat_days')::int) * interval '1 day')
		AND start_time <= :now::timestamptz) q
GROUP BY session_id
HAVING sum(ts) > 0 AND sum(ul) > 0 AND (sum(gt) > 0 OR sum(st) > 0)

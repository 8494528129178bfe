-- Rule ioc-client-app: session from a client application used in attacks.
-- Parameters and result: secscan_rules.h.
SELECT coalesce(s.user_name, '(unknown user)'),
	jsonb_build_object('sessions', jsonb_agg(s.session_id ORDER BY s.session_id),
		'client_application_id', jsonb_agg(DISTINCT s.client_application_id), 'first_at',
		to_char((min(s.created_on)) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')), NULL
FROM sec_sessions s
WHERE s.connector = :connector
	AND s.created_on > :now::timestamptz - ((((:settings::jsonb)->>'threat_days')::int) * interval '1 day')
	AND s.created_on <= :now::timestamptz AND EXISTS (SELECT 1
	FROM jsonb_array_elements_text((:settings::jsonb)->'ioc_apps') a
	WHERE a <> '' AND (strpos(lower(coalesce(s.client_application_id, '')), lower(a)) > 0
			OR strpos(lower(coalesce(s.client_environment, '')), lower(a)) > 0))
GROUP BY 1

-- Rule rare-client-app: client application first seen in the last 10 days.
-- Parameters and result: secscan_rules.h.
-- an application is its client application id without the version
WITH apps AS (SELECT regexp_replace(client_application_id, '\s+v?[0-9][^\s]*$', '') AS app,
		min(first_seen) AS first_seen, max(last_seen) AS last_seen,
		jsonb_agg(client_application_id ORDER BY client_application_id) AS ids
	FROM sec_client_apps
	WHERE connector = :connector AND first_seen <= :now::timestamptz
	GROUP BY 1)
SELECT a.app, jsonb_build_object('first_seen',
		to_char((a.first_seen) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
		'last_seen', to_char((a.last_seen) AT TIME ZONE 'UTC',
			'YYYY-MM-DD"T"HH24:MI:SS"Z"'), 'client_application_ids', a.ids,
		'recent_users', (SELECT coalesce(jsonb_agg(DISTINCT s.user_name), '[]')
		FROM sec_sessions s
		WHERE s.connector = :connector AND s.created_on >= a.first_seen
			AND regexp_replace(s.client_application_id, '\s+v?[0-9][^\s]*$',
				'') = a.app)), NULL
FROM apps a
WHERE a.app <> '' AND a.first_seen > :now::timestamptz - interval '10 days'

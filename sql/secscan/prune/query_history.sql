-- Drop the connector's statements older than the window (:days before
-- :now), except key changes, which key-not-rotated needs for 400 days.
DELETE FROM sec_query_history WHERE connector = :connector
	AND (start_time < :now::timestamptz - 400 * interval '1 day'
		OR (start_time < :now::timestamptz - :days::int * interval '1 day'
			AND NOT (query_type IN ('ALTER_USER', 'CREATE_USER') AND upper(query_text) LIKE '%RSA_PUBLIC_KEY%')))

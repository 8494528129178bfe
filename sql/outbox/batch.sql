-- The rows of a batch built in C (outbox.c): :rows is a JSON array of
-- objects with the outbox columns, unpacked in one statement.
SELECT channel, source_id, severity, title, body, fields, dedup_key
FROM jsonb_to_recordset(:rows::jsonb) AS x (channel text, source_id bigint, severity text,
	title text, body text, fields jsonb, dedup_key text)

-- One outbox row per (alert, channel), one array parameter per column;
-- the dedup key makes a retry of the same alert enqueue nothing.
INSERT INTO notifications (channel, kind, source_id, severity, title, body,
	fields, dedup_key)
SELECT u.channel, 'budget', u.source_id, u.severity, u.title, u.body,
	u.fields, u.dedup_key
FROM unnest(:channels::text[], :source_ids::bigint[], :severities::text[], :titles::text[], :bodies::text[],
		:fields::jsonb[], :dedup_keys::text[])
	AS u(channel, source_id, severity, title, body, fields, dedup_key)
ON CONFLICT (channel, dedup_key) DO NOTHING

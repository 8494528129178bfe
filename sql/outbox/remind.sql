-- Reminders of open critical incidents (fg_outbox_remind): :channels is a
-- JSON array of {"channel", "repeat_s"}.  o: per channel and incident
-- without a resolution there, its latest critical opening sent there; i:
-- the incident's rows on the channel: the last sending (or queueing, for
-- a row that never went: a dead reminder waits its interval like a sent
-- one), the first opening sent, how many reminders, whether a row is still
-- waiting.  These times are the database's (created_at and sent_at are
-- stamped with now()), and so is the comparison.
WITH ch AS (SELECT c->>'channel' AS channel, (c->>'repeat_s')::bigint AS repeat_s
		FROM jsonb_array_elements(:channels::jsonb) c),
o AS (SELECT DISTINCT ON (n.channel, n.incident) n.channel, n.incident, n.kind, n.source_id, n.severity,
		n.title, n.body, n.fields
	FROM notifications n JOIN ch USING (channel)
	WHERE n.incident IS NOT NULL AND n.event = 'trigger' AND n.severity = 'critical' AND n.status = 'sent'
		AND NOT EXISTS (SELECT 1 FROM notifications x
			WHERE x.incident = n.incident AND x.channel = n.channel AND x.event = 'resolve')
	ORDER BY n.channel, n.incident, n.id DESC),
i AS (SELECT n.channel, n.incident, max(coalesce(n.sent_at, n.created_at)) AS last_sent,
		min(n.sent_at) FILTER (WHERE n.event = 'trigger') AS first_sent,
		count(*) FILTER (WHERE n.event = 'remind') AS reminders,
		bool_or(n.status IN ('pending', 'held')) AS waiting
	FROM o JOIN notifications n ON n.incident = o.incident AND n.channel = o.channel
	GROUP BY n.channel, n.incident)
SELECT o.channel, o.kind, o.source_id, o.severity, left('reminder: ' || o.title, 300) AS title,
	'Still open, first sent ' || to_char(i.first_sent AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
		|| E'.\n' || o.body AS body,
	o.fields || jsonb_build_object('event', 'remind', 'reminder', i.reminders + 1) AS fields,
	'remind:' || o.incident || ':' || (i.reminders + 1) AS dedup_key
FROM o JOIN i USING (channel, incident) JOIN ch USING (channel)
WHERE NOT i.waiting AND i.last_sent <= now() - make_interval(secs => ch.repeat_s)

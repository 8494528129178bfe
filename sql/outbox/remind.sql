-- Reminders of open critical incidents (fg_outbox_remind): :channels is a
-- JSON array of {"channel", "repeat_s"}.  i: per channel and incident, its
-- last sending (or queueing, for a row that never went: a dead reminder
-- waits its interval like a sent one), how many reminders it had, whether it ended or has a row
-- still waiting; o: its latest critical opening sent there.  These times
-- are the database's (created_at and sent_at are stamped with now()), and
-- so is the comparison.
WITH ch AS (SELECT c->>'channel' AS channel, (c->>'repeat_s')::bigint AS repeat_s
		FROM jsonb_array_elements(:channels::jsonb) c),
i AS (SELECT n.channel, n.incident, max(coalesce(n.sent_at, n.created_at)) AS last_sent,
		count(*) FILTER (WHERE n.event = 'remind') AS reminders,
		bool_or(n.event = 'resolve') AS ended,
		bool_or(n.status IN ('pending', 'held')) AS waiting
	FROM notifications n JOIN ch USING (channel)
	WHERE n.incident IS NOT NULL
		AND n.incident IN (SELECT x.incident FROM notifications x JOIN ch USING (channel)
			WHERE x.incident IS NOT NULL AND x.event = 'trigger' AND x.severity = 'critical'
				AND x.status = 'sent')
	GROUP BY n.channel, n.incident),
o AS (SELECT DISTINCT ON (n.channel, n.incident) n.channel, n.incident, n.kind, n.source_id, n.severity,
		n.title, n.body, n.fields
	FROM notifications n JOIN i USING (channel, incident)
	WHERE n.event = 'trigger' AND n.severity = 'critical' AND n.status = 'sent'
	ORDER BY n.channel, n.incident, n.id DESC)
SELECT o.channel, o.kind, o.source_id, o.severity, left('reminder: ' || o.title, 300) AS title,
	'Still open, first sent ' || to_char(min_sent.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
		|| E'.\n' || o.body AS body,
	o.fields || jsonb_build_object('event', 'remind', 'reminder', i.reminders + 1) AS fields,
	'remind:' || o.incident || ':' || (i.reminders + 1) AS dedup_key
FROM o JOIN i USING (channel, incident) JOIN ch USING (channel)
CROSS JOIN LATERAL (SELECT min(n.sent_at) AS at FROM notifications n
	WHERE n.channel = o.channel AND n.incident = o.incident AND n.event = 'trigger') AS min_sent
WHERE NOT i.ended AND NOT i.waiting AND i.last_sent <= now() - make_interval(secs => ch.repeat_s)

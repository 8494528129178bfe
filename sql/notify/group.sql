-- One message per producer run and channel (`group = per-run`): the held
-- alerts of the channels in :channels (a JSON array of names), grouped by
-- the transaction that queued them (created_at is its now(), the same for
-- every row a producer run queues), their kind and event.  Each group
-- becomes one row of kind :kind: the count by severity in its title, the
-- first :top::int titles by severity in its body and the rest counted.  Like an
-- e-mail digest it carries its members through digest_items (recipient:
-- the channel), and the members become 'sent' naming it in digest_id.
-- r: the held rows with their rank in the group and the group's id (its
-- first row's); c: counts by severity; g: one line per group.
WITH h AS (SELECT id, channel, kind, event, severity, title, created_at FROM notifications
		WHERE status = 'held' AND channel IN (SELECT jsonb_array_elements_text(:channels::jsonb))
		FOR UPDATE),
r AS (SELECT h.*, array_position(ARRAY['info', 'low', 'medium', 'high', 'critical'], severity) AS rank,
		row_number() OVER (PARTITION BY channel, kind, event, created_at
			ORDER BY array_position(ARRAY['info', 'low', 'medium', 'high', 'critical'], severity) DESC,
				id) AS pos,
		min(id) OVER (PARTITION BY channel, kind, event, created_at) AS gid
	FROM h),
c AS (SELECT gid, severity, max(rank) AS rank, count(*) AS n FROM r GROUP BY gid, severity),
g AS (SELECT gid, min(channel) AS channel, min(kind) AS kind, min(event) AS event, count(*) AS n,
		max(rank) AS rank,
		string_agg('[' || severity || '] ' || title, E'\n' ORDER BY pos) FILTER (WHERE pos <= :top::int) AS items
	FROM r GROUP BY gid),
s AS (SELECT g.*, x.counts, x.by_severity,
		CASE g.kind WHEN 'finding' THEN 'finding' WHEN 'budget' THEN 'budget alert'
			WHEN 'anomaly' THEN 'cost anomaly' ELSE g.kind || ' alert' END
		|| CASE WHEN g.n = 1 THEN '' ELSE 's' END AS noun
	FROM g CROSS JOIN LATERAL (SELECT string_agg(c.n || ' ' || c.severity, ', ' ORDER BY c.rank DESC) AS counts,
			jsonb_object_agg(c.severity, c.n) AS by_severity FROM c WHERE c.gid = g.gid) AS x),
d AS (INSERT INTO notifications (channel, kind, source_id, severity, title, body, fields, dedup_key)
	SELECT channel, :kind, NULL, (ARRAY['info', 'low', 'medium', 'high', 'critical'])[rank],
		n || ' ' || noun || CASE event WHEN 'resolve' THEN ' resolved' WHEN 'remind' THEN ' still open'
			ELSE '' END || ': ' || counts,
		items || CASE WHEN n > :top::int THEN E'\n... and ' || (n - :top::int) || ' more' ELSE '' END,
		jsonb_build_object('group', 'per-run', 'source', kind,
			'state', CASE event WHEN 'resolve' THEN 'resolved' ELSE 'open' END, 'count', n) || by_severity,
		'group:' || gid
	FROM s ON CONFLICT (channel, dedup_key) DO NOTHING RETURNING id, dedup_key),
i AS (INSERT INTO digest_items (notification_id, recipient, digest_id)
	SELECT r.id, r.channel, d.id FROM r JOIN d ON d.dedup_key = 'group:' || r.gid
	RETURNING notification_id, digest_id),
u AS (UPDATE notifications n SET status = 'sent', sent_at = now(), digest_id = i.digest_id
	FROM i WHERE n.id = i.notification_id RETURNING n.id)
SELECT (SELECT count(*) FROM d), (SELECT count(*) FROM u)

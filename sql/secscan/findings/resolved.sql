-- The incidents this scan closed, for fg_outbox_resolve: the findings of
-- :connector that resolve.sql stamped resolved at :now, each named as
-- notify.sql named its opening (the opening time has not moved).  A rerun
-- of the same instant finds them again; the outbox queues a resolution
-- once per channel.
WITH meta AS (SELECT key AS rule, value AS m FROM jsonb_each(:rule_meta::jsonb))
SELECT 'finding:' || f.id || ':' || extract(epoch FROM f.opened_at)::bigint,
	left('resolved: secscan ' || :connector || ': ' || (meta.m->>'title') || ': '
		|| regexp_replace(f.subject, '[[:cntrl:]]+', ' ', 'g'), 300),
	'Rule: ' || f.rule || E'\n' || 'Connector: ' || :connector || E'\n'
		|| 'Subject: ' || regexp_replace(f.subject, '[[:cntrl:]]+', ' ', 'g') || E'\n'
		|| 'Opened: ' || to_char(f.opened_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') || E'\n'
		|| 'Resolved: ' || to_char(f.resolved_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
		|| ' (the rule no longer reports it)',
	jsonb_build_object('rule', f.rule, 'title', meta.m->>'title', 'subject', f.subject, 'connector', :connector,
		'severity', f.severity, 'state', 'resolved')
FROM findings f JOIN meta ON meta.rule = f.rule
WHERE f.connector = :connector AND f.status = 'resolved' AND f.resolved_at = :now

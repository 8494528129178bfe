-- The outbox rows of a scan (enqueued by fg_outbox_enqueue): one per
-- channel (:channels, a JSON array) for new and reopened, unsuppressed
-- findings at or above :min_severity, each opening the incident named
-- like its dedup key (resolved.sql closes it).  :rule_meta
-- maps each rule id to its title, remediation and CIS reference.  Titles
-- are one line (control characters of names become spaces), fields keep
-- the subject verbatim.  The dedup key holds the opening time: a reopen
-- notifies again, a retry of the same transaction cannot notify twice.
WITH meta AS (SELECT key AS rule, value AS m FROM jsonb_each(:rule_meta::jsonb))
SELECT ch, f.id, f.severity,
	left('secscan ' || :connector || ': ' || (meta.m->>'title') || ': '
		|| regexp_replace(f.subject, '[[:cntrl:]]+', ' ', 'g'), 300),
	'Rule: ' || f.rule || coalesce(' (CIS ' || (meta.m->>'cis') || ')', '') || E'\n'
		|| 'Severity: ' || f.severity || E'\n' || 'Connector: ' || :connector || E'\n'
		|| 'Subject: ' || regexp_replace(f.subject, '[[:cntrl:]]+', ' ', 'g') || E'\n'
		|| 'First seen: ' || to_char(f.first_seen AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
		|| CASE WHEN c.state = 'reopened' THEN ' (reopened)' ELSE '' END || E'\n'
		|| 'Evidence: ' || f.evidence::text || E'\n' || 'Remediation: ' || (meta.m->>'remediation'),
	jsonb_build_object('rule', f.rule, 'title', meta.m->>'title', 'subject', f.subject, 'connector', :connector,
		'severity', f.severity, 'evidence', f.evidence, 'remediation', meta.m->>'remediation',
		'cis', meta.m->'cis', 'state', c.state,
		'incident', 'finding:' || f.id || ':' || extract(epoch FROM f.opened_at)::bigint),
	'finding:' || f.id || ':' || extract(epoch FROM f.opened_at)::bigint
FROM sec_cur c
JOIN findings f ON f.connector = :connector AND f.rule = c.rule AND f.subject = c.subject
JOIN meta ON meta.rule = c.rule
CROSS JOIN jsonb_array_elements_text(:channels::jsonb) AS ch
WHERE c.state IN ('new', 'reopened') AND NOT c.suppressed
	AND sec_severity_rank(f.severity) >= sec_severity_rank(:min_severity)

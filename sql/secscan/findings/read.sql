-- This scan's results with their findings: rule, subject, severity,
-- suppressed, state (new, open, reopened), first and last seen, evidence.
SELECT c.rule, c.subject, f.severity, c.suppressed, c.state,
	to_char(f.first_seen AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
	to_char(f.last_seen AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), f.evidence::text
FROM sec_cur c
JOIN findings f ON f.connector = :connector AND f.rule = c.rule AND f.subject = c.subject
ORDER BY c.rule, c.subject

-- Resolve the open findings of the rules evaluated (:evaluated, a JSON
-- array of rule ids) that this scan no longer reports; the rows returned
-- are those of read.sql.
UPDATE findings f SET status = 'resolved', resolved_at = :now
WHERE f.connector = :connector AND f.status = 'open'
	AND f.rule IN (SELECT jsonb_array_elements_text(:evaluated::jsonb))
	AND NOT EXISTS (SELECT 1 FROM sec_cur c WHERE c.rule = f.rule AND c.subject = f.subject)
RETURNING f.rule, f.subject, f.severity, f.suppressed, 'resolved',
	to_char(f.first_seen AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
	to_char(f.last_seen AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), f.evidence::text

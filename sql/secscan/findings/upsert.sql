-- Keep this scan's results in findings: a new one opens; one seen again
-- is updated; a resolved one reopens (opened_at moves, times_opened
-- counts it).
INSERT INTO findings AS f (connector, rule, subject, severity, suppressed, first_seen, last_seen,
	opened_at, evidence)
SELECT :connector, rule, subject, severity, suppressed, :now, :now, :now, evidence FROM sec_cur
ON CONFLICT (connector, rule, subject) DO UPDATE SET severity = EXCLUDED.severity,
	suppressed = EXCLUDED.suppressed, last_seen = :now, evidence = EXCLUDED.evidence, status = 'open',
	resolved_at = NULL, opened_at = CASE WHEN f.status = 'resolved' THEN :now ELSE f.opened_at END,
	times_opened = f.times_opened + CASE WHEN f.status = 'resolved' THEN 1 ELSE 0 END

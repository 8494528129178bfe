-- A source that could not be read, and why (its rules are not evaluated).
INSERT INTO sec_sources (connector, source, status, reason, read_at)
VALUES (:connector, :source, 'unavailable', :reason, :now) ON CONFLICT (connector, source)
	DO UPDATE SET status = 'unavailable', reason = :reason, read_at = :now

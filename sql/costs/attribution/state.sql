-- Record whether the connector's attribution could be read this run.
INSERT INTO attribution_state AS s (connector, available, checked_at, reason)
VALUES (:connector, CAST(:available AS boolean), CAST(:now AS timestamptz), :reason)
ON CONFLICT (connector) DO UPDATE SET available = EXCLUDED.available, checked_at = EXCLUDED.checked_at,
	reason = EXCLUDED.reason

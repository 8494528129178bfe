-- Move the connector's watermark to :day; it only moves forward.
INSERT INTO connector_state AS s (connector, last_synced_day, last_sync_at)
VALUES (:connector, CAST(:day AS date), CAST(:now AS timestamptz))
ON CONFLICT (connector) DO UPDATE SET
	last_synced_day = GREATEST(s.last_synced_day, EXCLUDED.last_synced_day),
	last_sync_at = EXCLUDED.last_sync_at

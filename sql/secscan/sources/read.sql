-- A source read: its row count and when.
INSERT INTO sec_sources (connector, source, status, rows_read, read_at)
VALUES (:connector, :source, 'ok', :rows, :now) ON CONFLICT (connector, source) DO UPDATE
	SET status = 'ok', reason = NULL, rows_read = :rows, read_at = :now

-- Drop the connector's sessions older than the window (:days before :now).
DELETE FROM sec_sessions WHERE connector = :connector
	AND created_on < :now::timestamptz - :days::int * interval '1 day'

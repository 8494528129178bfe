-- Drop the connector's sign-ins older than the window (:days before :now).
DELETE FROM sec_login_history WHERE connector = :connector
	AND event_timestamp < :now::timestamptz - :days::int * interval '1 day'

-- Drop the client applications not seen within the baseline (:days before
-- :now).
DELETE FROM sec_client_apps WHERE connector = :connector
	AND last_seen < :now::timestamptz - :days::int * interval '1 day'

-- The days of sessions on record for the client application baseline: a
-- row only when they are fewer than :days (no row: enough history).
SELECT coalesce(extract(day FROM :now::timestamptz - min(first_seen))::int, 0)
FROM sec_client_apps WHERE connector = :connector
HAVING coalesce(min(first_seen) <= :now::timestamptz - :days::int * interval '1 day', false) = false

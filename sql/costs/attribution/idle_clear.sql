-- Empty the connector's idle compute of :since..:until before
-- attribution/idle.sql computes it again.
DELETE FROM warehouse_idle WHERE connector = :connector
	AND day BETWEEN CAST(:since AS date) AND CAST(:until AS date)

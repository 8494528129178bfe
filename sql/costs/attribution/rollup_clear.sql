-- Remove the connector's roll-up of the days the view reported again
-- (:days, a date array) before attribution/rollup.sql stores it anew.
DELETE FROM attribution_daily WHERE connector = :connector AND day = ANY (CAST(:days AS date[]))

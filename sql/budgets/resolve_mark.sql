-- Stamp the alerts of periods over as of :as_of resolved at :now, after
-- resolve.sql queued their resolutions in the same transaction.
UPDATE budget_alerts SET resolved_at = :now::timestamptz
WHERE resolved_at IS NULL AND period_end < :as_of::date

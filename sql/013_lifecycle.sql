-- 013_lifecycle: incidents in the outbox.  An alert that opens an incident
-- (event 'trigger'), its reminders ('remind') and its end ('resolve') carry
-- the same incident key, so a channel that was told of an incident can be
-- told it is over, and PagerDuty folds them into one incident.
--
-- Producers put "incident" and "event" in a row's fields; the columns are
-- generated from them, so every row enqueued through lib/outbox, by any
-- producer old or new, fills them without a change to the outbox's one
-- INSERT.  A row without an incident is a message of its own (quota,
-- fallback, test, digest).
ALTER TABLE notifications
    ADD COLUMN incident text GENERATED ALWAYS AS (fields->>'incident') STORED,
    ADD COLUMN event text GENERATED ALWAYS AS (coalesce(fields->>'event', 'trigger')) STORED;
ALTER TABLE notifications ADD CONSTRAINT notifications_event_check
    CHECK (event IN ('trigger', 'remind', 'resolve'));
CREATE INDEX notifications_incident ON notifications (incident, channel) WHERE incident IS NOT NULL;

-- A finding's outbox dedup key already named its opening: it becomes the
-- incident of the rows queued before this migration.
UPDATE notifications SET fields = fields || jsonb_build_object('incident', dedup_key)
WHERE kind = 'finding' AND dedup_key LIKE 'finding:%';

-- A budget's incident is (budget, period); it ends with the period, when
-- budgetcheck stamps the period's alerts resolved and queues the
-- resolution.
ALTER TABLE budget_alerts ADD COLUMN resolved_at timestamptz;
CREATE INDEX budget_alerts_open ON budget_alerts (period_end) WHERE resolved_at IS NULL;

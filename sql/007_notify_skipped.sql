-- 007_notify_skipped: notifications skipped by a channel's min_severity, and
-- held e-mail gathered into one digest per recipient.

-- A notification below its channel's min_severity is never sent: it ends as
-- 'skipped', with no delivery attempt, instead of pretending to be 'sent'.
ALTER TABLE notifications DROP CONSTRAINT notifications_status_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_status_check
    CHECK (status IN ('pending', 'sent', 'dead', 'held', 'skipped'));

-- A held notification reaches each recipient of its channel through that
-- recipient's digest; one row per (notification, recipient) names it.  The
-- held row becomes 'sent' once every recipient has one (digest_id then
-- names the first digest that carried it).
CREATE TABLE digest_items (
    notification_id bigint NOT NULL REFERENCES notifications (id) ON DELETE CASCADE,
    recipient       text   NOT NULL,
    digest_id       bigint NOT NULL REFERENCES notifications (id) ON DELETE CASCADE,
    PRIMARY KEY (notification_id, recipient)
);
CREATE INDEX digest_items_digest ON digest_items (digest_id);

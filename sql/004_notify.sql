-- 004_notify: delivery state kept by notifyd-once.

-- E-mail sent per UTC day, for [email] daily_quota.  `warned` is the highest
-- warning level already queued (0, 80, 90, 100), so each fires once a day.
CREATE TABLE email_quota (
    day    date    PRIMARY KEY,
    sent   integer NOT NULL DEFAULT 0,
    warned integer NOT NULL DEFAULT 0
);

-- Notifications held for an e-mail digest name the digest that carried them.
ALTER TABLE notifications ADD COLUMN digest_id bigint;

-- Notifications deferred by the e-mail quota carry the UTC day they wait for,
-- so the next day's run (by the tool's clock) takes them first.
ALTER TABLE notifications ADD COLUMN defer_day date;

CREATE INDEX notifications_dead ON notifications (id) WHERE status = 'dead';
CREATE INDEX notifications_held ON notifications (channel) WHERE status = 'held';

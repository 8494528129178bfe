-- 010_notify_fallback: a channel's fallback is told when notifications go
-- dead on it, through a notice of its own kind, so that it is neither
-- silenced nor held for the e-mail digest like an alert.
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check
    CHECK (kind IN ('budget', 'finding', 'quota', 'test', 'generic', 'digest', 'fallback'));

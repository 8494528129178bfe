-- 012_anomalies: cost anomalies found by budgetcheck, and their incidents.
--
-- A series is the daily cost of one connector's account, one warehouse or
-- one service type (dimension 'account', 'warehouse', 'service'; series ''
-- for the account).  An anomaly is one anomalous day of one series, kept
-- once whatever the number of runs (the UNIQUE constraint).  Consecutive
-- anomalous days of a series belong to one incident; the first normal day
-- after it resolves it (resolved_day, and resolved_at by the database's
-- clock).  The notification of an incident goes out when it opens.

ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check
    CHECK (kind IN ('budget', 'finding', 'quota', 'test', 'generic', 'digest', 'fallback',
                    'anomaly'));

CREATE TABLE anomaly_incidents (
    id           bigserial PRIMARY KEY,
    connector    text        NOT NULL,
    dimension    text        NOT NULL,
    series       text        NOT NULL,
    direction    text        NOT NULL CHECK (direction IN ('spike', 'dip')),
    first_day    date        NOT NULL,
    last_day     date        NOT NULL,
    severity     text        NOT NULL
                 CHECK (severity IN ('info', 'low', 'medium', 'high', 'critical')),
    resolved_day date,
    resolved_at  timestamptz,
    created_at   timestamptz NOT NULL DEFAULT now(),
    CHECK (last_day >= first_day),
    CHECK (resolved_day IS NULL OR resolved_day > last_day)
);
-- At most one open incident per series.
CREATE UNIQUE INDEX anomaly_incidents_open ON anomaly_incidents (connector, dimension, series)
    WHERE resolved_day IS NULL;
CREATE INDEX anomaly_incidents_last ON anomaly_incidents (last_day);

CREATE TABLE anomalies (
    id            bigserial PRIMARY KEY,
    incident_id   bigint      REFERENCES anomaly_incidents (id),
    connector     text        NOT NULL,
    dimension     text        NOT NULL,
    series        text        NOT NULL,
    day           date        NOT NULL,
    direction     text        NOT NULL CHECK (direction IN ('spike', 'dip')),
    severity      text        NOT NULL
                  CHECK (severity IN ('info', 'low', 'medium', 'high', 'critical')),
    actual        numeric     NOT NULL,
    expected      numeric     NOT NULL,
    spread        numeric     NOT NULL,
    deviation     numeric     NOT NULL,
    baseline_low  numeric     NOT NULL,
    baseline_high numeric     NOT NULL,
    baseline_days integer     NOT NULL,
    explanation   text        NOT NULL,
    contributors  jsonb       NOT NULL DEFAULT '[]',
    created_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (connector, dimension, series, day)
);
CREATE INDEX anomalies_incident ON anomalies (incident_id);

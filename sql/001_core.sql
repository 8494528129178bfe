-- 001_core: tables shared by every tool.
-- Applied by the tools themselves (search_path = flakeguard).

-- One row per run of a job: start, end, outcome and what it processed.
CREATE TABLE job_runs (
    id          bigserial PRIMARY KEY,
    job         text        NOT NULL,
    started_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
    finished_at timestamptz,
    status      text        NOT NULL DEFAULT 'running'
                CHECK (status IN ('running', 'success', 'failed', 'interrupted', 'skipped')),
    exit_code   integer,
    host        text        NOT NULL,
    pid         integer     NOT NULL,
    counts      jsonb       NOT NULL DEFAULT '{}',
    error       text
);
CREATE INDEX job_runs_job_started ON job_runs (job, started_at DESC);

-- Per-connector sync state written by costsync.
CREATE TABLE connector_state (
    connector       text PRIMARY KEY,
    last_synced_day date,
    last_sync_at    timestamptz
);

-- Daily cost facts, one row per (connector, day, service type, entity).
-- entity: warehouse name for WAREHOUSE_METERING, the Snowflake entity for
-- other services where it exists, '' otherwise.  quantity holds bytes for
-- STORAGE and DATA_TRANSFER.  cost is NUMERIC in the connector's currency.
CREATE TABLE daily_costs (
    connector    text    NOT NULL,
    day          date    NOT NULL,
    service_type text    NOT NULL,
    entity       text    NOT NULL DEFAULT '',
    credits      numeric,
    quantity     numeric,
    cost         numeric NOT NULL DEFAULT 0,
    currency     text    NOT NULL,
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (connector, day, service_type, entity)
);
CREATE INDEX daily_costs_connector_day ON daily_costs (connector, day);

-- The outbox: everything that must be delivered to a channel.  Producers
-- (budgetcheck, secscan, quota warnings) insert in the same transaction as
-- the event; notifyd-once claims rows with FOR UPDATE SKIP LOCKED.
CREATE TABLE notifications (
    id              bigserial PRIMARY KEY,
    created_at      timestamptz NOT NULL DEFAULT now(),
    channel         text        NOT NULL,
    kind            text        NOT NULL
                    CHECK (kind IN ('budget', 'finding', 'quota', 'test', 'generic', 'digest')),
    source_id       bigint,
    severity        text        NOT NULL
                    CHECK (severity IN ('info', 'low', 'medium', 'high', 'critical')),
    title           text        NOT NULL,
    body            text        NOT NULL DEFAULT '',
    fields          jsonb       NOT NULL DEFAULT '{}',
    dedup_key       text        NOT NULL,
    status          text        NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'sent', 'dead', 'held')),
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    claimed_at      timestamptz,
    claimed_by      text,
    sent_at         timestamptz,
    last_error      text,
    UNIQUE (channel, dedup_key)
);
CREATE INDEX notifications_due ON notifications (next_attempt_at) WHERE status = 'pending';

-- Every delivery attempt, successful or not.
CREATE TABLE delivery_attempts (
    id              bigserial PRIMARY KEY,
    notification_id bigint      NOT NULL REFERENCES notifications (id) ON DELETE CASCADE,
    channel         text        NOT NULL,
    attempted_at    timestamptz NOT NULL DEFAULT now(),
    duration_ms     integer     NOT NULL,
    status_code     integer,
    outcome         text        NOT NULL CHECK (outcome IN ('sent', 'retry', 'dead')),
    error           text
);
CREATE INDEX delivery_attempts_notification ON delivery_attempts (notification_id);
CREATE INDEX delivery_attempts_at ON delivery_attempts (attempted_at);

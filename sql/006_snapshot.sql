-- 006_snapshot: daily history kept by snapshot.

-- Cost per connector, service type and day: a year of trends is 365 rows
-- per service, not a scan of the raw facts.
CREATE TABLE cost_summary (
    connector    text    NOT NULL,
    day          date    NOT NULL,
    service_type text    NOT NULL,
    credits      numeric,
    quantity     numeric,
    cost         numeric NOT NULL,
    currency     text    NOT NULL,
    entities     integer NOT NULL,
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (connector, day, service_type)
);

-- One row per budget and day.  Keyed by the budget's name, without a
-- foreign key, so history outlives a budget removed from the config.
CREATE TABLE budget_history (
    budget        text    NOT NULL,
    snapshot_date date    NOT NULL,
    connector     text    NOT NULL,
    period        text    NOT NULL,
    period_start  date    NOT NULL,
    period_end    date    NOT NULL,
    spend         numeric NOT NULL,
    amount        numeric NOT NULL,
    currency      text    NOT NULL,
    percent       numeric NOT NULL,
    forecast      numeric,
    updated_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (budget, snapshot_date)
);

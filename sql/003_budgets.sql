-- 003_budgets: budgets mirrored from the config file, and their alerts.
-- budgetcheck upserts every [budget NAME] section by name on each run; a
-- budget no longer in the file is marked inactive, never deleted, so its
-- alerts (and snapshot history) keep pointing at it.

CREATE TABLE budgets (
    id             bigserial PRIMARY KEY,
    name           text        NOT NULL UNIQUE,
    connector      text        NOT NULL,
    amount         numeric     NOT NULL CHECK (amount > 0),
    currency       text        NOT NULL,
    period         text        NOT NULL
                   CHECK (period IN ('daily', 'weekly', 'monthly', 'quarterly', 'yearly')),
    scope          text        NOT NULL,
    thresholds     integer[]   NOT NULL,
    forecast       boolean     NOT NULL,
    notify         text[]      NOT NULL DEFAULT '{}',
    active         boolean     NOT NULL DEFAULT true,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    deactivated_at timestamptz
);

-- One alert per (budget, period, threshold, kind), whatever the number of
-- runs, concurrent or not: the UNIQUE constraint is the guarantee.  The
-- figures are those of the run that crossed the threshold.
CREATE TABLE budget_alerts (
    id           bigserial PRIMARY KEY,
    budget_id    bigint      NOT NULL REFERENCES budgets (id),
    budget       text        NOT NULL,
    period       text        NOT NULL,
    period_start date        NOT NULL,
    period_end   date        NOT NULL,
    threshold    integer     NOT NULL CHECK (threshold BETWEEN 1 AND 1000),
    kind         text        NOT NULL CHECK (kind IN ('actual', 'forecast')),
    severity     text        NOT NULL
                 CHECK (severity IN ('info', 'low', 'medium', 'high', 'critical')),
    spend        numeric     NOT NULL,
    amount       numeric     NOT NULL,
    percent      numeric     NOT NULL,
    forecast     numeric,
    created_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (budget_id, period_start, threshold, kind)
);
CREATE INDEX budget_alerts_created ON budget_alerts (created_at);

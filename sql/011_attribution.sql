-- 011_attribution: warehouse compute attributed to users, roles, query
-- tags and parameterized queries (QUERY_ATTRIBUTION_HISTORY, costsync),
-- and the idle compute that makes each warehouse's day add up.
--
-- Per (connector, day, warehouse): sum(attributed_costs.cost) +
-- warehouse_idle.cost = the day's WAREHOUSE_METERING row of daily_costs,
-- exactly; attributed_queries holds the same attributed compute split by
-- query_parameterized_hash instead ('(other)': the hashes past the top N,
-- '(none)': queries without a hash).  Credits in *_qas are the Query
-- Acceleration Service's, billed outside the warehouse (service type
-- QUERY_ACCELERATION); cost and qas_cost are in the connector's currency.

CREATE TABLE attributed_costs (
    connector   text    NOT NULL,
    day         date    NOT NULL,
    warehouse   text    NOT NULL,
    user_name   text    NOT NULL,
    role_name   text    NOT NULL, -- '' when QUERY_HISTORY has no row for the query
    query_tag   text    NOT NULL, -- '' for untagged queries
    queries     bigint  NOT NULL,
    credits     numeric NOT NULL,
    credits_qas numeric NOT NULL,
    cost        numeric NOT NULL,
    qas_cost    numeric NOT NULL,
    currency    text    NOT NULL
);
-- One row per (connector, day, warehouse, user, role, tag): Snowflake's
-- GROUP BY makes them unique, and costsync replaces whole days, so a
-- narrow index does; a unique key over six names doubled the cost of
-- storing two million rows.
CREATE INDEX attributed_costs_day ON attributed_costs (connector, day);

CREATE TABLE attributed_queries (
    connector       text    NOT NULL,
    day             date    NOT NULL,
    warehouse       text    NOT NULL,
    query_hash      text    NOT NULL,
    queries         bigint  NOT NULL,
    sample_query_id text,
    credits         numeric NOT NULL,
    credits_qas     numeric NOT NULL,
    cost            numeric NOT NULL,
    qas_cost        numeric NOT NULL,
    currency        text    NOT NULL,
    PRIMARY KEY (connector, day, warehouse, query_hash)
);

-- Compute of a warehouse's day that no query was charged with: the
-- warehouse's stored compute minus what attributed_costs holds for it.
CREATE TABLE warehouse_idle (
    connector text    NOT NULL,
    day       date    NOT NULL,
    warehouse text    NOT NULL,
    credits   numeric,
    cost      numeric NOT NULL,
    currency  text    NOT NULL,
    PRIMARY KEY (connector, day, warehouse)
);

-- Whether the connector's last sync could read QUERY_ATTRIBUTION_HISTORY.
CREATE TABLE attribution_state (
    connector  text        PRIMARY KEY,
    available  boolean     NOT NULL,
    checked_at timestamptz NOT NULL,
    reason     text
);

-- Attributed cost per day and one dimension, compute and Query
-- Acceleration together: what user:, role: and query_tag: budgets and
-- their breakdowns read (attributed_costs rolled up by costsync).
CREATE TABLE attribution_daily (
    connector text    NOT NULL,
    day       date    NOT NULL,
    dimension text    NOT NULL CHECK (dimension IN ('user', 'role', 'query_tag')),
    name      text    NOT NULL,
    queries   bigint  NOT NULL,
    cost      numeric NOT NULL,
    PRIMARY KEY (connector, day, dimension, name)
);

-- 10_costs: the cost views of SNOWFLAKE.ACCOUNT_USAGE and
-- SNOWFLAKE.ORGANIZATION_USAGE, with a deterministic data generator.
--
-- Generator (used by tests, benchmarks and the demo):
--
--   SELECT account_usage.generate_costs(start date, days int,
--                                       warehouses int, seed int);
--
-- Appends `days` UTC days from `start` of cost data for `warehouses`
-- warehouses named WH_001, WH_002, ... (hourly WAREHOUSE_METERING_HISTORY,
-- hourly serverless METERING_HISTORY for PIPE, AUTO_CLUSTERING and
-- SERVERLESS_TASK, their METERING_DAILY_HISTORY roll-up with the daily
-- cloud-services adjustment, one STORAGE_USAGE row a day, a few
-- DATA_TRANSFER_HISTORY rows a day, and a 'compute' RATE_SHEET_DAILY row
-- every third day for the current account).  Returns the number of
-- WAREHOUSE_METERING_HISTORY rows written (days * 24 * warehouses).  The
-- same arguments always produce the same rows, so tests can compute the
-- expected totals independently from the hourly tables:
--   warehouse compute  = SUM(credits_used_compute) per UTC day and warehouse
--   billed cloud svcs  = C - LEAST(C, 0.1 * W) per UTC day, where C is the
--                        day's cloud-services credits of all services and W
--                        the day's warehouse compute credits
-- The generator does not delete anything: call
-- account_usage.reset_costs() first for a clean slate.
--
-- Identifiers are lower case so that Snowflake's unquoted (upper-case)
-- names resolve; TIMESTAMP_LTZ columns are timestamptz; credit columns are
-- unconstrained numeric so tests can plant NaN as malformed source data.

-- Snowflake's CURRENT_ACCOUNT(): the account locator of the session (OR
-- REPLACE: other simulator files may need it too).
CREATE OR REPLACE FUNCTION public.current_account() RETURNS text
LANGUAGE sql IMMUTABLE AS $$ SELECT 'SIM00001'::text $$;

CREATE TABLE account_usage.warehouse_metering_history (
    start_time                         timestamptz NOT NULL,
    end_time                           timestamptz NOT NULL,
    warehouse_id                       bigint,
    warehouse_name                     text,
    credits_used                       numeric,
    credits_used_compute               numeric,
    credits_used_cloud_services        numeric,
    credits_attributed_compute_queries numeric
);
CREATE INDEX ON account_usage.warehouse_metering_history (start_time);

CREATE TABLE account_usage.metering_history (
    service_type                text NOT NULL,
    start_time                  timestamptz NOT NULL,
    end_time                    timestamptz NOT NULL,
    entity_id                   bigint,
    entity_type                 text,
    name                        text,
    database_id                 bigint,
    database_name               text,
    schema_id                   bigint,
    schema_name                 text,
    credits_used_compute        numeric,
    credits_used_cloud_services numeric,
    credits_used                numeric,
    bytes                       numeric,
    "rows"                      numeric,
    files                       numeric,
    budget_id                   bigint
);
CREATE INDEX ON account_usage.metering_history (start_time);

CREATE TABLE account_usage.metering_daily_history (
    service_type                      text NOT NULL,
    usage_date                        date NOT NULL,
    credits_used_compute              numeric,
    credits_used_cloud_services       numeric,
    credits_used                      numeric,
    credits_adjustment_cloud_services numeric,
    credits_billed                    numeric
);
CREATE INDEX ON account_usage.metering_daily_history (usage_date);

CREATE TABLE account_usage.storage_usage (
    usage_date                  date NOT NULL,
    storage_bytes               numeric,
    stage_bytes                 numeric,
    failsafe_bytes              numeric,
    hybrid_table_storage_bytes  numeric,
    archive_storage_cool_bytes  numeric,
    archive_storage_cold_bytes  numeric
);
CREATE INDEX ON account_usage.storage_usage (usage_date);

CREATE TABLE account_usage.data_transfer_history (
    start_time        timestamptz NOT NULL,
    end_time          timestamptz NOT NULL,
    source_cloud      text,
    source_region     text,
    target_cloud      text,
    target_region     text,
    bytes_transferred double precision,
    transfer_type     text
);
CREATE INDEX ON account_usage.data_transfer_history (start_time);

CREATE TABLE organization_usage.rate_sheet_daily (
    date              date NOT NULL,
    organization_name text,
    contract_number   bigint,
    account_name      text,
    account_locator   text,
    region            text,
    service_level     text,
    usage_type        text,
    currency          text,
    effective_rate    numeric,
    service_type      text
);
CREATE INDEX ON organization_usage.rate_sheet_daily (date);

CREATE FUNCTION account_usage.reset_costs() RETURNS void
LANGUAGE sql AS $$
    TRUNCATE account_usage.warehouse_metering_history,
             account_usage.metering_history,
             account_usage.metering_daily_history,
             account_usage.storage_usage,
             account_usage.data_transfer_history,
             organization_usage.rate_sheet_daily;
$$;

-- A deterministic pseudo-random integer in 0 .. m-1 from three integers
-- (PostgreSQL's hash functions are stable across versions and platforms).
CREATE FUNCTION account_usage.gen_hash(a bigint, b bigint, c bigint, m bigint)
RETURNS bigint LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT ((hashint8extended(a * 1000000000000 + b * 1000000 + c, 42) % m) + m) % m
$$;

CREATE FUNCTION account_usage.generate_costs(start date, days int, warehouses int, seed int)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    n bigint;
BEGIN
    -- Warehouse compute: credits with 9 decimals.  Cloud services run at
    -- 0, 4, 8, 12 or 16 % of compute depending on the day (+-50 % by hour),
    -- so some days stay under the 10 % allowance and some go over it.
    INSERT INTO account_usage.warehouse_metering_history
    SELECT t, t + interval '1 hour', w, 'WH_' || lpad(w::text, 3, '0'),
           c + cs, c, cs, round(c * 0.9, 9)
    FROM (
        SELECT t, w, c,
               round(c * account_usage.gen_hash(seed + 3, d, 0, 5) * 0.04
                       * (50 + account_usage.gen_hash(seed + 2, d * 24 + h, w, 101)) / 100, 9) AS cs
        FROM (
            SELECT d, h, w, ((start + d) + make_interval(hours => h)) AT TIME ZONE 'UTC' AS t,
                   round(account_usage.gen_hash(seed, d * 24 + h, w, 4000000000) / 1000000000.0, 9) AS c
            FROM generate_series(0, days - 1) d, generate_series(0, 23) h,
                 generate_series(1, warehouses) w
        ) g0
    ) g;
    GET DIAGNOSTICS n = ROW_COUNT;

    -- Serverless services, hourly, with their own cloud services.
    INSERT INTO account_usage.metering_history
        (service_type, start_time, end_time, entity_id, entity_type, name,
         credits_used_compute, credits_used_cloud_services, credits_used)
    SELECT s.svc, t, t + interval '1 hour', s.id, s.etype, s.ename, c, cs, c + cs
    FROM (
        SELECT s.*, ((start + d) + make_interval(hours => h)) AT TIME ZONE 'UTC' AS t,
               round(account_usage.gen_hash(seed + 10, d * 24 + h, s.id, 300000000) / 1000000000.0, 9) AS c,
               round(account_usage.gen_hash(seed + 11, d * 24 + h, s.id, 20000000) / 1000000000.0, 9) AS cs
        FROM generate_series(0, days - 1) d, generate_series(0, 23) h,
             (VALUES ('PIPE', 101, 'PIPE', 'RAW.EVENTS_PIPE'),
                     ('AUTO_CLUSTERING', 102, 'TABLE', 'SALES.PUBLIC.ORDERS'),
                     ('SERVERLESS_TASK', 103, 'TASK', 'OPS.NIGHTLY_TASK')) AS s(svc, id, etype, ename)
        WHERE account_usage.gen_hash(seed + 12, d * 24 + h, s.id, 3) > 0
    ) s;

    -- Daily roll-up; the adjustment refunds cloud services up to 10 % of
    -- the day's warehouse compute and sits on the WAREHOUSE_METERING row.
    INSERT INTO account_usage.metering_daily_history
    WITH hourly AS (
        SELECT 'WAREHOUSE_METERING' AS svc, CAST(start_time AT TIME ZONE 'UTC' AS date) AS day,
               credits_used_compute AS c, credits_used_cloud_services AS cs
        FROM account_usage.warehouse_metering_history
        WHERE start_time >= start::timestamp AT TIME ZONE 'UTC'
          AND start_time < (start + days)::timestamp AT TIME ZONE 'UTC'
        UNION ALL
        SELECT service_type, CAST(start_time AT TIME ZONE 'UTC' AS date),
               credits_used_compute, credits_used_cloud_services
        FROM account_usage.metering_history
        WHERE start_time >= start::timestamp AT TIME ZONE 'UTC'
          AND start_time < (start + days)::timestamp AT TIME ZONE 'UTC'
    ), per_svc AS (
        SELECT svc, day, sum(c) AS c, sum(cs) AS cs FROM hourly GROUP BY svc, day
    ), per_day AS (
        SELECT day, sum(cs) AS cs,
               sum(c) FILTER (WHERE svc = 'WAREHOUSE_METERING') AS wc FROM per_svc GROUP BY day
    )
    SELECT p.svc, p.day, p.c, p.cs, p.c + p.cs, adj, p.c + p.cs + adj
    FROM per_svc p JOIN per_day d USING (day),
         LATERAL (SELECT CASE WHEN p.svc = 'WAREHOUSE_METERING'
                              THEN -LEAST(d.cs, round(0.1 * coalesce(d.wc, 0), 9)) ELSE 0 END AS adj) a;

    -- Storage: a few TB growing a little every day.
    INSERT INTO account_usage.storage_usage
    SELECT start + d,
           5497558138880 + d * 1073741824::bigint + account_usage.gen_hash(seed + 20, d, 0, 1000000000),
           21474836480 + account_usage.gen_hash(seed + 21, d, 0, 100000000),
           109951162777 + account_usage.gen_hash(seed + 22, d, 0, 1000000000),
           0, 0, 0
    FROM generate_series(0, days - 1) d;

    -- Data transfer: three transfers a day, at 01:00, 11:00 and 23:30 UTC.
    INSERT INTO account_usage.data_transfer_history
    SELECT t, t + interval '20 minutes', 'AWS', 'us-west-2', 'AWS', 'eu-west-1',
           account_usage.gen_hash(seed + 30, d, k, 50000000000), 'COPY'
    FROM generate_series(0, days - 1) d,
         LATERAL (VALUES (1, interval '1 hour'), (2, interval '11 hours'),
                         (3, interval '23 hours 30 minutes')) AS v(k, off),
         LATERAL (SELECT ((start + d) + off) AT TIME ZONE 'UTC' AS t) tt;

    -- Contract rates: one 'compute' rate every third day.
    INSERT INTO organization_usage.rate_sheet_daily
    SELECT start + d, 'SIMORG', 1, 'SIMACCOUNT', current_account(), 'AWS_US_WEST_2',
           'Enterprise', 'compute', 'USD',
           round(2.5 + account_usage.gen_hash(seed + 40, d, 0, 100) / 100.0, 2), 'COMPUTE'
    FROM generate_series(0, days - 1, 3) d;

    RETURN n;
END
$$;

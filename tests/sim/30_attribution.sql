-- 30_attribution: SNOWFLAKE.ACCOUNT_USAGE.QUERY_ATTRIBUTION_HISTORY, the
-- QUERY_HISTORY columns cost attribution joins on, and a deterministic
-- generator of queries for the warehouse hours 10_costs.sql wrote.
--
--   SELECT account_usage.generate_attribution(start date, days int, seed int,
--                                              users int, roles int, tags int,
--                                              per_hour int);
--
-- For every WAREHOUSE_METERING_HISTORY hour of the `days` UTC days from
-- `start` with credits_attributed_compute_queries > 0, writes `per_hour`
-- queries whose credits_attributed_compute add up to that hour's
-- credits_attributed_compute_queries exactly, each with a user
-- (USER_0001 ..), a role (ROLE_01 ..; a user keeps its role), a query tag
-- ('team=tNN;app=aNN', one in seven queries none) and one of 200
-- parameterized hashes, and the matching QUERY_HISTORY row (role_name).
-- Every query starts and ends inside its metering hour.  Returns the
-- number of queries written.  account_usage.reset_attribution() empties
-- the view and the query rows the generator wrote.
--
-- Like Snowflake, the view has no role column: the role of a query is in
-- QUERY_HISTORY.  Credit columns are numeric here (FLOAT in Snowflake's
-- documentation of the view, NUMBER in others): DECIMAL casts in the
-- extraction keep both exact.

CREATE TABLE account_usage.query_attribution_history (
    query_id                        text,
    parent_query_id                 text,
    root_query_id                   text,
    warehouse_id                    bigint,
    warehouse_name                  text,
    query_hash                      text,
    query_parameterized_hash        text,
    query_tag                       text,
    user_name                       text,
    start_time                      timestamptz,
    end_time                        timestamptz,
    credits_attributed_compute      numeric,
    credits_used_query_acceleration numeric
);
CREATE INDEX ON account_usage.query_attribution_history (start_time);

ALTER TABLE account_usage.query_history
    ADD COLUMN warehouse_id             bigint,
    ADD COLUMN query_tag                text,
    ADD COLUMN query_hash               text,
    ADD COLUMN query_parameterized_hash text;
CREATE INDEX ON account_usage.query_history (query_id);

CREATE FUNCTION account_usage.reset_attribution() RETURNS void
LANGUAGE sql AS $$
    TRUNCATE account_usage.query_attribution_history;
    DELETE FROM account_usage.query_history WHERE query_id LIKE 'sim-attr-%';
$$;

CREATE FUNCTION account_usage.generate_attribution(start date, days int, seed int, users int, roles int,
                                                   tags int, per_hour int)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    n bigint;
BEGIN
    CREATE TEMP TABLE gen_attr ON COMMIT DROP AS
    WITH h AS (
        SELECT m.start_time, m.warehouse_id, m.warehouse_name, m.credits_attributed_compute_queries AS a,
               (extract(epoch FROM m.start_time)::bigint / 3600) * 1000 + coalesce(m.warehouse_id, 0) AS hid
        FROM account_usage.warehouse_metering_history m
        WHERE m.start_time >= start::timestamp AT TIME ZONE 'UTC'
          AND m.start_time < (start + days)::timestamp AT TIME ZONE 'UTC'
          AND m.credits_attributed_compute_queries > 0
    ), q AS (
        SELECT h.*, k, 1 + account_usage.gen_hash(seed, h.hid, k, 9) AS w,
               1 + account_usage.gen_hash(seed + 1, h.hid, k, users) AS u,
               account_usage.gen_hash(seed + 2, h.hid, k, 7 * tags) AS t,
               account_usage.gen_hash(seed + 3, h.hid, k, 200) AS p
        FROM h, generate_series(1, per_hour) k
    ), s AS (
        SELECT q.*, trunc(q.a * q.w / sum(q.w) OVER (PARTITION BY q.hid), 12) AS part FROM q
    )
    SELECT 'sim-attr-' || seed || '-' || s.hid || '-' || s.k AS query_id, s.warehouse_id, s.warehouse_name,
           'USER_' || lpad(s.u::text, 4, '0') AS user_name,
           'ROLE_' || lpad((1 + s.u % roles)::text, 2, '0') AS role_name,
           CASE WHEN s.t < 6 * tags THEN 'team=t' || lpad((s.t % tags)::text, 2, '0') || ';app=a'
                || lpad((s.t % 13)::text, 2, '0') ELSE '' END AS query_tag,
           md5('param-' || s.p) AS phash, md5('text-' || s.p || '-' || s.k) AS qhash,
           s.start_time + make_interval(secs => (s.k - 1) * 3500.0 / per_hour) AS t0,
           s.part + CASE WHEN s.k = 1 THEN s.a - sum(s.part) OVER (PARTITION BY s.hid) ELSE 0 END AS credits
    FROM s;

    INSERT INTO account_usage.query_attribution_history
    SELECT query_id, NULL, NULL, warehouse_id, warehouse_name, qhash, phash, query_tag, user_name,
           t0, t0 + interval '90 seconds', credits, NULL
    FROM gen_attr;
    GET DIAGNOSTICS n = ROW_COUNT;

    INSERT INTO account_usage.query_history (query_id, query_text, query_type, user_name, role_name,
        warehouse_name, warehouse_id, execution_status, start_time, end_time, total_elapsed_time,
        rows_produced, query_tag, query_hash, query_parameterized_hash)
    SELECT query_id, 'SELECT 1 /* ' || phash || ' */', 'SELECT', user_name, role_name, warehouse_name,
           warehouse_id, 'SUCCESS', t0, t0 + interval '90 seconds', 90000, 1, query_tag, qhash, phash
    FROM gen_attr;
    DROP TABLE gen_attr;
    RETURN n;
END
$$;

-- 015_attribution_rates: attribution priced as it is stored.
--
-- costsync streams QUERY_ATTRIBUTION_HISTORY straight into
-- attributed_costs and attributed_queries, each row with the day's
-- compute and Query Acceleration rates; PostgreSQL multiplies (generated
-- columns), so money never becomes a C number and two million rows are
-- not written twice.  Existing rows keep their cost exactly: cost /
-- credits is the rate they were priced at (NUMERIC division keeps at
-- least the dividend's scale, which includes the rate's), and a row
-- without credits costs nothing whatever its rate.
ALTER TABLE attributed_costs ADD COLUMN rate numeric, ADD COLUMN qas_rate numeric;
UPDATE attributed_costs SET rate = CASE WHEN credits = 0 THEN 0 ELSE cost / credits END,
    qas_rate = CASE WHEN credits_qas = 0 THEN 0 ELSE qas_cost / credits_qas END;
ALTER TABLE attributed_costs DROP COLUMN cost, DROP COLUMN qas_cost,
    ALTER COLUMN rate SET NOT NULL, ALTER COLUMN qas_rate SET NOT NULL,
    ADD COLUMN cost numeric GENERATED ALWAYS AS (credits * rate) STORED,
    ADD COLUMN qas_cost numeric GENERATED ALWAYS AS (credits_qas * qas_rate) STORED;

ALTER TABLE attributed_queries ADD COLUMN rate numeric, ADD COLUMN qas_rate numeric;
UPDATE attributed_queries SET rate = CASE WHEN credits = 0 THEN 0 ELSE cost / credits END,
    qas_rate = CASE WHEN credits_qas = 0 THEN 0 ELSE qas_cost / credits_qas END;
ALTER TABLE attributed_queries DROP COLUMN cost, DROP COLUMN qas_cost,
    ALTER COLUMN rate SET NOT NULL, ALTER COLUMN qas_rate SET NOT NULL,
    ADD COLUMN cost numeric GENERATED ALWAYS AS (credits * rate) STORED,
    ADD COLUMN qas_cost numeric GENERATED ALWAYS AS (credits_qas * qas_rate) STORED;

-- The rates attributed credits are priced at, per day of :since..:until
-- (cs_attr_rate): compute at what the warehouse's compute costs that day
-- (the contract rate of warehouse metering, else of compute, else
-- :credit_price), so a warehouse's attributed costs and its idle cost add
-- up to its stored compute exactly; Query Acceleration credits as that
-- service.  NULL: no rate and no credit_price.
CREATE TEMP TABLE cs_attr_rate ON COMMIT DROP AS
SELECT d.day, coalesce(pw.rate, pc.rate, CAST(:credit_price AS numeric)) AS rate,
	coalesce(pq.rate, pc.rate, CAST(:credit_price AS numeric)) AS qas_rate
FROM (SELECT CAST(g AS date) AS day
	FROM generate_series(CAST(:since AS date), CAST(:until AS date), interval '1 day') g) d
LEFT JOIN cs_price pw ON pw.day = d.day AND pw.usage_type = 'warehouse metering'
LEFT JOIN cs_price pq ON pq.day = d.day AND pq.usage_type = 'query acceleration'
LEFT JOIN cs_price pc ON pc.day = d.day AND pc.usage_type = 'compute'

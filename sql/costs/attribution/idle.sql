-- Recompute the idle compute of :since..:until: per day that has
-- attribution and per warehouse, the stored WAREHOUSE_METERING row minus
-- the attributed compute (negative when Snowflake charged queries more
-- than the warehouse metered that day, e.g. a query running past
-- midnight).  attribution/idle_clear.sql empties the window first.
-- The attributed compute of the days just read is summed in cs_roll
-- (credits per day and warehouse, all at the day's rate: their cost is
-- the sum of the rows' costs, exactly); the days the view did not report
-- (:unseen, a date array) keep what attributed_costs holds.
WITH a AS (
	SELECT s.day, s.name AS warehouse, sum(s.credits) AS credits, sum(s.credits) * r.rate AS cost
	FROM cs_roll s JOIN cs_attr_rate r ON r.day = s.day
	WHERE s.dimension = 'warehouse'
	GROUP BY s.day, s.name, r.rate
	UNION ALL
	SELECT day, warehouse, sum(credits), sum(cost) FROM attributed_costs
	WHERE connector = :connector AND day = ANY (CAST(:unseen AS date[]))
	GROUP BY day, warehouse),
m AS (
	SELECT day, entity AS warehouse, credits, cost FROM daily_costs
	WHERE connector = :connector AND service_type = 'WAREHOUSE_METERING'
		AND day BETWEEN CAST(:since AS date) AND CAST(:until AS date)
		AND day IN (SELECT day FROM a))
INSERT INTO warehouse_idle (connector, day, warehouse, credits, cost, currency)
SELECT :connector, coalesce(m.day, a.day), coalesce(m.warehouse, a.warehouse),
	coalesce(m.credits, 0) - coalesce(a.credits, 0), coalesce(m.cost, 0) - coalesce(a.cost, 0), :currency
FROM m FULL JOIN a ON a.day = m.day AND a.warehouse = m.warehouse

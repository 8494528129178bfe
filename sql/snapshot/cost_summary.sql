-- Rebuild cost_summary for the days :since..:until from daily_costs: one
-- row per (connector, day, service type), rows the days no longer have
-- removed, unchanged rows rewritten in place.
WITH src AS (
	SELECT connector, day, service_type, sum(credits) AS credits, sum(quantity) AS quantity,
		sum(cost) AS cost, min(currency) AS currency, count(*)::integer AS entities
	FROM daily_costs WHERE day BETWEEN :since::date AND :until::date
	GROUP BY connector, day, service_type),
gone AS (
	DELETE FROM cost_summary c WHERE c.day BETWEEN :since::date AND :until::date
	AND NOT EXISTS (SELECT 1 FROM src s WHERE s.connector = c.connector AND s.day = c.day
		AND s.service_type = c.service_type))
INSERT INTO cost_summary (connector, day, service_type, credits, quantity, cost, currency, entities)
SELECT connector, day, service_type, credits, quantity, cost, currency, entities FROM src
ON CONFLICT (connector, day, service_type) DO UPDATE SET
	credits = EXCLUDED.credits, quantity = EXCLUDED.quantity, cost = EXCLUDED.cost,
	currency = EXCLUDED.currency, entities = EXCLUDED.entities, updated_at = now()

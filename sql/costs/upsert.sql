-- Write cs_final into daily_costs; rows that did not change are not
-- touched (no new row version, updated_at kept).
INSERT INTO daily_costs AS t (connector, day, service_type, entity, credits, quantity, cost,
	currency, updated_at)
SELECT :connector, day, service_type, entity, credits, quantity, cost, :currency, CAST(:now AS timestamptz)
FROM cs_final
ON CONFLICT (connector, day, service_type, entity) DO UPDATE SET credits = EXCLUDED.credits,
	quantity = EXCLUDED.quantity, cost = EXCLUDED.cost, currency = EXCLUDED.currency,
	updated_at = EXCLUDED.updated_at
WHERE (t.credits, t.quantity, t.cost, t.currency) IS DISTINCT FROM
	(EXCLUDED.credits, EXCLUDED.quantity, EXCLUDED.cost, EXCLUDED.currency)

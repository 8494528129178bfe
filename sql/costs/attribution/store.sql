-- Price the staged attribution (cs_attr) and store it.  Attributed
-- compute costs what the warehouse's compute costs that day (the contract
-- rate of warehouse metering, else of compute, else :credit_price), so a
-- warehouse's attributed costs and its idle cost add up to its stored
-- compute exactly; Query Acceleration credits are priced as that service.
INSERT INTO attributed_costs (connector, day, warehouse, user_name, role_name, query_tag, queries, credits,
	credits_qas, cost, qas_cost, currency)
SELECT :connector, s.day, s.warehouse, s.user_name, s.role_name, s.query_tag, s.queries, s.credits,
	s.credits_qas, s.credits * coalesce(pw.rate, pc.rate, CAST(:credit_price AS numeric)),
	s.credits_qas * coalesce(pq.rate, pc.rate, CAST(:credit_price AS numeric)), :currency
FROM cs_attr s
LEFT JOIN cs_price pw ON pw.day = s.day AND pw.usage_type = 'warehouse metering'
LEFT JOIN cs_price pq ON pq.day = s.day AND pq.usage_type = 'query acceleration'
LEFT JOIN cs_price pc ON pc.day = s.day AND pc.usage_type = 'compute'

-- Price the staged top query hashes (cs_attr_q) and store them, priced as
-- in attribution/store.sql.
INSERT INTO attributed_queries (connector, day, warehouse, query_hash, queries, sample_query_id, credits,
	credits_qas, cost, qas_cost, currency)
SELECT :connector, s.day, s.warehouse, s.query_hash, s.queries, s.sample_query_id, s.credits,
	s.credits_qas, s.credits * coalesce(pw.rate, pc.rate, CAST(:credit_price AS numeric)),
	s.credits_qas * coalesce(pq.rate, pc.rate, CAST(:credit_price AS numeric)), :currency
FROM cs_attr_q s
LEFT JOIN cs_price pw ON pw.day = s.day AND pw.usage_type = 'warehouse metering'
LEFT JOIN cs_price pq ON pq.day = s.day AND pq.usage_type = 'query acceleration'
LEFT JOIN cs_price pc ON pc.day = s.day AND pc.usage_type = 'compute'

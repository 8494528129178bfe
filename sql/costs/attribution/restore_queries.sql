-- Put back the query hashes set aside (attribution/set_aside_queries.sql)
-- of the days the view did not report this time (:days, a date array).
INSERT INTO attributed_queries (connector, day, warehouse, query_hash, queries, sample_query_id, credits,
	credits_qas, rate, qas_rate, currency)
SELECT :connector, day, warehouse, query_hash, queries, sample_query_id, credits, credits_qas, rate, qas_rate,
	currency
FROM cs_old_queries WHERE day <> ALL (CAST(:days AS date[]))

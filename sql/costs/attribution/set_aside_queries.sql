-- Move the connector's top query hashes of :since..:until aside
-- (cs_old_queries), as attribution/set_aside_costs.sql does.
WITH d AS (
	DELETE FROM attributed_queries WHERE connector = :connector
		AND day BETWEEN CAST(:since AS date) AND CAST(:until AS date)
	RETURNING day, warehouse, query_hash, queries, sample_query_id, credits, credits_qas, rate, qas_rate,
		currency)
INSERT INTO cs_old_queries SELECT * FROM d

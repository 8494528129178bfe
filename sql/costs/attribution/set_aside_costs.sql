-- Move the connector's attributed costs of :since..:until aside
-- (cs_old_costs) before the window streams in again;
-- attribution/restore_costs.sql puts back the days the view did not
-- report this time (as in daily_costs, a day without a source row is left
-- alone, so neither the view's lag nor the end of its retention wipes
-- history).
WITH d AS (
	DELETE FROM attributed_costs WHERE connector = :connector
		AND day BETWEEN CAST(:since AS date) AND CAST(:until AS date)
	RETURNING day, warehouse, user_name, role_name, query_tag, queries, credits, credits_qas, rate, qas_rate,
		currency)
INSERT INTO cs_old_costs SELECT * FROM d

-- Put back the attributed costs set aside (attribution/set_aside_costs.sql)
-- of the days the view did not report this time (:days, a date array).
INSERT INTO attributed_costs (connector, day, warehouse, user_name, role_name, query_tag, queries, credits,
	credits_qas, rate, qas_rate, currency)
SELECT :connector, day, warehouse, user_name, role_name, query_tag, queries, credits, credits_qas, rate,
	qas_rate, currency
FROM cs_old_costs WHERE day <> ALL (CAST(:days AS date[]))

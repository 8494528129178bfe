-- Roll the reported days of attributed_costs up per dimension into
-- attribution_daily: one row per (day, user), (day, role) and
-- (day, query tag), compute and Query Acceleration cost together.
INSERT INTO attribution_daily (connector, day, dimension, name, queries, cost)
SELECT :connector, day,
	CASE WHEN GROUPING(user_name) = 0 THEN 'user' WHEN GROUPING(role_name) = 0 THEN 'role' ELSE 'query_tag' END,
	coalesce(user_name, role_name, query_tag), sum(queries), sum(cost + qas_cost)
FROM attributed_costs
WHERE connector = :connector AND day IN (SELECT DISTINCT day FROM cs_attr)
GROUP BY GROUPING SETS ((day, user_name), (day, role_name), (day, query_tag))

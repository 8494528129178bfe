-- The breakdown of one budget's spend (:total, from the evaluation) over
-- the days :since..:until of :connector, per dimension of :dims
-- (warehouse, user, role, query_tag, query): one row per name with its
-- attributed cost, then an 'idle' row (warehouse time charged to no
-- query) and an 'unattributed' row (the rest of :total: cloud services,
-- serverless, storage, transfer, and what Snowflake did not attribute),
-- so the rows of each dimension add up to :total exactly.
--
-- What the scope covers: the warehouse compute of every warehouse
-- (:all_warehouses) or of :warehouses (upper case), and Query
-- Acceleration (:with_qas).  An attribution scope (:attr_dim user, role
-- or query_tag) keeps the rows whose name matches one of :attr_names, or
-- the pattern of :attr_regexes where there is one, and has no idle row.
WITH a AS (
	SELECT c.warehouse, c.user_name, c.role_name, c.query_tag, c.queries,
		CASE WHEN :all_warehouses::bool OR upper(c.warehouse) = ANY (:warehouses::text[]) THEN c.cost ELSE 0 END
		+ CASE WHEN :with_qas::bool THEN c.qas_cost ELSE 0 END AS amount
	FROM attributed_costs c
	WHERE c.connector = :connector AND c.day BETWEEN :since::date AND :until::date
		AND (:attr_dim::text IS NULL OR EXISTS (
			SELECT 1 FROM unnest(:attr_names::text[], :attr_regexes::text[]) AS n(name, rx)
			CROSS JOIN LATERAL (SELECT upper(CASE :attr_dim::text WHEN 'user' THEN c.user_name
				WHEN 'role' THEN c.role_name ELSE c.query_tag END) AS v) x
			WHERE (n.rx IS NULL AND x.v = n.name) OR (n.rx IS NOT NULL AND x.v ~ n.rx)))),
q AS (
	SELECT c.query_hash, c.queries, c.sample_query_id,
		CASE WHEN :all_warehouses::bool OR upper(c.warehouse) = ANY (:warehouses::text[]) THEN c.cost ELSE 0 END
		+ CASE WHEN :with_qas::bool THEN c.qas_cost ELSE 0 END AS amount
	FROM attributed_queries c
	WHERE c.connector = :connector AND c.day BETWEEN :since::date AND :until::date
		AND :attr_dim::text IS NULL AND 'query' = ANY (:dims::text[])),
lines AS (
	SELECT 'warehouse' AS dim, warehouse AS name, sum(amount) AS amount, sum(queries) AS queries,
		NULL::text AS sample
	FROM a WHERE 'warehouse' = ANY (:dims::text[]) GROUP BY warehouse
	UNION ALL
	SELECT 'user', user_name, sum(amount), sum(queries), NULL FROM a
	WHERE 'user' = ANY (:dims::text[]) GROUP BY user_name
	UNION ALL
	SELECT 'role', role_name, sum(amount), sum(queries), NULL FROM a
	WHERE 'role' = ANY (:dims::text[]) GROUP BY role_name
	UNION ALL
	SELECT 'query_tag', query_tag, sum(amount), sum(queries), NULL FROM a
	WHERE 'query_tag' = ANY (:dims::text[]) GROUP BY query_tag
	UNION ALL
	SELECT 'query', query_hash, sum(amount), sum(queries), min(sample_query_id) FROM q GROUP BY query_hash),
nz AS (SELECT * FROM lines WHERE amount <> 0),
idle AS (
	SELECT coalesce(sum(cost), 0) AS v FROM warehouse_idle
	WHERE connector = :connector AND day BETWEEN :since::date AND :until::date AND :attr_dim::text IS NULL
		AND (:all_warehouses::bool OR upper(warehouse) = ANY (:warehouses::text[]))),
att AS (SELECT dim, sum(amount) AS v FROM nz GROUP BY dim),
r AS (
	SELECT dim, 0 AS kind, name, amount, queries, sample FROM nz
	UNION ALL
	SELECT d.dim, 1, 'idle', idle.v, NULL, NULL FROM unnest(:dims::text[]) AS d(dim), idle
	UNION ALL
	SELECT d.dim, 2, 'unattributed', :total::numeric - coalesce(att.v, 0) - idle.v, NULL, NULL
	FROM unnest(:dims::text[]) AS d(dim) CROSS JOIN idle LEFT JOIN att ON att.dim = d.dim)
-- Columns: dimension, kind (0 a name, 1 idle, 2 unattributed), name,
-- amount, queries, sample query id, share of :total in percent, and the
-- amount and number of the rows from this one to the last of its kind
-- (what a shortened list folds into one line).
SELECT dim, kind, name, round(amount, 2), queries, sample,
	round(amount * 100 / nullif(:total::numeric, 0), 1),
	round(sum(amount) OVER w, 2), count(*) OVER w
FROM r
WINDOW w AS (PARTITION BY dim, kind ORDER BY amount DESC, name ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING)
ORDER BY array_position(:dims::text[], dim), kind, amount DESC, name

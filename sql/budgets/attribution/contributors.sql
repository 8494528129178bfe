-- The top three contributors to the spend of every budget whose alerts
-- are about to be sent, one level below its scope, each with its share
-- of the budget's spend and its change against the same days of the
-- previous period.  One row per budget in :keys (the evaluation row):
-- connector, level, the days :since..:until of this period and
-- :prev_since..:prev_until of the previous one, the spend, and for a
-- warehouse level whether it covers every warehouse; warehouse names
-- (upper case) and attribution names (exact, or with a pattern in
-- :name_regexes) travel as (key, name) pairs.
--
--   level      contributors
--   account    warehouses (their whole compute), users
--   warehouse  users, query hashes (their compute)
--   user       warehouses, query tags
--   role       users, warehouses
--   query_tag  users, warehouses
--
-- Attributed amounts are compute plus Query Acceleration, except under a
-- warehouse level (compute only, as the budget counts).  Columns: key,
-- dimension, rank, name, amount, share in percent, change, whether the
-- name had nothing in the previous days, sample query id.
WITH b AS (
	SELECT * FROM unnest(:keys::int[], :connectors::text[], :levels::text[], :since::date[], :until::date[],
		:prev_since::date[], :prev_until::date[], :spends::numeric[], :all_warehouses::bool[])
		AS t(key, connector, level, since, until, psince, puntil, spend, all_wh)),
bw AS (SELECT * FROM unnest(:wh_keys::int[], :wh_names::text[]) AS t(key, name)),
bn AS (SELECT * FROM unnest(:name_keys::int[], :names::text[], :name_regexes::text[]) AS t(key, name, rx)),
ac AS (
	SELECT b.key, b.level, c.day >= b.since AS cur, c.warehouse, c.user_name, c.query_tag,
		c.cost + CASE WHEN b.level = 'warehouse' THEN 0 ELSE c.qas_cost END AS amount
	FROM b JOIN attributed_costs c ON c.connector = b.connector AND c.day BETWEEN b.psince AND b.until
		AND (c.day <= b.puntil OR c.day >= b.since)
	WHERE b.level = 'account'
		OR (b.level = 'warehouse' AND (b.all_wh
			OR EXISTS (SELECT 1 FROM bw WHERE bw.key = b.key AND bw.name = upper(c.warehouse))))
		OR (b.level IN ('user', 'role', 'query_tag') AND EXISTS (
			SELECT 1 FROM bn CROSS JOIN LATERAL (SELECT upper(CASE b.level WHEN 'user' THEN c.user_name
				WHEN 'role' THEN c.role_name ELSE c.query_tag END) AS v) x
			WHERE bn.key = b.key AND ((bn.rx IS NULL AND x.v = bn.name) OR (bn.rx IS NOT NULL AND x.v ~ bn.rx))))),
con AS (
	SELECT b.key, 'warehouse' AS dim, d.entity AS name, sum(d.cost) FILTER (WHERE d.day >= b.since) AS cur,
		sum(d.cost) FILTER (WHERE d.day <= b.puntil) AS prev, NULL::text AS sample
	FROM b JOIN daily_costs d ON d.connector = b.connector AND d.service_type = 'WAREHOUSE_METERING'
		AND d.day BETWEEN b.psince AND b.until AND (d.day <= b.puntil OR d.day >= b.since)
	WHERE b.level = 'account'
	GROUP BY 1, 2, 3
	UNION ALL
	SELECT key, 'user', user_name, sum(amount) FILTER (WHERE cur), sum(amount) FILTER (WHERE NOT cur), NULL
	FROM ac WHERE level IN ('account', 'warehouse', 'role', 'query_tag') GROUP BY 1, 2, 3
	UNION ALL
	SELECT key, 'warehouse', warehouse, sum(amount) FILTER (WHERE cur), sum(amount) FILTER (WHERE NOT cur), NULL
	FROM ac WHERE level IN ('user', 'role', 'query_tag') GROUP BY 1, 2, 3
	UNION ALL
	SELECT key, 'query_tag', query_tag, sum(amount) FILTER (WHERE cur), sum(amount) FILTER (WHERE NOT cur), NULL
	FROM ac WHERE level = 'user' GROUP BY 1, 2, 3
	UNION ALL
	SELECT b.key, 'query', q.query_hash, sum(q.cost) FILTER (WHERE q.day >= b.since),
		sum(q.cost) FILTER (WHERE q.day <= b.puntil), min(q.sample_query_id) FILTER (WHERE q.day >= b.since)
	FROM b JOIN attributed_queries q ON q.connector = b.connector AND q.day BETWEEN b.psince AND b.until
		AND (q.day <= b.puntil OR q.day >= b.since)
	WHERE b.level = 'warehouse' AND q.query_hash <> '(other)' AND (b.all_wh
		OR EXISTS (SELECT 1 FROM bw WHERE bw.key = b.key AND bw.name = upper(q.warehouse)))
	GROUP BY 1, 2, 3),
r AS (
	SELECT con.*, row_number() OVER (PARTITION BY con.key, con.dim ORDER BY con.cur DESC, con.name) AS rn
	FROM con WHERE con.cur > 0)
SELECT r.key, r.dim, r.rn, r.name, round(r.cur, 2), round(r.cur * 100 / nullif(b.spend, 0), 1),
	round(r.cur - coalesce(r.prev, 0), 2), r.prev IS NULL, r.sample
FROM r JOIN b USING (key)
WHERE r.rn <= 3
ORDER BY r.key, CASE r.dim WHEN 'warehouse' THEN 1 WHEN 'user' THEN 2 WHEN 'query_tag' THEN 3 ELSE 4 END, r.rn

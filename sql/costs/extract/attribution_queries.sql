-- The most expensive parameterized queries per UTC day and warehouse: the
-- first :top_queries hashes by attributed credits (ties by hash), the
-- rest folded into one '(other)' row; queries without a hash are
-- '(none)'.  Each row: query count, one sample query id, credits.
--
-- Runs in Snowflake (and the simulator) through ODBC: keep it portable,
-- see costsync_extract.c; bounded like extract/warehouse.sql.
SELECT usage_day, warehouse_name,
	CASE WHEN rn <= CAST(:top_queries AS INTEGER) THEN query_hash ELSE '(other)' END AS query_hash,
	SUM(queries) AS queries,
	MIN(CASE WHEN rn <= CAST(:top_queries AS INTEGER) THEN sample_query_id END) AS sample_query_id,
	CAST(SUM(credits) AS DECIMAL(38,12)) AS credits_attributed_compute,
	CAST(SUM(credits_qas) AS DECIMAL(38,12)) AS credits_used_query_acceleration
FROM (SELECT h.*, ROW_NUMBER() OVER (PARTITION BY h.usage_day, h.warehouse_name
			ORDER BY h.credits + h.credits_qas DESC, h.query_hash) AS rn
	FROM (SELECT CAST(CONVERT_TIMEZONE('UTC', start_time) AS DATE) AS usage_day,
			COALESCE(warehouse_name, '') AS warehouse_name,
			COALESCE(query_parameterized_hash, '(none)') AS query_hash,
			COUNT(*) AS queries, MIN(query_id) AS sample_query_id,
			SUM(COALESCE(credits_attributed_compute, 0)) AS credits,
			SUM(COALESCE(credits_used_query_acceleration, 0)) AS credits_qas
		FROM SNOWFLAKE.ACCOUNT_USAGE.QUERY_ATTRIBUTION_HISTORY
		WHERE start_time >= CAST(:scan_from AS DATE) AND start_time < CAST(:scan_before AS DATE)
			AND CAST(CONVERT_TIMEZONE('UTC', start_time) AS DATE) >= CAST(:since AS DATE)
			AND CAST(CONVERT_TIMEZONE('UTC', start_time) AS DATE) <= CAST(:until AS DATE)
		GROUP BY CAST(CONVERT_TIMEZONE('UTC', start_time) AS DATE), COALESCE(warehouse_name, ''),
			COALESCE(query_parameterized_hash, '(none)')) h) r
GROUP BY usage_day, warehouse_name, CASE WHEN rn <= CAST(:top_queries AS INTEGER) THEN query_hash ELSE '(other)' END

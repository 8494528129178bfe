-- The contract rate in force each day of the window :since..:until, per
-- usage type (use_org_rates).
CREATE TEMP TABLE cs_price ON COMMIT DROP AS
SELECT CAST(d AS date) AS day, u.usage_type,
	(SELECT r.rate FROM cs_rates r WHERE r.usage_type = u.usage_type AND r.day <= CAST(d AS date)
		ORDER BY r.day DESC LIMIT 1) AS rate
FROM generate_series(CAST(:since AS date), CAST(:until AS date), interval '1 day') d,
	(SELECT DISTINCT usage_type FROM cs_rates) u

-- cs_final: one row per (day, service type, entity) with its cost, all in
-- NUMERIC.  Credits cost the contract rate of the day (of the service,
-- else compute), else :credit_price; storage bytes / 2^40 x
-- :storage_price per TB-month / days in that month; transfer bytes /
-- 2^40 x :transfer_price per TB (both rounded to 12 decimals).  unpriced:
-- credits with no rate and no credit_price.
CREATE TEMP TABLE cs_final ON COMMIT DROP AS
SELECT s.day, s.service_type, s.entity, sum(s.credits) AS credits, sum(s.quantity) AS quantity,
	coalesce(sum(CASE s.kind
		WHEN 's' THEN round(s.quantity * CAST(:storage_price AS numeric) / (1099511627776 *
			extract(day FROM date_trunc('month', s.day) + interval '1 month - 1 day')), 12)
		WHEN 't' THEN round(s.quantity * CAST(:transfer_price AS numeric) / 1099511627776, 12)
		ELSE s.credits * coalesce(ps.rate, pc.rate, CAST(:credit_price AS numeric)) END), 0) AS cost,
	bool_or(s.kind = 'c' AND s.credits IS NOT NULL
		AND coalesce(ps.rate, pc.rate, CAST(:credit_price AS numeric)) IS NULL) AS unpriced
FROM cs_stage s
LEFT JOIN cs_price ps ON ps.day = s.day AND ps.usage_type = lower(replace(s.service_type, '_', ' '))
LEFT JOIN cs_price pc ON pc.day = s.day AND pc.usage_type = 'compute'
GROUP BY s.day, s.service_type, s.entity

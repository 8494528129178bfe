-- Store the roll-up of the reported days per user, role and query tag
-- (attribution_daily), compute and Query Acceleration cost together.
-- costsync summed the credits as they streamed by (cs_roll, attr_rollup.c,
-- maybe in several partial rows per group; its warehouse rows are for
-- attribution/idle.sql); a day's credits all cost its rates, so the sum
-- of the credits times the rate is the sum of the rows' costs, exactly.
INSERT INTO attribution_daily (connector, day, dimension, name, queries, cost)
SELECT :connector, s.day, s.dimension, s.name, sum(s.queries),
	sum(s.credits) * r.rate + sum(s.credits_qas) * r.qas_rate
FROM cs_roll s JOIN cs_attr_rate r ON r.day = s.day
WHERE s.dimension IN ('user', 'role', 'query_tag')
GROUP BY s.day, s.dimension, s.name, r.rate, r.qas_rate

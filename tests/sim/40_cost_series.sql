-- Realistic daily cost series for the anomaly tests, demo and benchmark:
-- cost_series(seed, nseries, ndays, first day) yields (series, day, cost,
-- planted), deterministic for a seed.  Each series W0001.. has a level
-- (20 to 500 a day), a weekly rhythm (quiet weekends at 30-70 %, or none
-- at all for one in five, "weekday-only"; a Monday batch load of +30 %
-- for two in five), a trend of -0.1 % to +0.3 % a day, multiplicative
-- noise of 4 to 10 %, a month-end job of +5 % of the level on the last day of the
-- month for three in ten, and holidays at 40 % for every series.
-- Planted, on a Tuesday to Thursday after day 60 that is no holiday:
-- a spike (x2 to x4, one day) on even series, a level shift (x1.6 to
-- x2.2 from that day on) on series 1, 6, 11, ..., a dip (x0.15, one day)
-- on series 3, 17, 45 ... (i % 7 = 3 and neither of the others).
-- `planted` names the kind on its day (a shift on its first day), else ''.
CREATE FUNCTION fg_u(seed integer, k text) RETURNS double precision
LANGUAGE sql IMMUTABLE AS
$$ SELECT (hashtextextended(k, seed) & 4503599627370495)::double precision / 4503599627370496 $$;

CREATE FUNCTION fg_holiday(d date) RETURNS boolean
LANGUAGE sql IMMUTABLE AS
$$ SELECT to_char(d, 'MM-DD') IN ('01-01', '01-19', '05-25', '07-03', '09-07', '11-26', '11-27',
	'12-24', '12-25', '12-31') $$;

CREATE FUNCTION cost_series(seed integer, nseries integer, ndays integer, first date)
RETURNS TABLE (series text, day date, cost numeric, planted text)
LANGUAGE sql STABLE AS $$
WITH s AS (
	SELECT i, 'W' || lpad(i::text, 4, '0') AS name,
		20 + 480 * fg_u(seed, 'level' || i) AS level,
		fg_u(seed, 'kind' || i) < 0.2 AS weekday_only,
		0.3 + 0.4 * fg_u(seed, 'weekend' || i) AS weekend,
		CASE WHEN fg_u(seed, 'monday' || i) < 0.4 THEN 1.3 ELSE 1 END AS monday,
		-0.001 + 0.004 * fg_u(seed, 'trend' || i) AS trend,
		0.04 + 0.06 * fg_u(seed, 'noise' || i) AS noise,
		fg_u(seed, 'monthend' || i) < 0.3 AS monthend,
		CASE WHEN i % 5 = 1 THEN 'shift' WHEN i % 2 = 0 THEN 'spike' WHEN i % 7 = 3 THEN 'dip' END AS kind,
		fg_u(seed, 'size' || i) AS size,
		first + 60 + floor(fg_u(seed, 'when' || i) * greatest(ndays - 75, 1))::integer AS near
	FROM generate_series(1, nseries) AS i),
p AS (
	SELECT s.*, (SELECT c.d FROM (
		SELECT (s.near + k)::date AS d FROM generate_series(0, 20) AS k) c
		WHERE extract(isodow FROM c.d) BETWEEN 2 AND 4 AND NOT fg_holiday(c.d)
			AND NOT fg_holiday(c.d - 1) AND c.d <> (date_trunc('month', c.d) + interval '1 month - 1 day')::date
		ORDER BY c.d LIMIT 1) AS pday
	FROM s),
d AS (
	SELECT p.*, (first + k)::date AS day, k,
		(fg_u(seed, 'a' || p.i || ':' || k) + fg_u(seed, 'b' || p.i || ':' || k)
		 + fg_u(seed, 'c' || p.i || ':' || k) - 1.5) * 2 AS z
	FROM p CROSS JOIN generate_series(0, ndays - 1) AS k)
SELECT d.name, d.day,
	round(greatest(0, d.level * power(1 + d.trend, d.k)
		* CASE WHEN extract(isodow FROM d.day) >= 6 THEN CASE WHEN d.weekday_only THEN 0 ELSE d.weekend END
		       WHEN extract(isodow FROM d.day) = 1 THEN d.monday ELSE 1 END
		* (1 + d.noise * d.z)
		* CASE WHEN fg_holiday(d.day) THEN 0.4 ELSE 1 END
		* CASE WHEN d.kind = 'spike' AND d.day = d.pday THEN 2 + 2 * d.size
		       WHEN d.kind = 'dip' AND d.day = d.pday THEN 0.15
		       WHEN d.kind = 'shift' AND d.day >= d.pday THEN 1.6 + 0.6 * d.size ELSE 1 END
		+ CASE WHEN d.monthend AND d.day = (date_trunc('month', d.day) + interval '1 month - 1 day')::date
		       THEN 0.05 * d.level ELSE 0 END)::numeric, 2),
	CASE WHEN d.day = d.pday THEN d.kind ELSE '' END
FROM d
$$;

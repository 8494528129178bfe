-- The full-figures reference of bench/budgetcheck/run.sh: what
-- budgetcheck --json reports for every budget (spend, percent, forecast,
-- forecast_low, forecast_high) as of 2026-03-15, written directly from the
-- rules of budgetcheck(1) as one query.  The script fills the budgets from
-- the config before timing anything: bench.budget (name, connector,
-- amount, period) and bench.budget_part, the parts of each scope (name,
-- service_type, entity; '*' for any; names upper case).  It sends the
-- query without its full-line comments.
WITH today AS (SELECT date '2026-03-15' AS d),
-- The current period of each kind; ISO weeks start on Monday.
periods AS (
 SELECT v.period, v.ps, v.pe
 FROM today t, LATERAL (VALUES
  ('daily', t.d, t.d),
  ('weekly', date_trunc('week', t.d)::date, date_trunc('week', t.d)::date + 6),
  ('monthly', date_trunc('month', t.d)::date,
   (date_trunc('month', t.d) + interval '1 month')::date - 1),
  ('quarterly', date_trunc('quarter', t.d)::date,
   (date_trunc('quarter', t.d) + interval '3 months')::date - 1),
  ('yearly', date_trunc('year', t.d)::date,
   (date_trunc('year', t.d) + interval '1 year')::date - 1)) AS v(period, ps, pe)),
-- Each budget with its period, once per part of its scope.
budget_parts AS (
 SELECT b.name, b.amount, b.period, p.ps, p.pe, b.connector, s.service_type, s.entity
 FROM bench.budget b JOIN periods p USING (period) JOIN bench.budget_part s USING (name)),
-- The samples are the complete days of the last four weeks, or of the
-- last 7 days when the connector's data starts less than four weeks ago.
history AS (
 SELECT c.connector, c.first_day <= t.d - 28 AS four_weeks,
  CASE WHEN c.first_day <= t.d - 28 THEN t.d - 28
   ELSE greatest(t.d - 7, c.first_day) END AS from_day
 FROM today t, (SELECT b.connector,
   (SELECT min(d.day) FROM flakeguard.daily_costs d WHERE d.connector = b.connector) AS first_day
  FROM (SELECT DISTINCT connector FROM bench.budget) b) c),
-- Spend since the start of each current period, today included, at
-- every level a scope part names: one entity of a service type, a whole
-- service type, the whole account.  Names compare case-insensitively.
unit_spend AS (
 SELECT x.connector,
  CASE WHEN grouping(x.service_type) = 1 THEN '*' ELSE x.service_type END AS service_type,
  CASE WHEN grouping(x.entity) = 1 THEN '*' ELSE x.entity END AS entity,
  sum(x.cost) FILTER (WHERE x.day >= x.daily) AS daily,
  sum(x.cost) FILTER (WHERE x.day >= x.weekly) AS weekly,
  sum(x.cost) FILTER (WHERE x.day >= x.monthly) AS monthly,
  sum(x.cost) FILTER (WHERE x.day >= x.quarterly) AS quarterly,
  sum(x.cost) FILTER (WHERE x.day >= x.yearly) AS yearly
 FROM (SELECT d.connector, upper(d.service_type) AS service_type, upper(d.entity) AS entity,
   d.day, d.cost, st.daily, st.weekly, st.monthly, st.quarterly, st.yearly
  FROM (SELECT min(ps) FILTER (WHERE period = 'daily') AS daily,
    min(ps) FILTER (WHERE period = 'weekly') AS weekly,
    min(ps) FILTER (WHERE period = 'monthly') AS monthly,
    min(ps) FILTER (WHERE period = 'quarterly') AS quarterly,
    min(ps) FILTER (WHERE period = 'yearly') AS yearly, min(ps) AS earliest
   FROM periods) st
  CROSS JOIN today t
  JOIN flakeguard.daily_costs d ON d.day BETWEEN st.earliest AND t.d
  WHERE d.connector IN (SELECT connector FROM bench.budget)) x
 GROUP BY GROUPING SETS ((x.connector, x.service_type, x.entity),
  (x.connector, x.service_type), (x.connector))),
-- The spend of each budget in its period and today's part of it, the parts
-- of its scope added up.
spend AS (
 SELECT bp.name, bp.amount,
  coalesce(sum(CASE bp.period WHEN 'daily' THEN s.daily WHEN 'weekly' THEN s.weekly
   WHEN 'monthly' THEN s.monthly WHEN 'quarterly' THEN s.quarterly ELSE s.yearly END), 0) AS spend,
  coalesce(sum(s.daily), 0) AS spend_today
 FROM budget_parts bp
 LEFT JOIN unit_spend s ON s.connector = bp.connector AND s.service_type = bp.service_type
  AND s.entity = bp.entity
 GROUP BY bp.name, bp.amount),
-- Cost per day of the sample window, at the same levels.
sample_costs AS (
 SELECT x.connector,
  CASE WHEN grouping(x.service_type) = 1 THEN '*' ELSE x.service_type END AS service_type,
  CASE WHEN grouping(x.entity) = 1 THEN '*' ELSE x.entity END AS entity,
  x.day, sum(x.cost) AS cost
 FROM (SELECT d.connector, upper(d.service_type) AS service_type, upper(d.entity) AS entity,
   d.day, d.cost
  FROM history h CROSS JOIN today t
  JOIN flakeguard.daily_costs d ON d.connector = h.connector
   AND d.day >= h.from_day AND d.day < t.d) x
 GROUP BY GROUPING SETS ((x.connector, x.service_type, x.entity, x.day),
  (x.connector, x.service_type, x.day), (x.connector, x.day))),
-- Which weekday each sample day stands for: its own ISO weekday, or every
-- weekday when history is short; and how many sample days each weekday has.
sample_days AS (
 SELECT h.connector, h.from_day + s.i AS day, w.dow
 FROM history h CROSS JOIN today t
 CROSS JOIN generate_series(0, t.d - 1 - h.from_day) AS s(i)
 CROSS JOIN generate_series(1, 7) AS w(dow)
 WHERE NOT h.four_weeks OR extract(isodow FROM h.from_day + s.i) = w.dow),
sample_count AS (
 SELECT connector, dow, count(*) AS days FROM sample_days GROUP BY 1, 2),
-- Run rate per part and weekday: the mean, smallest and largest sample.  A
-- day without cost rows counts as zero: it adds nothing to the sum, and
-- when some day has none the smallest sample is at most zero and the
-- largest at least zero.
unit_rates AS (
 SELECT u.connector, u.service_type, u.entity, n.dow,
  coalesce(sum(c.cost), 0) / n.days AS mean,
  CASE WHEN count(c.cost) < n.days THEN least(min(c.cost), 0) ELSE min(c.cost) END AS low,
  CASE WHEN count(c.cost) < n.days THEN greatest(max(c.cost), 0) ELSE max(c.cost) END AS high
 FROM (SELECT DISTINCT connector, service_type, entity FROM budget_parts) u
 JOIN sample_count n USING (connector)
 LEFT JOIN (sample_costs c JOIN sample_days s USING (connector, day))
  ON c.connector = u.connector AND c.service_type = u.service_type AND c.entity = u.entity
  AND s.dow = n.dow
 GROUP BY u.connector, u.service_type, u.entity, n.dow, n.days),
-- The days left in each period, today included, per ISO weekday.
remaining AS (
 SELECT p.period, extract(isodow FROM t.d + r.i)::int AS dow, count(*) AS days
 FROM periods p CROSS JOIN today t CROSS JOIN generate_series(0, p.pe - t.d) AS r(i)
 GROUP BY 1, 2),
-- Projection of the remaining days of the period, the parts of a scope
-- added up.
projection AS (
 SELECT bp.name, coalesce(sum(r.days * ur.mean), 0) AS mid,
  coalesce(sum(r.days * ur.low), 0) AS low, coalesce(sum(r.days * ur.high), 0) AS high
 FROM budget_parts bp JOIN remaining r USING (period)
 LEFT JOIN unit_rates ur ON ur.connector = bp.connector AND ur.service_type = bp.service_type
  AND ur.entity = bp.entity AND ur.dow = r.dow
 GROUP BY bp.name)
-- The forecast is the spend on complete days plus the projection, and
-- never below the spend so far.
SELECT name, round(spend, 2) AS spend, round(spend * 100 / amount, 2) AS percent,
 round(greatest(spend - spend_today + mid, spend), 2) AS forecast,
 round(greatest(spend - spend_today + low, spend), 2) AS forecast_low,
 round(greatest(spend - spend_today + high, spend), 2) AS forecast_high
FROM spend JOIN projection USING (name) ORDER BY name

-- Record the alert candidates, one array parameter per column (keys: the
-- candidates' positions).  UNIQUE (budget_id, period_start, threshold,
-- kind) makes an alert exist once whatever runs overlap; the rows returned
-- are the alerts this run created, by key, the only ones that may enqueue
-- a notification.
WITH u AS (SELECT * FROM unnest(:keys::int[], :budgets::text[], :periods::text[], :period_starts::date[],
		:period_ends::date[], :thresholds::int[], :kinds::text[], :severities::text[], :spends::numeric[],
		:amounts::numeric[], :percents::numeric[], :forecasts::numeric[])
	AS u(k, name, period, ps, pe, threshold, kind, severity, spend, amount, percent, forecast)),
ins AS (INSERT INTO budget_alerts (budget_id, budget, period, period_start, period_end,
		threshold, kind, severity, spend, amount, percent, forecast)
	SELECT bg.id, u.name, u.period, u.ps, u.pe, u.threshold, u.kind, u.severity, u.spend,
		u.amount, u.percent, u.forecast FROM u JOIN budgets bg ON bg.name = u.name
	ON CONFLICT (budget_id, period_start, threshold, kind) DO NOTHING
	RETURNING id, budget, threshold, kind)
SELECT u.k, ins.id FROM ins JOIN u ON u.name = ins.budget
	AND u.threshold = ins.threshold AND u.kind = ins.kind

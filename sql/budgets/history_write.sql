-- The history rows of :snapshot_date, one per budget evaluated that day,
-- one array parameter per column; a day built again replaces its rows.
INSERT INTO budget_history (budget, snapshot_date, connector, period, period_start, period_end,
	spend, amount, currency, percent, forecast)
SELECT t.budget, :snapshot_date::date, t.connector, t.period, t.ps, t.pe, t.spend, t.amount, t.currency,
	t.percent, t.forecast
FROM unnest(:budgets::text[], :connectors::text[], :periods::text[], :period_starts::date[],
		:period_ends::date[], :spends::numeric[], :amounts::numeric[], :currencies::text[],
		:percents::numeric[], :forecasts::numeric[])
	AS t(budget, connector, period, ps, pe, spend, amount, currency, percent, forecast)
ON CONFLICT (budget, snapshot_date) DO UPDATE SET connector = EXCLUDED.connector,
	period = EXCLUDED.period, period_start = EXCLUDED.period_start, period_end = EXCLUDED.period_end,
	spend = EXCLUDED.spend, amount = EXCLUDED.amount, currency = EXCLUDED.currency,
	percent = EXCLUDED.percent, forecast = EXCLUDED.forecast, updated_at = now()

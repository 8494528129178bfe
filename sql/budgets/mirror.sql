-- Mirror the configured budgets into the budgets table, one array
-- parameter per column.  Unchanged budgets are left alone: no row lock,
-- no new row version.
INSERT INTO budgets AS o (name, connector, amount, currency, period, scope, thresholds,
	forecast, notify, active, deactivated_at)
SELECT u.name, u.connector, u.amount, u.currency, u.period, u.scope, u.thr::integer[],
	u.fc, u.notify::text[], u.active, CASE WHEN u.active THEN NULL ELSE now() END
FROM unnest(:names::text[], :connectors::text[], :amounts::numeric[], :currencies::text[], :periods::text[],
		:scopes::text[], :thresholds::text[], :forecasts::boolean[], :notify::text[], :active::boolean[])
	AS u(name, connector, amount, currency, period, scope, thr, fc, notify, active)
WHERE NOT EXISTS (SELECT 1 FROM budgets x WHERE x.name = u.name
	AND (x.connector, x.amount, x.currency, x.period, x.scope, x.thresholds, x.forecast,
		x.notify, x.active) IS NOT DISTINCT FROM (u.connector, u.amount, u.currency, u.period,
		u.scope, u.thr::integer[], u.fc, u.notify::text[], u.active))
ON CONFLICT (name) DO UPDATE SET connector = EXCLUDED.connector,
	amount = EXCLUDED.amount, currency = EXCLUDED.currency, period = EXCLUDED.period,
	scope = EXCLUDED.scope, thresholds = EXCLUDED.thresholds, forecast = EXCLUDED.forecast,
	notify = EXCLUDED.notify, active = EXCLUDED.active, updated_at = now(),
	deactivated_at = CASE WHEN EXCLUDED.active THEN NULL
		ELSE coalesce(o.deactivated_at, now()) END
WHERE (o.connector, o.amount, o.currency, o.period, o.scope, o.thresholds, o.forecast,
	o.notify, o.active) IS DISTINCT FROM (EXCLUDED.connector, EXCLUDED.amount,
	EXCLUDED.currency, EXCLUDED.period, EXCLUDED.scope, EXCLUDED.thresholds,
	EXCLUDED.forecast, EXCLUDED.notify, EXCLUDED.active)

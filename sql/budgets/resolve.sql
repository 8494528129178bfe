-- The budget incidents whose period is over as of :as_of (a UTC date),
-- for fg_outbox_resolve: one per (budget, period) with alerts not yet
-- resolved, named as budget_notify.c names its opening.  The highest
-- threshold crossed and the last figures recorded tell how it ended.
SELECT 'budget:' || a.budget || ':' || a.period_start,
	'resolved: budget ' || a.budget || ': ' || a.period || ' period ' || a.period_start || ' to '
		|| a.period_end || ' is over',
	'Budget ' || a.budget || ', ' || a.period || ' period ' || a.period_start || ' to ' || a.period_end
		|| E' is over.\n' || 'Highest threshold crossed: '
		|| coalesce(max(a.threshold) FILTER (WHERE a.kind = 'actual') || '%', 'none (forecast only)')
		|| E'.\nSpend at the last alert: ' || (array_agg(a.spend ORDER BY a.created_at DESC, a.id DESC))[1]
		|| ' ' || min(bg.currency)
		|| ' of ' || (array_agg(a.amount ORDER BY a.created_at DESC, a.id DESC))[1] || ' ' || min(bg.currency)
		|| '.',
	jsonb_build_object('budget', a.budget, 'period', a.period, 'period_start', a.period_start,
		'period_end', a.period_end, 'threshold', max(a.threshold) FILTER (WHERE a.kind = 'actual'),
		'connector', min(bg.connector), 'state', 'resolved')
FROM budget_alerts a JOIN budgets bg ON bg.id = a.budget_id
WHERE a.resolved_at IS NULL AND a.period_end < :as_of::date
GROUP BY a.budget, a.period, a.period_start, a.period_end

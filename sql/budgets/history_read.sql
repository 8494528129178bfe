-- The last :days history rows of :budget up to :until, oldest first.
SELECT * FROM (SELECT to_char(snapshot_date, 'YYYY-MM-DD') AS d, round(spend, 2),
		round(percent, 2), round(forecast, 2), amount, currency, period,
		to_char(period_start, 'YYYY-MM-DD')
	FROM budget_history WHERE budget = :budget AND snapshot_date <= :until::date
	ORDER BY snapshot_date DESC LIMIT :days::integer) h
ORDER BY d

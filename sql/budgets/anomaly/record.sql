-- Record the anomalous days of a run, one row per (series, day) whatever
-- the number of runs; RETURNING the keys (positions in the arrays) of the
-- rows this run created.
INSERT INTO anomalies (connector, dimension, series, day, direction, severity, actual, expected,
	spread, deviation, baseline_low, baseline_high, baseline_days, explanation, contributors)
SELECT connector, dimension, series, day, direction, severity, actual, expected, spread, deviation,
	low, high, ndays, explanation, contributors::jsonb
FROM unnest(:connectors::text[], :dimensions::text[], :series::text[], :days::date[],
	:directions::text[], :severities::text[], :actuals::numeric[], :expecteds::numeric[],
	:spreads::numeric[], :deviations::numeric[], :lows::numeric[], :highs::numeric[],
	:ndays::integer[], :explanations::text[], :contributors::text[])
	AS a(connector, dimension, series, day, direction, severity, actual, expected, spread, deviation,
	     low, high, ndays, explanation, contributors)
ORDER BY connector, dimension, series, day
ON CONFLICT (connector, dimension, series, day) DO NOTHING
RETURNING id

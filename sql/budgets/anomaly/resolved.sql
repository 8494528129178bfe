-- The incidents resolve.sql closed (:ids), for fg_outbox_resolve: each
-- named as anomaly_run.c named its opening ("anomaly:<connector>:
-- <dimension>:<series>:<first day>"), so a channel told of the incident
-- is told it is over.  A series that is normal again resolves once.
SELECT 'anomaly:' || i.connector || ':' || i.dimension || ':' || i.series || ':' || i.first_day,
	left('resolved: ' || i.connector || ' ' || i.dimension || ' ' || regexp_replace(i.series, '[[:cntrl:]]+', ' ', 'g')
		|| ': cost back to normal on ' || i.resolved_day, 300),
	'The ' || i.direction || ' of ' || regexp_replace(i.series, '[[:cntrl:]]+', ' ', 'g') || ' ('
		|| i.dimension || ', connector ' || i.connector || ') ran from ' || i.first_day || ' to '
		|| i.last_day || '; ' || i.resolved_day || ' was a normal day.',
	jsonb_build_object('connector', i.connector, 'dimension', i.dimension, 'series', i.series,
		'direction', i.direction, 'first_day', i.first_day, 'last_day', i.last_day,
		'resolved_day', i.resolved_day, 'state', 'resolved')
FROM anomaly_incidents i
WHERE i.id = ANY(:ids::bigint[])

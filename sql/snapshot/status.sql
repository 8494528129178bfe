-- The last run of each job (:jobs, with its :lock_ids, whether it is
-- :exclusive and its expected :intervals in seconds, 0 for none), its last
-- success, and whether it is stale (no success within twice the interval
-- before :now), failing (the last run failed, was interrupted, or died) or
-- died: still 'running' but nobody holds its advisory lock,
-- pg_try_advisory_lock(:lock_class, lock_id) (a job that is not exclusive
-- takes none).  One row per job, in the given order.  The session holding
-- a job's lock in this database, if any, is shown too (pid, application,
-- client address or 'local', connected since, state, what it waits for),
-- so a run stuck behind it, or a stale lock, can be traced to its owner.
WITH jobs AS (
	SELECT j.job, j.lock_id, j.exclusive, j.interval_s, j.ord
	FROM unnest(:jobs::text[], :lock_ids::int[], :exclusive::boolean[], :intervals::bigint[])
		WITH ORDINALITY AS j(job, lock_id, exclusive, interval_s, ord)),
last AS (
	SELECT DISTINCT ON (job) job, started_at, finished_at, status, exit_code, host, counts, error
	FROM job_runs WHERE status <> 'skipped' AND job = ANY (:jobs::text[])
	ORDER BY job, started_at DESC, id DESC),
succ AS (
	SELECT job, max(finished_at) AS at FROM job_runs
	WHERE status = 'success' AND job = ANY (:jobs::text[]) GROUP BY job)
SELECT j.job,
	to_char(l.started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
	round(extract(epoch FROM l.finished_at - l.started_at)::numeric, 3),
	l.status, l.exit_code, l.host, l.counts, l.error,
	to_char(s.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
	j.interval_s,
	(j.interval_s > 0 AND (s.at IS NULL OR s.at < :now::timestamptz - make_interval(secs => 2 * j.interval_s)))
		AS stale,
	(l.status IN ('failed', 'interrupted')
		OR (l.status = 'running' AND j.exclusive AND NOT EXISTS (
			SELECT 1 FROM pg_locks k WHERE k.locktype = 'advisory' AND k.granted
			AND k.classid = :lock_class::oid AND k.objid = j.lock_id::oid AND k.objsubid = 2))) AS failing,
	(l.status = 'running' AND j.exclusive AND NOT EXISTS (
		SELECT 1 FROM pg_locks k WHERE k.locktype = 'advisory' AND k.granted
		AND k.classid = :lock_class::oid AND k.objid = j.lock_id::oid AND k.objsubid = 2)) AS died,
	h.pid, h.application_name, h.client, h.since, h.state, h.wait_event_type
FROM jobs j LEFT JOIN last l USING (job) LEFT JOIN succ s USING (job)
LEFT JOIN LATERAL (
	SELECT k.pid, a.application_name,
		coalesce(host(a.client_addr), CASE WHEN a.client_port = -1 THEN 'local' END) AS client,
		to_char(a.backend_start AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS since,
		a.state, a.wait_event_type
	FROM pg_locks k LEFT JOIN pg_stat_activity a ON a.pid = k.pid
	WHERE k.locktype = 'advisory' AND k.granted AND k.classid = :lock_class::oid
		AND k.objid = j.lock_id::oid AND k.objsubid = 2
		AND k.database = (SELECT oid FROM pg_database WHERE datname = current_database())
	ORDER BY k.pid LIMIT 1) h ON j.exclusive
ORDER BY j.ord

-- The configuration file each host ran last: per host, the fingerprint
-- (job_runs.config_sha256) of its latest run that recorded one, among the
-- runs started in the :days days before :now.  Hosts sharing the database
-- should show one fingerprint.
SELECT host, config_sha256, job, to_char(started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
FROM (SELECT DISTINCT ON (host) host, config_sha256, job, started_at
	FROM job_runs
	WHERE config_sha256 IS NOT NULL AND started_at > :now::timestamptz - make_interval(days => :days::int)
	ORDER BY host, started_at DESC, id DESC) h
ORDER BY host COLLATE "C"

#!/usr/bin/env bash
# snapshot --status: last run of every job, stale and failing detection,
# exit codes, JSON; data freshness per connector next to the jobs.
. "$(dirname "$0")/../lib/harness.sh"
fg_setup
export FLAKEGUARD_NOW=2026-03-15T10:00:00Z
cfg=$(fg_config s.conf <<'C'
[database]
conninfo =
C
)
fg_run snapshot -c "$cfg" --status
fg_eq "fresh install: status exits 1 (no job ever succeeded)" 1 "$FG_RC"
fg_match "never-run jobs flagged" "^costsync +never .* never +no success yet \(expected every 1d\)" "$FG_OUT"
fg_eq "status records no job run" 0 "$(fg_sql "SELECT count(*) FROM job_runs")"

# Healthy history relative to FLAKEGUARD_NOW.
fg_sql "INSERT INTO job_runs (job, started_at, finished_at, status, exit_code, host, pid, counts) VALUES
 ('costsync',     '2026-03-15 02:00:00+00', '2026-03-15 02:00:12.5+00', 'success', 0, 'h1', 10, '{\"rows_read\": 1234}'),
 ('budgetcheck',  '2026-03-15 09:15:00+00', '2026-03-15 09:15:01+00', 'success', 0, 'h1', 11, '{}'),
 ('notifyd-once', '2026-03-15 09:55:00+00', '2026-03-15 09:55:02+00', 'success', 0, 'h2', 12, '{}'),
 ('snapshot',     '2026-03-15 00:05:00+00', '2026-03-15 00:05:03+00', 'success', 0, 'h1', 13, '{}'),
 ('secscan',      '2026-03-15 03:30:00+00', '2026-03-15 03:31:00+00', 'success', 0, 'h1', 14, '{}'),
 ('costsync',     '2026-03-15 09:00:00+00', '2026-03-15 09:00:00+00', 'skipped', NULL, 'h2', 15, '{}')"
fg_run snapshot -c "$cfg" --status
fg_eq "all healthy: exit 0" 0 "$FG_RC"
fg_match "costsync line shows last run, duration, counts" \
	"^costsync +2026-03-15T02:00:00Z +12.5s success +ok +rows_read=1234" "$FG_OUT"
fg_eq "skipped runs are not the last run" 0 "$(printf '%s\n' "$FG_OUT" | grep -c skipped)"

# A failed last run.
fg_sql "INSERT INTO job_runs (job, started_at, finished_at, status, exit_code, host, pid, error) VALUES
 ('secscan', '2026-03-15 09:30:00+00', '2026-03-15 09:30:05+00', 'failed', 75, 'h1', 20, 'cannot connect to PostgreSQL: timeout')"
fg_run snapshot -c "$cfg" --status
fg_eq "failed job: exit 1" 1 "$FG_RC"
fg_match "failed job flagged with its error" "^secscan .* failed +failing +exit 75: cannot connect to PostgreSQL: timeout" "$FG_OUT"

# A stale job: budgetcheck last succeeded 3 h ago with a 1 h interval.
fg_sql "DELETE FROM job_runs WHERE job = 'secscan' AND status = 'failed'"
FLAKEGUARD_NOW=2026-03-15T12:30:00Z fg_run snapshot -c "$cfg" --status
fg_eq "stale job: exit 1" 1 "$FG_RC"
fg_match "budgetcheck stale" "^budgetcheck .* stale +no success since 2026-03-15T09:15:01Z \(expected every 1h\)" "$FG_OUT"
fg_match "notifyd-once stale too" "^notifyd-once .* stale" "$FG_OUT"
fg_match "costsync still ok" "^costsync .* ok " "$FG_OUT"

# Intervals are configurable, and 'off' stops watching a job.
cfg2=$(fg_config s2.conf <<'C'
[database]
conninfo =
[status]
budgetcheck = 2h
notifyd-once = off
C
)
FLAKEGUARD_NOW=2026-03-15T12:30:00Z fg_run snapshot -c "$cfg2" --status --json
fg_eq "configured intervals: healthy, exit 0" 0 "$FG_RC"
fg_eq "JSON healthy flag" true "$(printf '%s' "$FG_OUT" | jq .healthy)"
fg_eq "JSON interval" 7200 "$(printf '%s' "$FG_OUT" | jq '.jobs[] | select(.job == "budgetcheck") | .expected_interval_s')"
fg_eq "JSON last run duration" 12.5 "$(printf '%s' "$FG_OUT" | jq '.jobs[] | select(.job == "costsync") | .last_run.duration_s')"
fg_eq "JSON counts" 1234 "$(printf '%s' "$FG_OUT" | jq '.jobs[] | select(.job == "costsync") | .last_run.counts.rows_read')"

bad=$(fg_config s3.conf <<'C'
[database]
conninfo =
[status]
costsync = soon
C
)
fg_run snapshot -c "$bad" --status
fg_eq "bad interval exits 78" 78 "$FG_RC"
fg_match "bad interval names file:line" "s3.conf:4: costsync: 'soon' is not an interval" "$FG_ERR"

# A run that died while holding its lock (SIGKILL) is reported.
fg_sql "INSERT INTO job_runs (job, started_at, status, host, pid) VALUES ('snapshot', '2026-03-15 09:59:00+00', 'running', 'h1', 99)"
fg_run snapshot -c "$cfg" --status
fg_match "dead run reported" "^snapshot .* running +died +died while running" "$FG_OUT"
fg_eq "dead run: exit 1" 1 "$FG_RC"

fg_run snapshot -c "$cfg" --status --date 2026-01-01
fg_eq "--status with --date is a usage error" 64 "$FG_RC"

# Data freshness: every job healthy, but costsync has not synced one
# connector for 17 days.
fg_sql "DELETE FROM job_runs WHERE status = 'running';
	INSERT INTO job_runs (job, started_at, finished_at, status, exit_code, host, pid) VALUES
	('snapshot', '2026-03-15 09:59:00+00', '2026-03-15 09:59:01+00', 'success', 0, 'h1', 100)"
conns=$(fg_config s4.conf <<'C'
[database]
conninfo =
[connector prod]
odbc = x
[connector dev]
odbc = x
[connector lab]
odbc = x
max_data_age = 30
[connector new]
odbc = x
[connector old]
odbc = x
enabled = false
C
)
fg_sql "INSERT INTO connector_state VALUES ('prod', '2026-02-26', '2026-02-26 02:00:00+00'),
	('dev', '2026-03-15', '2026-03-15 02:00:00+00'), ('lab', '2026-02-26', '2026-02-26 02:00:00+00')"
fg_run snapshot -c "$cfg" --status
fg_eq "without connectors the jobs decide: exit 0" 0 "$FG_RC"
fg_nomatch "and no connector table" "CONNECTOR" "$FG_OUT"
fg_run snapshot -c "$conns" --status
fg_eq "stale data: exit 1 although every job is healthy" 1 "$FG_RC"
fg_match "connector table header" "^CONNECTOR +DATA THROUGH +AGE +HEALTH +DETAIL$" "$FG_OUT"
fg_match "stale connector flagged with its last synced day" \
	"^prod +2026-02-26 +17d +stale +older than max_data_age 2d; check that costsync runs$" "$FG_OUT"
fg_match "fresh connector ok" "^dev +2026-03-15 +0d +ok +synced 2026-03-15T02:00:00Z$" "$FG_OUT"
fg_match "its own max_data_age" "^lab +2026-02-26 +17d +ok" "$FG_OUT"
fg_match "never synced: stale" "^new +never +- +stale +never synced; run costsync$" "$FG_OUT"
fg_nomatch "disabled connectors are not watched" "old " "$FG_OUT"
fg_run snapshot -c "$conns" --status --json
fg_eq "JSON: unhealthy" false "$(jq .healthy <<<"$FG_OUT")"
fg_eq "JSON: connectors" "prod:true:2026-02-26:17 dev:false:2026-03-15:0 lab:false:2026-02-26:17 new:true:null:null" \
	"$(jq -r '[.connectors[] | "\(.connector):\(.stale):\(.last_synced_day):\(.age_days)"] | join(" ")' <<<"$FG_OUT")"
fg_sql "UPDATE connector_state SET last_synced_day = '2026-03-14'; INSERT INTO connector_state VALUES ('new', '2026-03-13', NULL)"
fg_run snapshot -c "$conns" --status
fg_eq "fresh data again: exit 0" 0 "$FG_RC"

# Each job run records the SHA-256 of the configuration file it read; the
# report warns when the hosts' latest runs read different files.
fg_run snapshot -c "$cfg" -q --no-prune
fg_eq "snapshot run ok" 0 "$FG_RC"
fg_eq "job run records the file's SHA-256" "$(sha256sum <"$cfg" | cut -d' ' -f1)" \
	"$(fg_sql "SELECT config_sha256 FROM job_runs WHERE job = 'snapshot' ORDER BY id DESC LIMIT 1")"
fg_sql "UPDATE job_runs SET started_at = '2026-03-15 10:00:00+00', finished_at = '2026-03-15 10:00:01+00', host = 'h1'
	WHERE id = (SELECT max(id) FROM job_runs)"
fg_run snapshot -c "$conns" --status
fg_eq "one host, one file: no warning" "" "$FG_ERR"
fg_sql "INSERT INTO job_runs (job, started_at, finished_at, status, exit_code, host, pid, config_sha256) VALUES
	('budgetcheck', '2026-03-15 09:15:00+00', '2026-03-15 09:15:01+00', 'success', 0, 'h2', 30, 'aaaaaaaaaaaa0000'),
	('budgetcheck', '2026-03-01 09:15:00+00', '2026-03-01 09:15:01+00', 'success', 0, 'h3', 31, 'bbbbbbbbbbbb0000')"
fg_run snapshot -c "$conns" --status
fg_eq "different files are not a health failure" 0 "$FG_RC"
fg_match "the hosts running different files are named, once" \
	"^snapshot: warning: compare the configuration files of the hosts: they differ \('h1' [0-9a-f]{12}, 'h2' aaaaaaaaaaaa\); deploy the same file to every host$" \
	"$FG_ERR"
fg_match "and listed after the jobs" "^h2 +aaaaaaaaaaaa +budgetcheck +2026-03-15T09:15:00Z$" "$FG_OUT"
fg_nomatch "hosts silent for more than 7 days are left out" "h3" "$FG_OUT$FG_ERR"
fg_run snapshot -c "$conns" --status --json
fg_eq "JSON: config_consistent" false "$(jq .config_consistent <<<"$FG_OUT")"
fg_eq "JSON: configs" "h1 h2" "$(jq -r '[.configs[].host] | join(" ")' <<<"$FG_OUT")"
fg_done

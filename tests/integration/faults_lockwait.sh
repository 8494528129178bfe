#!/usr/bin/env bash
# No tool hangs forever behind another session: [database] lock_timeout
# and statement_timeout end the wait with exit 75 and one line naming what
# was waited on; a run killed while waiting gives up its job lock once
# lock_timeout passes; snapshot --status names whoever holds a job lock.
. "$(dirname "$0")/../lib/harness.sh"
fg_setup
cfg=$(fg_config lw.conf <<'C'
[database]
conninfo =
lock_timeout = 1s
statement_timeout = 2s
C
)
snapshot -c "$cfg" --no-prune || fg_fail "first run"

# wait_for SQL: poll until the query prints 1 (10 s at most).
wait_for() {
	local i
	for i in $(seq 1 100); do
		[ "$(fg_sql "$1")" = 1 ] && return 0
		sleep 0.1
	done
	return 1
}
job_lock_held() { fg_sql "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = 1718381415 AND objid = 4 AND granted"; }

# Another session holds job_runs: the run gives up after lock_timeout.
psql -X -q -d flakeguard -c "BEGIN; LOCK TABLE flakeguard.job_runs IN EXCLUSIVE MODE; SELECT pg_sleep(60)" >/dev/null 2>&1 &
holder=$!
FG_PIDS+=("$holder")
wait_for "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = 'job_runs' AND l.mode = 'ExclusiveLock' AND l.granted" ||
	fg_fail "holder took the table lock"
start=$(date +%s%N)
fg_run snapshot -c "$cfg" --no-prune
took=$((($(date +%s%N) - start) / 1000000))
fg_eq "lock wait: exit 75" 75 "$FG_RC"
fg_timed && fg_check "lock wait ends after lock_timeout (${took} ms)" test "$took" -lt 6000
fg_match "names what was waited on and the setting" \
	"^snapshot: error: cannot record job run: .*lock timeout.*gave up waiting 1s for a lock \(\[database\] lock_timeout\)" "$FG_ERR"
fg_eq "one line" 1 "$(printf '%s\n' "$FG_ERR" | grep -c .)"

# kill -9 while waiting: the server session gives up with lock_timeout and
# the job lock is free for the next run instead of held for ever.
snapshot -c "$cfg" --no-prune >/dev/null 2>&1 &
victim=$!
wait_for "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'snapshot' AND wait_event_type = 'Lock'" ||
	fg_fail "victim waits for the lock"
fg_eq "the waiting run holds the job lock" 1 "$(job_lock_held)"
kill -KILL "$victim"
wait "$victim" 2>/dev/null
wait_for "SELECT (count(*) = 0)::int FROM pg_locks WHERE locktype = 'advisory' AND classid = 1718381415 AND objid = 4"
fg_eq "killed run's job lock released after lock_timeout" 0 "$(job_lock_held)"
fg_kill_sleepers
wait "$holder" 2>/dev/null

# A statement that runs too long is cancelled by statement_timeout.
fg_sql "CREATE FUNCTION slow_insert() RETURNS trigger LANGUAGE plpgsql AS \$\$
	BEGIN PERFORM pg_sleep(20); RETURN NEW; END \$\$;
	CREATE TRIGGER slow BEFORE INSERT ON job_runs FOR EACH ROW EXECUTE FUNCTION slow_insert()"
start=$(date +%s%N)
fg_run snapshot -c "$cfg" --no-prune
took=$((($(date +%s%N) - start) / 1000000))
fg_eq "statement timeout: exit 75" 75 "$FG_RC"
fg_timed && fg_check "statement ends after statement_timeout (${took} ms)" test "$took" -lt 8000
fg_match "names the statement and the setting" \
	"^snapshot: error: cannot record job run: .*statement timeout.*gave up after 2s \(\[database\] statement_timeout\)" "$FG_ERR"
fg_sql "DROP TRIGGER slow ON job_runs"

# Bad values are configuration errors with FILE:LINE.
bad=$(fg_config bad.conf <<'C'
[database]
conninfo =
lock_timeout = forever
C
)
fg_run snapshot -c "$bad" --status
fg_eq "bad lock_timeout exits 78" 78 "$FG_RC"
fg_match "bad lock_timeout names file:line" "bad.conf:3: lock_timeout" "$FG_ERR"

# A stale lock is visible: snapshot --status names the session holding it.
export FLAKEGUARD_NOW=2026-03-15T10:00:00Z
PGAPPNAME=stale-holder psql -X -q -d flakeguard -c "SELECT pg_advisory_lock(1718381415, 4), pg_sleep(60)" >/dev/null 2>&1 &
holder=$!
FG_PIDS+=("$holder")
wait_for "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = 4 AND granted" || fg_fail "stale lock taken"
hpid=$(fg_sql "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND objid = 4 AND granted")
fg_run snapshot -c "$cfg" --status
fg_match "status names the lock holder" \
	"^snapshot .*lock held by pid $hpid \(stale-holder, local, active\) since [0-9-]+T[0-9:]+Z" "$FG_OUT"
fg_nomatch "costsync's lock is free" "lock held" "$(printf '%s\n' "$FG_OUT" | grep '^costsync')"
fg_run snapshot -c "$cfg" --status --json
fg_eq "JSON lock holder pid" "$hpid" "$(printf '%s' "$FG_OUT" | jq '.jobs[] | select(.job == "snapshot") | .lock_holder.pid')"
fg_eq "JSON lock holder application" stale-holder "$(printf '%s' "$FG_OUT" | jq -r '.jobs[] | select(.job == "snapshot") | .lock_holder.application_name')"
fg_eq "JSON free lock is null" null "$(printf '%s' "$FG_OUT" | jq '.jobs[] | select(.job == "costsync") | .lock_holder')"
fg_kill_sleepers
wait "$holder" 2>/dev/null
fg_done

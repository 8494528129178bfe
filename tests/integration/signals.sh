#!/usr/bin/env bash
# SIGTERM: a tool blocked in PostgreSQL cancels the statement in hand,
# records its run as interrupted and exits 75 within 5 s.
. "$(dirname "$0")/../lib/harness.sh"
fg_setup
cfg=$(fg_config sig.conf <<'C'
[database]
conninfo =
C
)
snapshot -c "$cfg" --no-prune || fg_fail "first run"
# Hold a lock snapshot needs, so it blocks mid-run.
psql -X -q -d flakeguard -c "BEGIN; LOCK TABLE flakeguard.cost_summary IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(60)" >/dev/null 2>&1 &
holder=$!
FG_PIDS+=("$holder")
sleep 0.5
snapshot -c "$cfg" --no-prune 2>"$FG_TMP/err" &
pid=$!
for i in $(seq 1 100); do
	[ "$(fg_sql "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND application_name = 'snapshot'")" = 1 ] && break
	sleep 0.1
done
start=$(date +%s%N)
kill -TERM "$pid"
wait "$pid"
rc=$?
took=$((($(date +%s%N) - start) / 1000000))
fg_eq "SIGTERM exits 75" 75 "$rc"
fg_check "SIGTERM honoured within 5 s (${took} ms)" test "$took" -lt 5000
fg_eq "run recorded as interrupted" "interrupted|75" "$(fg_sql "SELECT status, exit_code FROM job_runs WHERE job = 'snapshot' ORDER BY id DESC LIMIT 1")"
fg_match "says it was interrupted" "interrupted by a signal" "$(cat "$FG_TMP/err")"
fg_kill_sleepers
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null
fg_run snapshot -c "$cfg" --no-prune
fg_eq "next run succeeds" 0 "$FG_RC"
fg_done

#!/usr/bin/env bash
# costsync under trouble: one connector unreachable and one healthy (the
# healthy one syncs, exit 75, one clear line, no secret anywhere); two
# runs at once (the second exits 0 at once); SIGKILL mid-sync then a rerun
# equals an uninterrupted run; SIGTERM mid-sync rolls back with exit 75.
. "$(dirname "$0")/../lib/harness.sh"
fg_setup
export FLAKEGUARD_NOW=2026-03-15T10:00:00Z
fg_sim "SELECT account_usage.generate_costs('2026-03-01', 15, 2, 5)" >/dev/null

SECRET1=hunter2-unreachable-pw
SECRET2=s3cret-healthy-pw
cfg=$(fg_config costsync.conf <<C
[database]
conninfo =

[connector broken]
odbc = Driver=PostgreSQL Unicode;Servername=$FG_TMP/nowhere;Port=1;Database=snowflake;Username=postgres;PWD=$SECRET1
credit_price = 3.00
connect_timeout = 3

[connector good]
odbc = $FG_SIM_ODBC;PWD=$SECRET2
credit_price = 3.00
backfill_days = 15
C
)

fg_run costsync -c "$cfg"
fg_eq "one connector unreachable: exit 75" 75 "$FG_RC"
fg_eq "one error line" "1" "$(printf '%s\n' "$FG_ERR" | wc -l)"
fg_match "the line names the connector and the ODBC diagnostic" \
	"^costsync: error: connector 'broken': cannot connect through ODBC: SQLSTATE 08[0-9A-Z]{3}: " "$FG_ERR"
fg_eq "the healthy connector synced" "15" \
	"$(fg_sql "SELECT count(DISTINCT day) FROM daily_costs WHERE connector = 'good'")"
fg_eq "only the healthy connector has a watermark" "good" "$(fg_sql "SELECT string_agg(connector, ',') FROM connector_state")"
fg_eq "run recorded as failed with 75" "failed|75" \
	"$(fg_sql "SELECT status || '|' || exit_code FROM job_runs ORDER BY id DESC LIMIT 1")"
fg_run costsync -c "$cfg" --json -vv
fg_eq "json run exits 75 too" 75 "$FG_RC"
fg_eq "json: per-connector status" "broken:failed good:ok" \
	"$(printf '%s' "$FG_OUT" | jq -r '[.connectors[] | .connector + ":" + .status] | join(" ")')"
fg_match "json: error of the failed connector" "cannot connect through ODBC" \
	"$(printf '%s' "$FG_OUT" | jq -r '.connectors[0].error')"
for s in "$SECRET1" "$SECRET2"; do
	fg_nomatch "secret not on stderr (verbose)" "$s" "$FG_ERR"
	fg_nomatch "secret not in JSON output" "$s" "$FG_OUT"
	fg_nomatch "secret not in job_runs" "$s" "$(fg_sql "SELECT string_agg(coalesce(error, '') || counts::text, ' ') FROM job_runs")"
done
fg_run costsync -c "$cfg" --dry-run --connector broken
fg_nomatch "secret not in dry-run output" "$SECRET1" "$FG_OUT$FG_ERR"

# A database without the ACCOUNT_USAGE views refuses the query: exit 69.
noviews=$(fg_config noviews.conf <<C
[database]
conninfo =
[connector empty]
odbc = Driver=PostgreSQL Unicode;Servername=$FG_TMP;Port=$PGPORT;Database=postgres;Username=postgres
credit_price = 3.00
C
)
fg_run costsync -c "$noviews"
fg_eq "query refused by the source: exit 69" 69 "$FG_RC"
fg_match "refusal names the connector and the view" \
	"^costsync: error: connector 'empty': cannot read WAREHOUSE_METERING_HISTORY \(execute\): SQLSTATE" "$FG_ERR"
fg_eq "refusal is one line" "1" "$(printf '%s\n' "$FG_ERR" | wc -l)"

# Hold an exclusive lock on STORAGE_USAGE in the simulator: a sync then
# stops halfway, after streaming the metering rows into its COPY.
hold() {
	PGAPPNAME=holder psql -X -q -d snowflake -c "BEGIN" \
		-c "LOCK TABLE account_usage.storage_usage IN ACCESS EXCLUSIVE MODE" \
		-c "SELECT pg_sleep(120)" >/dev/null 2>&1 &
	HOLDER=$!
	FG_PIDS+=("$HOLDER")
	wait_for "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a USING (pid)
	          WHERE a.application_name = 'holder' AND l.mode = 'AccessExclusiveLock' AND l.granted"
}
release() {
	fg_sim "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'holder'" >/dev/null
	wait "$HOLDER" 2>/dev/null
}
wait_for() { # SQL returning a count: wait until it is > 0
	local i
	for i in $(seq 1 200); do
		[ "$(fg_sim "$1")" -gt 0 ] && return 0
		sleep 0.05
	done
	fg_fail "timed out waiting for: $1"
	return 1
}
blocked() { wait_for "SELECT count(*) FROM pg_stat_activity WHERE datname = 'snowflake' AND wait_event_type = 'Lock'"; }
table() { fg_sql "SELECT t::text FROM daily_costs t ORDER BY connector, day, service_type, entity"; }

good=$(fg_config good.conf <<C
[database]
conninfo =
[connector good]
odbc = $FG_SIM_ODBC
credit_price = 3.00
backfill_days = 15
C
)

# Two runs at once: the second exits 0 immediately while the first works.
hold
costsync -c "$good" >"$FG_TMP/first.out" 2>&1 &
FIRST=$!
blocked
start=$(date +%s%N)
fg_run costsync -c "$good" -v
took=$(( ($(date +%s%N) - start) / 1000000 ))
fg_eq "second concurrent run exits 0" 0 "$FG_RC"
fg_match "second run says another run holds the lock" "another costsync run holds the lock" "$FG_ERR"
fg_timed && fg_check "second run returns at once (${took} ms)" test "$took" -lt 5000
fg_run costsync -c "$good"
fg_eq "second run is silent at the default level" "" "$FG_ERR$FG_OUT"
release
wait "$FIRST"
fg_eq "first run completes with 0" 0 "$?"
fg_eq "first run silent" "" "$(cat "$FG_TMP/first.out")"
fg_eq "skipped runs recorded" "2" "$(fg_sql "SELECT count(*) FROM job_runs WHERE status = 'skipped'")"

# SIGKILL mid-sync, after Snowflake revised a day.
fg_sim "UPDATE account_usage.warehouse_metering_history SET credits_used_compute = credits_used_compute * 2
        WHERE start_time >= '2026-03-14 00:00+00'"
table >"$FG_TMP/t0"
hold
FLAKEGUARD_NOW=2026-03-16T10:00:00Z costsync -c "$good" >/dev/null 2>&1 &
VICTIM=$!
blocked
fg_check "rows were streaming when killed" test "$(fg_sql "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'costsync' AND backend_xid IS NOT NULL")" -ge 1
kill -KILL "$VICTIM"
wait "$VICTIM" 2>/dev/null
release
table >"$FG_TMP/t1"
fg_check "a killed run leaves the table as it was" cmp -s "$FG_TMP/t0" "$FG_TMP/t1"
FLAKEGUARD_NOW=2026-03-16T10:00:00Z fg_run costsync -c "$good"
fg_eq "rerun after SIGKILL exits 0" 0 "$FG_RC"
table >"$FG_TMP/killed"
fg_sql "TRUNCATE daily_costs, connector_state"
fg_sim "UPDATE account_usage.warehouse_metering_history SET credits_used_compute = credits_used_compute / 2
        WHERE start_time >= '2026-03-14 00:00+00'"
costsync -c "$good"
fg_sim "UPDATE account_usage.warehouse_metering_history SET credits_used_compute = credits_used_compute * 2
        WHERE start_time >= '2026-03-14 00:00+00'"
FLAKEGUARD_NOW=2026-03-16T10:00:00Z costsync -c "$good"
table >"$FG_TMP/clean"
fg_check "kill then rerun equals an uninterrupted run" cmp -s "$FG_TMP/killed" "$FG_TMP/clean"
fg_check "and the revision is in" test "$(wc -l <"$FG_TMP/clean")" -gt 100

# SIGTERM mid-sync: rolled back, exit 75, recorded as interrupted.
fg_sim "UPDATE account_usage.storage_usage SET storage_bytes = storage_bytes + 1"
table >"$FG_TMP/t2"
hold
FLAKEGUARD_NOW=2026-03-17T10:00:00Z costsync -c "$good" >"$FG_TMP/term.out" 2>&1 &
VICTIM=$!
blocked
kill -TERM "$VICTIM"
release
wait "$VICTIM"
fg_eq "SIGTERM mid-sync exits 75" 75 "$?"
fg_match "SIGTERM says what happened" "interrupted" "$(cat "$FG_TMP/term.out")"
table >"$FG_TMP/t3"
fg_check "SIGTERM rolls the connector back" cmp -s "$FG_TMP/t2" "$FG_TMP/t3"
fg_eq "run recorded as interrupted" "interrupted" "$(fg_sql "SELECT status FROM job_runs ORDER BY id DESC LIMIT 1")"

fg_done

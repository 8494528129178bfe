#!/usr/bin/env bash
# PostgreSQL stopped (immediate) in the middle of each tool's run: the
# tool exits 75 with one error line; after a restart a rerun finishes the
# work and leaves the same state as an uninterrupted run (no partial rows,
# no lost or doubled alerts or notifications).  A lock held on a table the
# tool writes late in its run parks it in the middle; notifyd-once is
# stopped while a slow sink has taken some of its messages.
. "$(dirname "$0")/../lib/harness.sh"
. "$FG_SOURCE_DIR/tests/lib/faults.sh"
fg_setup
flt_setup --delay-ms 40
# An immediate stop is a crash: with the harness's synchronous_commit = off
# the last commits would be lost.  Production keeps the default (on).
psql -X -q -d postgres -c "ALTER SYSTEM SET synchronous_commit = on" -c "SELECT pg_reload_conf()" >/dev/null

# wait_for SQL: until the count it returns is > 0 (at most 10 s).
wait_for() {
	local i
	for i in $(seq 1 200); do
		[ "$(psql -X -At -d flakeguard -c "$1" 2>/dev/null)" -gt 0 ] 2>/dev/null && return 0
		sleep 0.05
	done
	fg_fail "timed out waiting for: $1"
}

# stop_mid TOOL FROM TABLE: uninterrupted run from saved state FROM, then
# the same run parked on a lock on TABLE while the server stops.
stop_mid() {
	local tool=$1 from=$2 table=$3 victim rc
	flt_restore "$from"
	fg_run "$tool" -c "$FLT_CFG"
	fg_eq "$tool: uninterrupted run exits 0" 0 "$FG_RC"
	flt_digest >"$FG_TMP/$tool.want"
	flt_restore "$from"
	psql -X -q -d flakeguard -c "BEGIN" -c "LOCK TABLE flakeguard.$table IN EXCLUSIVE MODE" \
		-c "SELECT pg_sleep(60)" >/dev/null 2>&1 &
	FG_PIDS+=($!)
	wait_for "SELECT count(*) FROM pg_locks WHERE relation = 'flakeguard.$table'::regclass AND granted AND mode = 'ExclusiveLock'"
	"$tool" -c "$FLT_CFG" >"$FG_TMP/$tool.out" 2>"$FG_TMP/$tool.err" &
	victim=$!
	wait_for "SELECT count(*) FROM pg_stat_activity WHERE application_name = '$tool' AND wait_event_type = 'Lock'"
	stop_and_check "$tool" "$victim"
	fg_run "$tool" -c "$FLT_CFG"
	fg_eq "$tool: rerun after the restart exits 0" 0 "$FG_RC"
	flt_digest >"$FG_TMP/$tool.got"
	fg_check "$tool: state equals an uninterrupted run" cmp -s "$FG_TMP/$tool.want" "$FG_TMP/$tool.got" ||
		diff "$FG_TMP/$tool.want" "$FG_TMP/$tool.got" | head -n 5 >&2
}

# stop_and_check TOOL PID: stop the server, check the tool's exit, restart.
stop_and_check() {
	local rc
	fg_pg_stop immediate
	wait "$2"
	rc=$?
	fg_eq "$1: exits 75 when the server goes away" 75 "$rc"
	fg_eq "$1: one error line" 1 "$(wc -l <"$FG_TMP/$1.err")"
	fg_match "$1: the line says what failed" "^$1: error: .*(connection|server|terminat|SQLSTATE 08|SQLSTATE 57P)" "$(cat "$FG_TMP/$1.err")"
	fg_pg_start
}

notifyd-once -c "$FLT_CFG" || fg_fail "schema"
flt_save empty
stop_mid costsync empty daily_costs
flt_save costs
stop_mid budgetcheck costs budget_alerts
flt_save alerts
stop_mid snapshot alerts budget_history
stop_mid secscan empty findings

# notifyd-once: 30 messages to a sink answering in 40 ms, four at a time;
# the server stops once the sink has taken eight.
flt_restore empty
fg_sql "INSERT INTO notifications (channel, kind, severity, title, dedup_key)
	SELECT 'ops', 'generic', 'info', 'n' || g, 'k' || g FROM generate_series(1, 30) g" >/dev/null
notifyd-once -c "$FLT_CFG" >/dev/null 2>"$FG_TMP/notifyd-once.err" &
victim=$!
for i in $(seq 1 200); do
	[ "$(fg_sink_count "$FLT_SINK_DIR")" -ge 8 ] && break
	sleep 0.02
done
stop_and_check notifyd-once "$victim"
fg_check "some were recorded as sent before the stop" test "$(flt_count notifications "status = 'sent'")" -ge 4
fg_sql "UPDATE notifications SET claimed_at = claimed_at - interval '1 hour' WHERE claimed_at IS NOT NULL"
fg_run notifyd-once -c "$FLT_CFG"
fg_eq "notifyd-once: rerun after the restart and the lease exits 0" 0 "$FG_RC"
fg_eq "notifyd-once: all 30 sent" 30 "$(flt_count notifications "status = 'sent'")"
ids=$(fg_sink_requests "$FLT_SINK_DIR" | jq -r 'select(.status == 200) | .body | fromjson | .id')
fg_eq "notifyd-once: every one reached the sink" 30 "$(printf '%s\n' "$ids" | sort -u | wc -l)"
n=$(printf '%s\n' "$ids" | wc -l)
fg_check "notifyd-once: repeats ($((n - 30))) bounded by the 4 in flight" test "$n" -le 34
fg_done

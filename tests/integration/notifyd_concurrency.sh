#!/usr/bin/env bash
# notifyd-once under load and failure: 1,000 notifications through a sink
# failing 30 % at random, drained by four concurrent runs repeated until
# nothing is left: every notification delivered exactly once.  SIGKILL in
# the middle of a run: the next run after the lease delivers the rest, and
# only the ones in flight may repeat.
. "$(dirname "$0")/../lib/harness.sh"
fg_setup
export FLAKEGUARD_NOW=2026-03-15T10:00:00Z

fg_httpsink flaky --fail-rate 30 --seed 42 --fail-status 503
FLAKY=$FG_SINK_DIR
c=$(fg_config flaky.conf <<C
[database]
conninfo =
[notify]
backoff_base = 0
max_attempts = 100
concurrency = 8
[channel hook]
type = webhook
url = $FG_SINK_URL/hook/tokenXYZ
C
)
fg_run notifyd-once -c "$c"
fg_sql "INSERT INTO notifications (channel, kind, severity, title, dedup_key)
	SELECT 'hook', 'generic', 'info', 'n' || g, 'k' || g FROM generate_series(1, 1000) g"

drain() {
	local i
	for i in $(seq 1 40); do
		notifyd-once -c "$c" >/dev/null 2>>"$FG_TMP/drain.err"
		[ "$(fg_sql "SELECT count(*) FROM notifications WHERE status = 'pending'")" = 0 ] && return 0
	done
}
drain & p1=$!
drain & p2=$!
drain & p3=$!
drain & p4=$!
wait $p1 $p2 $p3 $p4
fg_eq "all 1,000 delivered" 1000 "$(fg_sql "SELECT count(*) FROM notifications WHERE status = 'sent'")"
ok=$(jq -r 'select(.status == 200) | .body | fromjson | .id' "$FLAKY/requests.jsonl" | sort | uniq -c | awk '$1 > 1' | wc -l)
fg_eq "no notification delivered twice" 0 "$ok"
fg_eq "sink accepted exactly 1,000" 1000 "$(jq -r 'select(.status == 200) | .body' "$FLAKY/requests.jsonl" | wc -l)"
fails=$(jq -r 'select(.status == 503)' "$FLAKY/requests.jsonl" | jq -s length)
fg_check "the sink did fail some ($fails)" test "$fails" -gt 100
fg_eq "attempts table agrees with the sink" "$(fg_sink_count "$FLAKY")" "$(fg_sql "SELECT count(*) FROM delivery_attempts")"
fg_eq "no error output from the drains" "" "$(grep -v 'notifications\? wait' "$FG_TMP/drain.err")"

# SIGKILL during a run, then recovery after the lease.
fg_httpsink slow --delay-ms 1500
SLOW=$FG_SINK_URL
SLOWDIR=$FG_SINK_DIR
fg_httpsink fast
FAST=$FG_SINK_URL
mk() {
	fg_config "$1.conf" <<C
[database]
conninfo =
[notify]
lease = 5s
concurrency = 4
[channel kill]
type = webhook
url = $2/kill
timeout = 2s
connect_timeout = 1s
C
}
cs=$(mk slow "$SLOW")
cf=$(mk fast "$FAST")
fg_sql "INSERT INTO notifications (channel, kind, severity, title, dedup_key)
	SELECT 'kill', 'generic', 'info', 'k' || g, 'kill' || g FROM generate_series(1, 20) g"
notifyd-once -c "$cs" & victim=$!
for i in $(seq 1 100); do
	[ "$(fg_sink_count "$SLOWDIR")" -ge 4 ] && break
	sleep 0.05
done
kill -9 $victim
wait $victim 2>/dev/null
inflight=$(fg_sink_count "$SLOWDIR")
fg_eq "killed run had 4 in flight" 4 "$inflight"
fg_eq "claims survive the kill" 20 "$(fg_sql "SELECT count(*) FROM notifications WHERE claimed_at IS NOT NULL AND status = 'pending'")"
fg_run notifyd-once -c "$cf"
fg_timed && fg_eq "claims within the lease are left alone" 0 "$(fg_sink_count)"
sleep 5.1
fg_run notifyd-once -c "$cf"
fg_eq "after the lease the next run delivers" 0 "$FG_RC"
fg_eq "all 20 sent" 20 "$(fg_sql "SELECT count(*) FROM notifications WHERE channel = 'kill' AND status = 'sent'")"
fg_eq "every one reached the sink once more at most" 20 "$(fg_sink_count)"
# SIGTERM: in-flight deliveries finish and are recorded, the rest is
# released at once (no lease wait), exit 75, run recorded as interrupted.
fg_httpsink term --delay-ms 1000
ct=$(fg_config term.conf <<C
[database]
conninfo =
[notify]
concurrency = 2
[channel term]
type = webhook
url = $FG_SINK_URL/term
C
)
fg_sql "INSERT INTO notifications (channel, kind, severity, title, dedup_key)
	SELECT 'term', 'generic', 'info', 't' || g, 'term' || g FROM generate_series(1, 10) g"
notifyd-once -c "$ct" --json >"$FG_TMP/term.json" 2>/dev/null & victim=$!
for i in $(seq 1 100); do
	[ "$(fg_sink_count)" -ge 2 ] && break
	sleep 0.05
done
kill -TERM $victim
wait $victim
fg_eq "SIGTERM exits 75" 75 "$?"
fg_eq "in-flight ones finished and were recorded" "2 8" "$(jq -r '"\(.sent) \(.left)"' "$FG_TMP/term.json")"
fg_eq "the rest is released at once" "pending 8 0|sent 2 0" \
	"$(fg_sql "SELECT string_agg(status || ' ' || n || ' ' || c, '|' ORDER BY status) FROM (SELECT status, count(*) n, count(claimed_at) c FROM notifications WHERE channel = 'term' GROUP BY status) x")"
fg_eq "run recorded as interrupted" "interrupted 75" "$(fg_sql "SELECT status || ' ' || exit_code FROM job_runs WHERE job = 'notifyd-once' ORDER BY id DESC LIMIT 1")"
fg_done

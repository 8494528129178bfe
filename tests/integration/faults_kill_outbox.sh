#!/usr/bin/env bash
# SIGKILL at seeded random points: ten trials each of secscan and
# notifyd-once.  Each trial starts from the same state, kills the tool
# after a random share of the time an uninterrupted run takes, reruns it,
# and compares the tools' tables with those of the uninterrupted run.
# notifyd-once: after the lease the rerun delivers the rest; nothing is
# lost and only the ones in flight repeat.
. "$(dirname "$0")/../lib/harness.sh"
. "$FG_SOURCE_DIR/tests/lib/faults.sh"
fg_setup
flt_setup --delay-ms 30
RANDOM=17

notifyd-once -c "$FLT_CFG" || fg_fail "schema"
flt_save empty
flt_trials secscan empty

# notifyd-once: 30 due notifications to a webhook answering in 30 ms,
# four at a time.  A killed run's claims expire with the lease (aged here
# instead of waited for).
flt_restore empty
fg_sql "INSERT INTO notifications (channel, kind, severity, title, dedup_key)
	SELECT 'ops', 'generic', 'info', 'n' || g, 'k' || g FROM generate_series(1, 30) g" >/dev/null
flt_save outbox
mark() { SINK_FROM=$(fg_sink_count "$FLT_SINK_DIR"); }
age() { fg_sql "UPDATE notifications SET claimed_at = claimed_at - interval '1 hour' WHERE claimed_at IS NOT NULL"; }
check_sink() {
	local ids total distinct
	ids=$(fg_sink_requests "$FLT_SINK_DIR" | tail -n +$((SINK_FROM + 1)) | jq -r 'select(.status == 200) | .body | fromjson | .id')
	total=$(printf '%s\n' "$ids" | grep -c .)
	distinct=$(printf '%s\n' "$ids" | sort -u | grep -c .)
	fg_eq "notifyd-once: every notification reached the sink" 30 "$distinct"
	fg_check "notifyd-once: repeats ($((total - distinct))) bounded by the 4 in flight" test $((total - distinct)) -le 4
}
TRIAL_START=mark BEFORE_RERUN=age AFTER_TRIAL=check_sink flt_trials notifyd-once outbox
fg_done

#!/usr/bin/env bash
# notifyd-once with the HTTP side failing for a whole batch: a sink that
# is down (connection refused) and a sink slower than the channel's
# timeout.  Every notification gets a retry scheduled in the future, the
# run exits 75, an immediate rerun sends nothing, and once the sink works
# every notification arrives exactly once.
. "$(dirname "$0")/../lib/harness.sh"
. "$FG_SOURCE_DIR/tests/lib/faults.sh"
fg_setup

mkconf() { # NAME URL
	fg_config "$1.conf" <<C
[database]
conninfo =
[notify]
concurrency = 4
[channel hook]
type = webhook
url = $2
timeout = 1s
C
}
# state: status, attempts, claimed, retry in the future, per notification
state() {
	fg_sql "SELECT string_agg(DISTINCT status || ' ' || attempts || ' ' || (claimed_at IS NOT NULL)
		|| ' ' || (next_attempt_at > now() + interval '10 s'), ',') FROM notifications"
}
recover() { # URL: the sink works again and the retries fall due
	fg_httpsink "$1"
	fg_sql "UPDATE notifications SET next_attempt_at = now() WHERE status = 'pending'"
	fg_run notifyd-once -c "$(mkconf "$1" "$FG_SINK_URL/hook")"
	fg_eq "$1: delivered once the sink works" 0 "$FG_RC"
	fg_eq "$1: all sent" "sent 2 false false" "$(state)"
	fg_eq "$1: each notification arrived exactly once" \
		"$(fg_sql "SELECT string_agg(id::text, ' ' ORDER BY id) FROM notifications")" \
		"$(fg_sink_requests | jq -r '.body | fromjson | .id' | sort -n | tr '\n' ' ' | sed 's/ $//')"
}
add() {
	fg_sql "DELETE FROM notifications"
	fg_sql "INSERT INTO notifications (channel, kind, severity, title, dedup_key)
		SELECT 'hook', 'generic', 'high', 'n' || g, '$1' || g FROM generate_series(1, $2) g"
}

# Down: nothing listens on the port.
port=$(fg_free_port)
down=$(mkconf down "http://127.0.0.1:$port/hook")
notifyd-once -c "$down" || fg_fail "schema"
add down 10
fg_run notifyd-once -c "$down"
fg_eq "down: exit 75" 75 "$FG_RC"
fg_eq "down: silent at the default level (the attempts say why)" "" "$FG_ERR"
fg_eq "down: every one pending, tried once, released, retry scheduled" "pending 1 false true" "$(state)"
fg_eq "down: the refusal is recorded for each" 10 \
	"$(fg_sql "SELECT count(*) FROM delivery_attempts WHERE outcome = 'retry' AND error ~* 'connect'")"
fg_run notifyd-once -c "$down"
fg_eq "down: an immediate rerun has nothing due" "0 1" "$FG_RC $(fg_sql "SELECT max(attempts) FROM notifications")"
recover up

# Slow: the sink answers after 2.5 s, the channel's timeout is 1 s.
fg_httpsink slow --delay-ms 2500
slow=$(mkconf slow "$FG_SINK_URL/hook")
add slow 6
start=$(date +%s%N)
fg_run notifyd-once -c "$slow"
took=$((($(date +%s%N) - start) / 1000000))
fg_eq "slow: exit 75" 75 "$FG_RC"
fg_timed && fg_check "slow: the timeout bounds the run (${took} ms for 6 at 4 a time)" test "$took" -lt 4500
fg_eq "slow: every one pending, tried once, released, retry scheduled" "pending 1 false true" "$(state)"
fg_eq "slow: the timeout is recorded for each" 6 \
	"$(fg_sql "SELECT count(*) FROM delivery_attempts a JOIN notifications n ON n.id = a.notification_id
		WHERE n.dedup_key LIKE 'slow%' AND a.outcome = 'retry' AND a.error ~* 'time'")"
n=$(fg_sink_count)
fg_run notifyd-once -c "$slow"
fg_eq "slow: an immediate rerun sends nothing" "0 $n" "$FG_RC $(fg_sink_count)"
recover fast
fg_done

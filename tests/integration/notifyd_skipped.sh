#!/usr/bin/env bash
# A notification below its channel's min_severity ends as 'skipped': no
# delivery attempt is recorded, nothing is sent, --json counts it as
# skipped (not sent), it is logged only at debug level and never comes back.
. "$(dirname "$0")/../lib/harness.sh"
fg_setup
export FLAKEGUARD_NOW=2026-03-15T10:00:00Z
fg_httpsink hook
cfg=$(fg_config s.conf <<C
[database]
conninfo =
[channel hook]
type = webhook
url = $FG_SINK_URL/hook
min_severity = high
C
)
notifyd-once -c "$cfg" || fg_fail "migrate"
fg_sql "INSERT INTO notifications (channel, kind, severity, title, dedup_key) VALUES
 ('hook', 'generic', 'low', 'below the bar', 'low1'),
 ('hook', 'generic', 'medium', 'below the bar too', 'med1'),
 ('hook', 'generic', 'high', 'at the bar', 'high1')"
state() { fg_sql "SELECT status || ' ' || attempts FROM notifications WHERE dedup_key = '$1'"; }

fg_run notifyd-once -c "$cfg" --dry-run --json
fg_eq "dry run renders only what would be sent" 1 "$(jq length <<<"$FG_OUT")"

fg_run notifyd-once -c "$cfg" --json
fg_eq "skipping is success: exit 0" 0 "$FG_RC"
fg_eq "silent at the default level" "" "$FG_ERR"
fg_eq "--json: claimed, sent, skipped" "3 1 2" "$(jq -r '"\(.claimed) \(.sent) \(.skipped)"' <<<"$FG_OUT")"
fg_eq "--json per channel" "1 2" "$(jq -r '"\(.channels.hook.sent) \(.channels.hook.skipped)"' <<<"$FG_OUT")"
fg_eq "only the high one reached the sink" "at the bar" "$(fg_sink_requests | jq -r '.body | fromjson | .title')"
fg_eq "low one is skipped, no attempt counted" "skipped 0" "$(state low1)"
fg_eq "medium one is skipped" "skipped 0" "$(state med1)"
fg_eq "high one is sent" "sent 1" "$(state high1)"
fg_eq "no attempt row for skipped ones" "high1" \
	"$(fg_sql "SELECT string_agg(n.dedup_key, ',') FROM delivery_attempts a JOIN notifications n ON n.id = a.notification_id")"
fg_eq "skipped ones are not marked sent" 0 "$(fg_sql "SELECT count(*) FROM notifications WHERE status = 'skipped' AND sent_at IS NOT NULL")"
fg_eq "job run counts skipped" 2 "$(fg_sql "SELECT counts->>'skipped' FROM job_runs WHERE job = 'notifyd-once' ORDER BY id DESC LIMIT 1")"

fg_sql "INSERT INTO notifications (channel, kind, severity, title, dedup_key) VALUES ('hook', 'generic', 'info', 'debug me', 'info1')"
fg_run notifyd-once -c "$cfg" -vv
fg_match "debug log names the skip" "notification [0-9]+ to 'hook' skipped: info is below min_severity high" "$FG_ERR"
fg_run notifyd-once -c "$cfg" --json
fg_eq "skipped ones never come back" "0 0" "$(jq -r '"\(.claimed) \(.skipped)"' <<<"$FG_OUT")"
fg_eq "sink saw one request in all" 1 "$(fg_sink_count)"

# The constraint admits the new state; an unknown one is still refused.
fg_check "unknown status still refused" \
	bash -c '! psql -X -q -d flakeguard -c "UPDATE flakeguard.notifications SET status = '"'"'bogus'"'"'" 2>/dev/null'
fg_done

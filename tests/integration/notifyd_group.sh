#!/usr/bin/env bash
# group = per-run: a channel gets one message per producer run summing up
# its alerts (counts by severity, the top ten, the rest counted) instead of
# one each; a channel without it still gets one each; the grouped alerts
# are 'sent' through the group message; PagerDuty and e-mail refuse it.
. "$(dirname "$0")/../lib/harness.sh"
fg_setup
export FLAKEGUARD_NOW=2026-03-15T10:00:00Z
fg_sim "SELECT account_usage.seed_security('$FLAKEGUARD_NOW')" >/dev/null
fg_httpsink chat
CHAT_DIR=$FG_SINK_DIR
CHAT=$FG_SINK_URL
fg_httpsink hook
HOOK_DIR=$FG_SINK_DIR
cfg=$(fg_config g.conf <<C
[database]
conninfo =
[connector prod]
odbc = $FG_SIM_ODBC
query_timeout = 60
[channel chat]
type = slack
url = $CHAT/slack
group = per-run
rate_per_minute = 0
[channel hook]
type = webhook
url = $FG_SINK_URL/hook
group = none
[secscan]
notify = chat, hook
ioc_ip_file = $FG_SOURCE_DIR/data/unc5537-ips.txt
C
)
fg_run secscan -c "$cfg"
fg_eq "first scan exits 0" 0 "$FG_RC"
n=$(fg_sql "SELECT count(*) FROM notifications WHERE channel = 'chat' AND kind = 'finding'")
fg_check "the first scan opens many findings ($n)" test "$n" -gt 10
fg_run notifyd-once -c "$cfg" --json
fg_eq "delivery exits 0" 0 "$FG_RC"
fg_eq "exactly one grouped Slack message" 1 "$(fg_sink_count "$CHAT_DIR")"
fg_eq "the other channel gets one message each" "$n" "$(fg_sink_count "$HOOK_DIR")"
msg=$(fg_sink_requests "$CHAT_DIR" | jq -r '.body | fromjson | .attachments[0]')
counts=$(fg_sql "SELECT string_agg(c || ' ' || severity, ', ' ORDER BY array_position(ARRAY['info','low','medium','high','critical'], severity) DESC)
	FROM (SELECT severity, count(*) c FROM notifications WHERE channel = 'chat' AND kind = 'finding' GROUP BY 1) x")
fg_eq "its title counts the findings by severity" "$n findings: $counts" "$(printf '%s' "$msg" | jq -r .title)"
fg_eq "its text lists the top ten and counts the rest" "11|... and $((n - 10)) more" \
	"$(printf '%s' "$msg" | jq -r .text | awk 'END { print NR "|" $0 }')"
top=$(fg_sql "SELECT severity FROM notifications WHERE channel = 'chat' AND kind = 'finding'
	ORDER BY array_position(ARRAY['info','low','medium','high','critical'], severity) DESC, id LIMIT 1")
fg_match "the most severe come first" "^\\[$top\\] secscan prod: " "$(printf '%s' "$msg" | jq -r .text | head -1)"
fg_eq "the grouped findings are sent through it" "$n|1" \
	"$(fg_sql "SELECT count(*), count(DISTINCT digest_id) FROM notifications WHERE channel = 'chat' AND kind = 'finding' AND status = 'sent'")"
fg_eq "the group message is a sent digest row with the counts" "sent|$n|per-run|finding" \
	"$(fg_sql "SELECT status, fields->>'count', fields->>'group', fields->>'source' FROM notifications WHERE channel = 'chat' AND kind = 'digest'")"
fg_run notifyd-once -c "$cfg"
fg_eq "a run with nothing new sends nothing" 1 "$(fg_sink_count "$CHAT_DIR")"

# A second producer run: its own message.
export FLAKEGUARD_NOW=2026-03-16T10:00:00Z
fg_sim "UPDATE account_usage.users SET has_mfa = false WHERE name = 'CLEAN_ANNA'"
fg_run secscan -c "$cfg" --rule user-password-no-mfa
fg_run notifyd-once -c "$cfg"
fg_eq "the next run's findings make a second message" 2 "$(fg_sink_count "$CHAT_DIR")"
fg_match "named for that run" '^1 finding: 1 ' "$(fg_sink_requests "$CHAT_DIR" | tail -1 | jq -r '.body | fromjson | .attachments[0].title')"

# A --limit run leaves alerts held; once the channel stops grouping they
# go out one by one instead of waiting for a group message forever.
fg_sql "INSERT INTO notifications (channel, kind, severity, title, dedup_key)
	SELECT 'chat', 'finding', 'high', 'late ' || g, 'late:' || g FROM generate_series(1, 3) g"
fg_run notifyd-once -c "$cfg" --limit 3
fg_eq "a --limit run holds them" 3 "$(fg_sql "SELECT count(*) FROM notifications WHERE status = 'held'")"
sed 's/^group = per-run$/group = none/' "$cfg" >"$FG_TMP/nogroup.conf"
chmod 600 "$FG_TMP/nogroup.conf"
fg_run notifyd-once -c "$FG_TMP/nogroup.conf"
fg_run notifyd-once -c "$FG_TMP/nogroup.conf"
fg_eq "without group they are released and sent one each" "0|5" \
	"$(fg_sql "SELECT count(*) FILTER (WHERE status = 'held'), $(fg_sink_count "$CHAT_DIR") FROM notifications")"

for bad in "type = pagerduty
routing_key = K" "type = email
to = a@example.com"; do
	cat >"$FG_TMP/bad.conf" <<C
[database]
conninfo =
[email]
from = a@example.com
smtp_url = smtp://127.0.0.1:9
[channel x]
$bad
group = per-run
C
	chmod 600 "$FG_TMP/bad.conf"
	fg_run notifyd-once -c "$FG_TMP/bad.conf" --check-config
	fg_eq "group = per-run on ${bad%%$'\n'*} exits 78" 78 "$FG_RC"
	fg_match "and says why at FILE:LINE" "bad.conf:9: .*cannot group" "$FG_ERR"
done
fg_done

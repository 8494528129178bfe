#!/usr/bin/env bash
# Resolved notifications: a finding that resolves and a budget period that
# ends after a breach queue a resolution for every channel told of the
# opening; PagerDuty gets trigger then resolve under one dedup_key, a
# webhook gets the resolution payload, a channel with notify_resolved =
# false (and Slack, by default) gets none.
. "$(dirname "$0")/../lib/harness.sh"
fg_setup
export FLAKEGUARD_NOW=2026-03-15T10:00:00Z
fg_sim "SELECT account_usage.seed_security('$FLAKEGUARD_NOW')" >/dev/null
fg_httpsink all
S=$FG_SINK_URL
cfg=$(fg_config r.conf <<C
[database]
conninfo =
[connector prod]
odbc = $FG_SIM_ODBC
query_timeout = 60
[channel pd]
type = pagerduty
routing_key = R0UTINGKEY
url = $S/pd
[channel hook]
type = webhook
url = $S/hook
[channel quiet]
type = webhook
url = $S/quiet
notify_resolved = false
[channel chat]
type = slack
url = $S/chat
[secscan]
notify = pd, hook, quiet, chat
ioc_ip_file = $FG_SOURCE_DIR/data/unc5537-ips.txt
[budget b]
connector = prod
amount = 100
forecast = false
notify = pd, hook, quiet
C
)
# the requests to PATH as "event_action dedup_key" (pd) or "event incident" (webhooks)
pd() { fg_sink_requests | jq -r 'select(.path == "/pd") | .body | fromjson | "\(.event_action) \(.dedup_key)"'; }
hook() { fg_sink_requests | jq -r --arg p "/$1" 'select(.path == $p) | .body | fromjson | "\(.event) \(.incident)"'; }
nick="rule = 'user-password-no-mfa' AND subject = 'NOMFA_NICK'"

fg_run secscan -c "$cfg" --rule user-password-no-mfa
fg_eq "first scan exits 0" 0 "$FG_RC"
key=$(fg_sql "SELECT 'finding:' || id || ':' || extract(epoch FROM opened_at)::bigint FROM findings WHERE $nick")
fg_eq "the opening names its incident" "$key|trigger" \
	"$(fg_sql "SELECT incident, event FROM notifications WHERE channel = 'pd' AND source_id = (SELECT id FROM findings WHERE $nick)")"
fg_run notifyd-once -c "$cfg"
fg_eq "openings delivered" 0 "$FG_RC"
fg_eq "PagerDuty triggered the incident" "trigger $key" "$(pd | grep -F " $key")"

# The user enrolls in MFA: the finding resolves.
export FLAKEGUARD_NOW=2026-03-16T10:00:00Z
fg_sim "UPDATE account_usage.users SET has_mfa = true WHERE name = 'NOMFA_NICK'"
fg_run secscan -c "$cfg" --rule user-password-no-mfa
fg_eq "resolving scan exits 0" 0 "$FG_RC"
fg_eq "one resolution per channel that was told" "chat|finding|resolve|high
hook|finding|resolve|high
pd|finding|resolve|high
quiet|finding|resolve|high" \
	"$(fg_sql "SELECT channel, kind, event, severity FROM notifications WHERE incident = '$key' AND event = 'resolve' ORDER BY 1")"
fg_run secscan -c "$cfg" --rule user-password-no-mfa
fg_eq "a second scan queues no second resolution" 4 "$(fg_sql "SELECT count(*) FROM notifications WHERE incident = '$key' AND event = 'resolve'")"
fg_run notifyd-once -c "$cfg"
fg_eq "resolutions delivered" 0 "$FG_RC"
fg_eq "PagerDuty: trigger then resolve with the same dedup_key" "trigger $key
resolve $key" "$(pd | grep -F " $key")"
fg_eq "the resolve event carries no payload" "null" \
	"$(fg_sink_requests | jq -r 'select(.path == "/pd") | .body | fromjson | select(.event_action == "resolve") | .payload')"
fg_eq "the webhook gets the resolution payload" "trigger $key
resolve $key" "$(hook hook | grep -F " $key")"
fg_match "the webhook resolution says so in its title" '"title":"resolved: secscan prod: ' \
	"$(fg_sink_requests | jq -r 'select(.path == "/hook") | .body' | grep '"event":"resolve"')"
fg_eq "notify_resolved = false: no resolution" "trigger $key" "$(hook quiet | grep -F " $key")"
fg_eq "slack takes none by default" 0 \
	"$(fg_sink_requests | jq -r 'select(.path == "/chat") | .body' | grep -c 'resolved: ' || true)"
fg_eq "the refused resolutions end skipped with the reason" "chat|skipped|the channel does not take resolutions (notify_resolved = false)
quiet|skipped|the channel does not take resolutions (notify_resolved = false)" \
	"$(fg_sql "SELECT channel, status, last_error FROM notifications WHERE incident = '$key' AND event = 'resolve' AND channel IN ('chat', 'quiet') ORDER BY 1")"

# A budget breached in March; its period ends.
fg_sql "INSERT INTO daily_costs (connector, day, service_type, entity, cost, currency)
	VALUES ('prod', '2026-03-10', 'WAREHOUSE_METERING', 'ETL_WH', 150, 'USD')"
fg_run budgetcheck -c "$cfg"
fg_eq "breach recorded" 0 "$FG_RC"
fg_eq "the alert opens the budget's incident" "budget:b:2026-03-01|trigger" \
	"$(fg_sql "SELECT DISTINCT incident, event FROM notifications WHERE kind = 'budget'")"
export FLAKEGUARD_NOW=2026-03-31T23:00:00Z
fg_run budgetcheck -c "$cfg"
fg_eq "not over on its last day" 0 "$(fg_sql "SELECT count(*) FROM notifications WHERE kind = 'budget' AND event = 'resolve'")"
export FLAKEGUARD_NOW=2026-04-01T01:00:00Z
fg_run budgetcheck -c "$cfg"
fg_eq "next period's run exits 0" 0 "$FG_RC"
fg_eq "the period's incident resolves on each channel" "hook|pd|quiet" \
	"$(fg_sql "SELECT string_agg(channel, '|' ORDER BY channel) FROM notifications WHERE incident = 'budget:b:2026-03-01' AND event = 'resolve'")"
fg_eq "its alerts are stamped resolved" "2026-04-01 01:00:00+00" "$(fg_sql "SELECT DISTINCT resolved_at FROM budget_alerts")"
fg_run budgetcheck -c "$cfg"
fg_eq "and resolve once" 3 "$(fg_sql "SELECT count(*) FROM notifications WHERE kind = 'budget' AND event = 'resolve'")"
fg_run notifyd-once -c "$cfg"
fg_eq "budget resolutions delivered" 0 "$FG_RC"
fg_eq "the resolution waited for its opening, queued with it" \
	"$(fg_sql "SELECT min(sent_at) FROM notifications WHERE channel = 'pd' AND incident = 'budget:b:2026-03-01' AND event = 'resolve'")" \
	"$(fg_sql "SELECT greatest(min(sent_at), max(sent_at)) FROM notifications WHERE channel = 'pd' AND incident = 'budget:b:2026-03-01'")"
fg_eq "PagerDuty: the budget's trigger and resolve share budget+period" "trigger budget:b:2026-03-01
resolve budget:b:2026-03-01" "$(pd | grep -F " budget:")"
fg_match "the resolution says the period is over" "resolved: budget b: monthly period 2026-03-01 to 2026-03-31 is over" \
	"$(fg_sink_requests | jq -r 'select(.path == "/hook") | .body' | grep '"kind":"budget"')"

fg_refuses_channel_key x "$S/x" "notify_resolved = maybe" "group = always"
fg_done

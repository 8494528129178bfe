#!/usr/bin/env bash
# repeat = DURATION: open critical incidents are re-notified at that
# interval, by the database clock, until they resolve; not on channels
# without it, not for lesser alerts.  The clock is moved by back-dating
# the last sending in the database, never by sleeping.
. "$(dirname "$0")/../lib/harness.sh"
fg_setup
export FLAKEGUARD_NOW=2026-03-15T10:00:00Z
fg_httpsink all
S=$FG_SINK_URL
cfg=$(fg_config r.conf <<C
[database]
conninfo =
[connector prod]
odbc = $FG_SIM_ODBC
[channel hook]
type = webhook
url = $S/hook
repeat = 1h
[channel calm]
type = webhook
url = $S/calm
[budget b]
connector = prod
amount = 100
forecast = false
notify = hook, calm
[budget w]
connector = prod
amount = 250
thresholds = 50
forecast = false
notify = hook
C
)
events() { fg_sink_requests | jq -r --arg p "/$1" 'select(.path == $p) | .body | fromjson | "\(.event) \(.incident)"'; }
later() { fg_sql "UPDATE notifications SET sent_at = sent_at - interval '61 minutes', created_at = created_at - interval '61 minutes'"; }

migrate() { notifyd-once -c "$cfg" >/dev/null 2>&1; }
migrate
fg_sql "INSERT INTO daily_costs (connector, day, service_type, entity, cost, currency)
	VALUES ('prod', '2026-03-10', 'WAREHOUSE_METERING', 'ETL_WH', 150, 'USD')"
fg_run budgetcheck -c "$cfg"
fg_eq "budgets alert" 0 "$FG_RC"
fg_eq "one critical, one lesser alert" "b|critical
w|info" "$(fg_sql "SELECT DISTINCT fields->>'budget', severity FROM notifications WHERE channel = 'hook' ORDER BY 1")"
fg_run notifyd-once -c "$cfg"
fg_eq "openings sent" "trigger budget:b:2026-03-01
trigger budget:w:2026-03-01" "$(events hook | sort)"
fg_run notifyd-once -c "$cfg"
fg_eq "no reminder before the interval" 2 "$(events hook | wc -l)"

later
fg_run notifyd-once -c "$cfg"
fg_eq "reminder run exits 0" 0 "$FG_RC"
fg_eq "an hour later: one reminder of the critical incident" "remind budget:b:2026-03-01" "$(events hook | sed -n 3,9p)"
fg_eq "it is the first, named so" "remind:budget:b:2026-03-01:1|1|reminder: budget b at 150.00% of 100.00 USD (threshold 100%)" \
	"$(fg_sql "SELECT dedup_key, fields->>'reminder', title FROM notifications WHERE event = 'remind'")"
fg_eq "none where repeat is unset" "trigger budget:b:2026-03-01" "$(events calm)"
fg_run notifyd-once -c "$cfg"
fg_eq "the reminder restarts the interval" 3 "$(events hook | wc -l)"
later
fg_run notifyd-once -c "$cfg"
fg_eq "another hour: the second reminder" "remind:budget:b:2026-03-01:2" \
	"$(fg_sql "SELECT dedup_key FROM notifications WHERE event = 'remind' ORDER BY id DESC LIMIT 1")"
fg_eq "sent" 4 "$(events hook | wc -l)"

# The period ends: resolved, and no more reminders.
export FLAKEGUARD_NOW=2026-04-01T01:00:00Z
fg_run budgetcheck -c "$cfg"
fg_run notifyd-once -c "$cfg"
fg_eq "the resolution goes out" "resolve budget:b:2026-03-01" "$(events hook | grep resolve | grep ':b:')"
later
fg_run notifyd-once -c "$cfg"
fg_eq "a resolved incident is not reminded of" 0 "$(events hook | sed -n '7,$p' | wc -l)"
fg_eq "two reminders in all" 2 "$(fg_sql "SELECT count(*) FROM notifications WHERE event = 'remind'")"

fg_refuses_channel_key x "$S/x" "repeat = 10s" "repeat = soon"
fg_done

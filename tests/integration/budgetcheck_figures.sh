#!/bin/bash
# Figures are exact wherever they are shown: a budget at 147.36 % reads
# "147.36%" in the Slack message, in the outbox fields and in --json, never
# a binary double such as 147.36000000000001.
. "$FG_SOURCE_DIR/tests/lib/harness.sh"
fg_setup
export FLAKEGUARD_NOW=2026-03-10T18:00:00Z
fg_httpsink slack

conf=$(fg_config f.conf <<CONF
[connector prod]
odbc = $FG_SIM_ODBC
[channel ops]
type = slack
url = $FG_SINK_URL/slack
[budget odd]
connector = prod
amount = 1000
thresholds = 100
forecast = false
notify = ops
CONF
)
fg_run budgetcheck -c "$conf" -q
fg_sql "INSERT INTO connector_state VALUES ('prod', '2026-03-10', '2026-03-10 02:00:00+00');
	INSERT INTO daily_costs (connector, day, service_type, entity, cost, currency)
	VALUES ('prod', '2026-03-02', 'WAREHOUSE_METERING', 'ETL_WH', 1473.6, 'USD')"
fg_run budgetcheck -c "$conf" --json
fg_eq "budgetcheck exits 0" 0 "$FG_RC"
fg_eq "--json percent is the exact number" "147.36" "$(grep -o '"percent": [^,]*' <<<"$FG_OUT" | cut -d' ' -f2)"
fg_eq "outbox fields: percent a decimal string like the money" '"147.36" "1473.60"' \
	"$(fg_sql "SELECT fields->'percent', fields->'spend' FROM notifications" | tr '|' ' ')"
fg_run notifyd-once -c "$conf"
fg_eq "notifyd-once exits 0" 0 "$FG_RC"
body=$(fg_sink_requests | jq -r '.body' | head -n 1)
fg_eq "the Slack field shows the exact percent" "147.36%" \
	"$(jq -r '.attachments[0].fields[] | select(.title == "percent") | .value' <<<"$body")"
fg_nomatch "no binary double anywhere in the message" "0000000" "$body"

# A row some other producer queued with a JSON number renders exactly too.
fg_sql "INSERT INTO notifications (channel, kind, severity, title, body, fields, dedup_key)
	VALUES ('ops', 'budget', 'info', 't', 'b', '{\"budget\": \"x\", \"percent\": 147.36, \"threshold\": 100}', 'k2')"
fg_run notifyd-once -c "$conf"
body=$(fg_sink_requests | jq -r '.body' | tail -n 1)
fg_eq "a numeric percent renders exactly" "147.36%" \
	"$(jq -r '.attachments[0].fields[] | select(.title == "percent") | .value' <<<"$body")"

fg_done

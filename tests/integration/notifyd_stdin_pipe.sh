#!/bin/bash
# The documented pipe, budgetcheck --json | notifyd-once --stdin: a budget
# with notify channels has its alert queued in the outbox ("queued": true)
# and the pipe does not send it a second time; a budget without notify
# is sent by the pipe, once, with its percent; a second run has no new
# alert and the pipe says so at -v.
. "$FG_SOURCE_DIR/tests/lib/harness.sh"
fg_setup
export FLAKEGUARD_NOW=2026-03-15T10:00:00Z
fg_httpsink pipe
conf=$(fg_config p.conf <<CONF
[connector prod]
odbc = $FG_SIM_ODBC
currency = EUR
[channel ops]
type = webhook
url = $FG_SINK_URL/ops
[budget outboxed]
connector = prod
amount = 1000.00
forecast = false
notify = ops
[budget piped]
connector = prod
amount = 500.00
forecast = false
CONF
)
fg_run budgetcheck -c "$conf"
fg_sql "INSERT INTO daily_costs (connector, day, service_type, entity, cost, currency)
	VALUES ('prod', '2026-03-14', 'WAREHOUSE_METERING', 'ETL_WH', 736.80, 'EUR')"
pipe() { # budgetcheck args, then notifyd-once args after --
	local bc=() nd=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do bc+=("$1"); shift; done
	shift
	nd=("$@")
	set +e
	set -o pipefail
	FG_OUT=$(budgetcheck -c "$conf" --json "${bc[@]}" 2>>"$FG_TMP/bc.err" | tee "$FG_TMP/bc.json" |
		notifyd-once -c "$conf" --stdin --channel ops "${nd[@]}" 2>"$FG_TMP/err")
	FG_RC=$?
	set +o pipefail
	FG_ERR=$(cat "$FG_TMP/err")
}
pipe -- --json -v
fg_eq "the pipe exits 0" 0 "$FG_RC"
fg_eq "budgetcheck says which alerts it queued" "outboxed:true piped:false" \
	"$(jq -r '[.[] | "\(.name):\(.new_alerts | map(.queued) | unique | join(","))"] | join(" ")' "$FG_TMP/bc.json")"
fg_eq "percent is a number in budgetcheck --json" "number" "$(jq -r '.[0].percent | type' "$FG_TMP/bc.json")"
fg_eq "the pipe sent only the budget the outbox does not carry" 1 "$(jq .sent <<<"$FG_OUT")"
fg_eq "with its figures" "budget 'piped' passed 100%: 736.80 of 500.00 EUR spent (147.36%)" \
	"$(fg_sink_requests | tail -n 1 | jq -r '.body | fromjson | .title')"
fg_match "-v says the queued alerts were left to the outbox" "skipping 1 alert of budget 'outboxed': in the outbox" "$FG_ERR"
fg_eq "one outbox row, for the budget with notify" "outboxed" \
	"$(fg_sql "SELECT string_agg(fields->>'budget', ',') FROM notifications WHERE kind = 'budget'")"
fg_run notifyd-once -c "$conf" --json
fg_eq "cron's notifyd-once sends the queued one once" 1 "$(jq .sent <<<"$FG_OUT")"
fg_eq "two messages in all, one per budget" "2" "$(fg_sink_count)"

pipe -- --json -v
fg_eq "second pipe: nothing new" 0 "$(jq .sent <<<"$FG_OUT")"
fg_match "and it says so at -v" "stdin: nothing to send \(2 budgets without new alerts" "$FG_ERR"
fg_done

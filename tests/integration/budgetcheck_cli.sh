#!/bin/bash
# budgetcheck command line: options, usage errors (64), configuration
# errors with FILE:LINE (78, checked before the database is reached),
# the JSON document and the human table.
. "$FG_SOURCE_DIR/tests/lib/harness.sh"
fg_setup
export FLAKEGUARD_NOW=2026-03-15T10:00:00Z

fg_run budgetcheck --help
fg_eq "--help exits 0" 0 "$FG_RC"
for o in --budget --as-of --fail-on --allow-empty --dry-run --json --config --verbose --quiet --log-format --version; do
	fg_match "--help lists $o" -- "$o" "$FG_OUT"
done
fg_run budgetcheck --version
fg_eq "--version exits 0" 0 "$FG_RC"

good=$(fg_config good.conf <<CONF
[connector prod]
odbc = $FG_SIM_ODBC
[channel ops]
type = webhook
url = http://127.0.0.1:9/x
[budget main]
amount = 500
notify = ops
CONF
)
fg_run budgetcheck -c "$good" --fail-on sometimes
fg_eq "bad --fail-on exits 64" 64 "$FG_RC"
fg_match "bad --fail-on names the value" "invalid --fail-on 'sometimes': use warn, breach, forecast or anomaly" "$FG_ERR"
fg_run budgetcheck -c "$good" --as-of 2026-02-30
fg_eq "bad --as-of exits 64" 64 "$FG_RC"
fg_match "bad --as-of names the value" "invalid --as-of '2026-02-30'" "$FG_ERR"
fg_run budgetcheck -c "$good" --budget main --budget nope
fg_eq "unknown --budget exits 64" 64 "$FG_RC"
fg_match "unknown --budget names it" "unknown budget 'nope'" "$FG_ERR"
fg_run budgetcheck -c "$good" --budget
fg_eq "--budget without a name exits 64" 64 "$FG_RC"

# Dry run before the schema exists: 78, nothing created.
fg_run budgetcheck -c "$good" --dry-run
fg_eq "dry run on a missing schema exits 78" 78 "$FG_RC"

# Configuration errors: one line each with FILE:LINE, exit 78.
bad() { # DESCRIPTION EXPECTED-REGEX BUDGET-LINES...
	local what=$1 want=$2 path
	shift 2
	path=$({ printf '[connector prod]\nodbc = x\n[channel ops]\ntype = webhook\n[budget b]\n'
		printf '%s\n' "$@"; } | fg_config bad.conf)
	fg_run budgetcheck -c "$path"
	fg_eq "$what exits 78" 78 "$FG_RC"
	fg_match "$what: message" "$want" "$FG_ERR"
}
bad "amount 0" "bad.conf:6: amount: '0' must be greater than 0 in section '\[budget b\]'" "amount = 0"
bad "negative amount" "bad.conf:7: amount: '-1.50' must be greater than 0" "connector = prod" "amount = -1.50"
bad "missing amount" "bad.conf:5: missing key 'amount'" "connector = prod"
bad "unknown period" "bad.conf:7: period: unknown period 'hourly'" "amount = 1" "period = hourly"
bad "unknown connector" "bad.conf:6: connector: unknown connector 'stage'" "connector = stage" "amount = 1"
bad "unknown channel" "bad.conf:7: notify: unknown channel 'pager'" "amount = 1" "notify = ops, pager"
bad "threshold 0" "bad.conf:7: thresholds: '0' is not a whole percentage in 1..1000" "amount = 1" "thresholds = 0, 50"
bad "threshold 1001" "bad.conf:7: thresholds: '1001' is not a whole percentage" "amount = 1" "thresholds = 1001"
bad "duplicate thresholds" "bad.conf:7: thresholds: 90 is listed twice" "amount = 1" "thresholds = 90, 100, 90"
bad "bad scope" "bad.conf:7: scope: 'db:X' is not a scope" "amount = 1" "scope = db:X"
bad "bad severity" "bad.conf:7: severity: 'loud' is not a severity" "amount = 1" "severity = 90:loud"
bad "unknown key" "bad.conf:7: unknown key 'budget_amount'" "amount = 1" "budget_amount = 5"
lines=$(printf '%s\n' "$FG_ERR" | wc -l)
fg_eq "one line per error" 1 "$lines"

# Every bad budget is reported, not only the first.
path=$(fg_config multi.conf <<CONF
[connector prod]
odbc = x
[budget a]
amount = 0
[budget b]
amount = 1
period = biweekly
CONF
)
fg_run budgetcheck -c "$path"
fg_eq "several errors exit 78" 78 "$FG_RC"
fg_match "first error reported" "multi.conf:4: amount" "$FG_ERR"
fg_match "second error reported" "multi.conf:7: period" "$FG_ERR"

# A bad budget is a configuration error even when PostgreSQL is down.
fg_run env PGPORT=1 budgetcheck -c "$path"
fg_eq "config checked before connecting" 78 "$FG_RC"
fg_run env PGPORT=1 budgetcheck -c "$good"
fg_eq "unreachable database exits 75" 75 "$FG_RC"

# Output: JSON document, table with -v, nothing by default.
fg_run budgetcheck -c "$good"
fg_eq "first run exits 0" 0 "$FG_RC"
fg_match "first run: no cost data yet, and it says so" "warning: cost data of connector 'prod' is missing" "$FG_ERR"
fg_sql "INSERT INTO connector_state VALUES ('prod', '2026-03-15', '2026-03-15 02:00:00+00')"
fg_run budgetcheck -c "$good"
fg_eq "no output on success without a terminal" "" "$FG_OUT$FG_ERR"
fg_sql "INSERT INTO daily_costs (connector, day, service_type, entity, cost, currency)
	VALUES ('prod', '2026-03-02', 'STORAGE', '', 250.5, 'USD')"
fg_run budgetcheck -c "$good" --dry-run --json
fg_eq "--json exits 0" 0 "$FG_RC"
fg_eq "--json keys" '["amount","connector","currency","days_elapsed","days_remaining","forecast","forecast_high","forecast_low","matched","name","new_alerts","percent","period","period_end","period_start","spend","stale","status","thresholds_crossed"]' \
	"$(jq -c '.[0] | keys' <<<"$FG_OUT")"
fg_eq "--json money as decimal strings" "string string string string string number" \
	"$(jq -r '.[0] | [.amount, .spend, .forecast, .forecast_low, .forecast_high, .percent] | map(type) | join(" ")' <<<"$FG_OUT")"
fg_eq "--json values" "main prod monthly 2026-03-01 2026-03-31 500.00 USD 250.50 50.1 14 17 [50]" \
	"$(jq -r '.[0] | "\(.name) \(.connector) \(.period) \(.period_start) \(.period_end) \(.amount) \(.currency) \(.spend) \(.percent) \(.days_elapsed) \(.days_remaining) \(.thresholds_crossed | tostring)"' <<<"$FG_OUT")"
fg_run budgetcheck -c "$good" --dry-run -v
fg_eq "-v exits 0" 0 "$FG_RC"
fg_match "table header" '^BUDGET +PERIOD +START +END +SPEND +AMOUNT +USED +FORECAST +STATUS$' \
	"$(head -n 1 <<<"$FG_OUT")"
fg_match "table row with a bar" '^main +monthly +2026-03-01 +2026-03-31 +250\.50 +500\.00 USD +50\.10% \[##########\.{10}\] +[0-9.]+ +info$' \
	"$(sed -n 2p <<<"$FG_OUT")"
fg_match "-v logs a summary on stderr" 'checked 1 budgets: 1 new alerts' "$FG_ERR"
fg_run budgetcheck -c "$good" --dry-run --json --budget main -q
fg_eq "-q keeps JSON on stdout" 1 "$(jq length <<<"$FG_OUT")"

# No budgets at all: an empty array.
empty=$(fg_config empty.conf <<CONF
[connector prod]
odbc = x
CONF
)
# A file with no budgets would turn off every budget in the database: one
# host with an old or partial file must not do that without being told.
fg_run budgetcheck -c "$empty" --json
fg_eq "no budgets: refused with 78" 78 "$FG_RC"
fg_eq "no budgets: one line saying what to do" "budgetcheck: error: cannot mark all 1 active budgets inactive (such as 'main'): the configuration file names none of them; run with the file that defines them, or pass --allow-empty" "$FG_ERR"
fg_eq "no budgets: nothing printed" "" "$FG_OUT"
fg_eq "no budgets: existing budgets stay active" "t" "$(fg_sql "SELECT active FROM budgets WHERE name = 'main'")"
fg_run budgetcheck -c "$empty" --json --dry-run
fg_eq "no budgets, dry run (writes nothing): an empty array" "0 []" "$FG_RC $(jq -c . <<<"$FG_OUT")"
other=$(fg_config other.conf <<CONF
[connector prod]
odbc = x
[budget renamed]
amount = 1
CONF
)
fg_run budgetcheck -c "$other" --dry-run
fg_run budgetcheck -c "$other"
fg_eq "a file naming none of the active budgets is refused too" 78 "$FG_RC"
fg_eq "and its budgets are not created" "" "$(fg_sql "SELECT name FROM budgets WHERE name = 'renamed'")"
both=$(fg_config both.conf <<CONF
[connector prod]
odbc = x
[budget main]
amount = 500
[budget renamed]
amount = 1
CONF
)
fg_run budgetcheck -c "$both"
fg_eq "a file keeping some active budgets runs" 0 "$FG_RC"
fg_run budgetcheck -c "$other"
fg_eq "removing some of them is fine" "0 false true" \
	"$FG_RC $(fg_sql "SELECT string_agg(active::text, ' ' ORDER BY name) FROM budgets")"
fg_run budgetcheck -c "$empty" --json --allow-empty
fg_eq "--allow-empty: runs, an empty array" "0 []" "$FG_RC $(jq -c . <<<"$FG_OUT")"
fg_eq "--allow-empty: all existing marked inactive" "false false" \
	"$(fg_sql "SELECT string_agg(active::text, ' ' ORDER BY name) FROM budgets")"
fg_run budgetcheck -c "$empty"
fg_eq "nothing active left: an empty file runs" 0 "$FG_RC"

fg_done

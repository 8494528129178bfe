#!/bin/bash
# budgetcheck alerts: a jump past several thresholds, dedup across
# sequential and concurrent runs, the outbox contract, dry runs.
. "$FG_SOURCE_DIR/tests/lib/harness.sh"
fg_setup
export FLAKEGUARD_NOW=2026-03-15T10:00:00Z

conf=$(fg_config bc.conf <<CONF
[connector prod]
odbc = $FG_SIM_ODBC
currency = EUR
[channel ops]
type = webhook
url = http://127.0.0.1:9/hook
[channel finance]
type = email
to = finance@example.com
[budget jump]
connector = prod
amount = 1000.00
scope = warehouse:ETL_WH
forecast = false
notify = ops, finance
[budget quiet]
connector = prod
amount = 1000000
forecast = false
CONF
)

# First run: creates the schema; no cost data yet, which it says.
fg_run budgetcheck -c "$conf"
fg_eq "first run exits 0" 0 "$FG_RC"
fg_eq "no cost data yet: one warning" "budgetcheck: warning: cost data of connector 'prod' is missing: costsync has never synced it, so every budget of it reads no spend; run costsync" "$FG_ERR$FG_OUT"
fg_eq "budgets mirrored" "jump|1000.00|EUR|monthly|warehouse:ETL_WH|{50,75,90,100}|{ops,finance}|t" \
	"$(fg_sql "SELECT name, amount, currency, period, scope, thresholds, notify, active FROM budgets WHERE name = 'jump'")"

cost() { # DAY COST [WAREHOUSE]
	fg_sql "INSERT INTO daily_costs (connector, day, service_type, entity, cost, currency)
		VALUES ('prod', '$1', 'WAREHOUSE_METERING', '${3:-ETL_WH}', $2, 'EUR')
		ON CONFLICT (connector, day, service_type, entity) DO UPDATE SET cost = EXCLUDED.cost"
}
alerts() { fg_sql "SELECT count(*) FROM budget_alerts WHERE budget = 'jump'"; }
notes() { fg_sql "SELECT count(*) FROM notifications WHERE kind = 'budget'"; }

# 40 %: below every threshold.  February spend and other warehouses do not count.
cost 2026-03-02 150
cost 2026-03-09 250
cost 2026-02-27 900
cost 2026-03-09 5000 LOAD_WH
fg_run budgetcheck -c "$conf" --json
fg_eq "40 % run exits 0" 0 "$FG_RC"
fg_eq "spend at 40 %" "400.00 40" "$(jq -r '.[] | select(.name == "jump") | "\(.spend) \(.percent)"' <<<"$FG_OUT")"
fg_eq "no alert at 40 %" 0 "$(alerts)"

# Jump to 95 %: three alerts, one notification per channel naming 90 %.
cost 2026-03-14 550
fg_run budgetcheck -c "$conf" --json
fg_eq "95 % run exits 0" 0 "$FG_RC"
fg_eq "silent on success" "" "$FG_ERR"
fg_eq "thresholds crossed" "[50,75,90]" "$(jq -c '.[] | select(.name == "jump") | .thresholds_crossed' <<<"$FG_OUT")"
fg_eq "new alerts reported, queued in the outbox" '[{"threshold":50,"kind":"actual","severity":"info","queued":true},{"threshold":75,"kind":"actual","severity":"info","queued":true},{"threshold":90,"kind":"actual","severity":"medium","queued":true}]' \
	"$(jq -c '.[] | select(.name == "jump") | .new_alerts' <<<"$FG_OUT")"
fg_eq "three alert rows" "50|actual|info|2026-03-01|2026-03-31
75|actual|info|2026-03-01|2026-03-31
90|actual|medium|2026-03-01|2026-03-31" \
	"$(fg_sql "SELECT threshold, kind, severity, period_start, period_end FROM budget_alerts ORDER BY threshold")"
fg_eq "one notification per channel" "finance|budget:jump:2026-03-01:actual:90|medium|pending
ops|budget:jump:2026-03-01:actual:90|medium|pending" \
	"$(fg_sql "SELECT channel, dedup_key, severity, status FROM notifications ORDER BY channel")"
fields=$(fg_sql "SELECT fields FROM notifications WHERE channel = 'ops'")
# Data starts on 2026-02-27, under 4 weeks ago: the rate is the mean of the
# last 7 complete days (800 / 7) for the 17 days left: 950 + 17 * 800 / 7.
fg_eq "outbox fields follow the contract" \
	'{"amount":"1000.00","budget":"jump","connector":"prod","currency":"EUR","forecast":"2892.86","incident":"budget:jump:2026-03-01","kind":"actual","percent":"95.00","period":"monthly","period_end":"2026-03-31","period_start":"2026-03-01","remaining":"50.00","spend":"950.00","threshold":90}' \
	"$(jq -cS . <<<"$fields")"
fg_match "title names the highest threshold" '^budget jump at 95.00% of 1000.00 EUR \(threshold 90%\)$' \
	"$(fg_sql "SELECT title FROM notifications WHERE channel = 'ops'")"
fg_match "body lists every threshold crossed" 'Thresholds crossed in this run: 50%, 75%, 90%\.' \
	"$(fg_sql "SELECT body FROM notifications WHERE channel = 'ops'")"
fg_eq "notification points at the alert" "90" \
	"$(fg_sql "SELECT a.threshold FROM notifications n JOIN budget_alerts a ON a.id = n.source_id WHERE n.channel = 'ops'")"

# Run again: nothing new.
fg_run budgetcheck -c "$conf" --json
fg_eq "second run exits 0" 0 "$FG_RC"
fg_eq "second run reports no new alert" "[]" "$(jq -c '.[] | select(.name == "jump") | .new_alerts' <<<"$FG_OUT")"
fg_eq "still three alerts" 3 "$(alerts)"
fg_eq "still two notifications" 2 "$(notes)"

# A dry run past 100 % shows the alert it would create and writes nothing.
cost 2026-03-15 60
before=$(fg_sql "SELECT count(*) FROM job_runs")
fg_run budgetcheck -c "$conf" --dry-run --json
fg_eq "dry run exits 0" 0 "$FG_RC"
fg_eq "dry run names the new alert, not queued" '[{"threshold":100,"kind":"actual","severity":"critical","queued":false}]' \
	"$(jq -c '.[] | select(.name == "jump") | .new_alerts' <<<"$FG_OUT")"
fg_eq "dry run wrote no alert" 3 "$(alerts)"
fg_eq "dry run enqueued nothing" 2 "$(notes)"
fg_eq "dry run recorded no job run" "$before" "$(fg_sql "SELECT count(*) FROM job_runs")"

# Four concurrent runs: the 100 % alert exists once, one message per channel.
pids=()
for i in 1 2 3 4; do
	budgetcheck -c "$conf" >"$FG_TMP/c$i.out" 2>"$FG_TMP/c$i.err" &
	pids+=($!)
done
rcs=""
for p in "${pids[@]}"; do
	wait "$p"
	rcs="$rcs$?"
done
fg_eq "concurrent runs all exit 0" "0000" "$rcs"
fg_eq "concurrent runs print nothing" "" "$(cat "$FG_TMP"/c?.out "$FG_TMP"/c?.err)"
fg_eq "100 % alert once" "1" "$(fg_sql "SELECT count(*) FROM budget_alerts WHERE threshold = 100")"
fg_eq "100 % notification once per channel" "finance|critical
ops|critical" \
	"$(fg_sql "SELECT channel, severity FROM notifications WHERE dedup_key LIKE '%:100' ORDER BY channel")"
fg_eq "four alerts in all" 4 "$(alerts)"
fg_eq "four notifications in all" 4 "$(notes)"
fg_eq "every run recorded" "4" \
	"$(fg_sql "SELECT count(*) FROM job_runs WHERE job = 'budgetcheck' AND status IN ('success', 'skipped') AND id > $before")"

# The constraint, not the lock, is what guarantees uniqueness.
fg_run fg_sql "INSERT INTO budget_alerts (budget_id, budget, period, period_start, period_end, threshold,
	kind, severity, spend, amount, percent)
	SELECT budget_id, budget, period, period_start, period_end, threshold, kind, severity, spend,
	amount, percent FROM budget_alerts WHERE threshold = 100"
fg_check "duplicate alert refused by the database" test "$FG_RC" -ne 0
fg_match "refused by the unique constraint" 'duplicate key value violates unique constraint' "$FG_ERR"

# Removing a budget from the file keeps it and its history, inactive.
conf2=$(fg_config bc2.conf <<CONF
[connector prod]
odbc = $FG_SIM_ODBC
[budget quiet]
connector = prod
amount = 1000000
CONF
)
fg_run budgetcheck -c "$conf2"
fg_eq "run without the budget exits 0" 0 "$FG_RC"
fg_eq "removed budget inactive" "f|t" \
	"$(fg_sql "SELECT active, deactivated_at IS NOT NULL FROM budgets WHERE name = 'jump'")"
fg_eq "its alerts kept" 4 "$(alerts)"
fg_run budgetcheck -c "$conf"
fg_eq "budget back in the file is active again" "t|t" \
	"$(fg_sql "SELECT active, deactivated_at IS NULL FROM budgets WHERE name = 'jump'")"
fg_eq "no alert repeated after reactivation" 4 "$(alerts)"

fg_done

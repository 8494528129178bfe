#!/usr/bin/env bash
# Budget history equals recomputation from the cost data for a generated
# month; reruns are idempotent; a 90-day backfill; --history output.
. "$(dirname "$0")/../lib/harness.sh"
fg_setup
export FLAKEGUARD_NOW=2026-04-02T00:05:00Z
cfg=$(fg_config h.conf <<'C'
[database]
conninfo =
[connector prod]
odbc = DSN=none
credit_price = 3.00
currency = USD
[budget prod-monthly]
connector = prod
amount = 1000.00
period = monthly
[budget etl-weekly]
connector = prod
amount = 250
period = weekly
scope = warehouse:ETL_WH
forecast = false
C
)
# 120 days of costs: two warehouses with a weekday pattern, plus storage.
snapshot -c "$cfg" --no-prune --date 2026-01-01 || fg_fail "migrate"
fg_eq "a day without costs has zero spend" "0|0|2" "$(fg_sql "SELECT sum(spend), sum(percent)::int, count(*) FROM budget_history")"
fg_sql "DELETE FROM budget_history"
fg_sql "INSERT INTO daily_costs (connector, day, service_type, entity, credits, cost, currency)
 SELECT 'prod', d::date, 'WAREHOUSE_METERING', w, (extract(isodow FROM d) + length(w)) * 1.125,
        (extract(isodow FROM d) + length(w)) * 1.125 * 3, 'USD'
 FROM generate_series('2025-12-03'::date, '2026-04-01'::date, '1 day') d, unnest(ARRAY['ETL_WH', 'BI_WH_LARGE']) w;
 INSERT INTO daily_costs (connector, day, service_type, entity, quantity, cost, currency)
 SELECT 'prod', d::date, 'STORAGE', '', 1099511627776, 0.741935483870967742, 'USD'
 FROM generate_series('2025-12-03'::date, '2026-04-01'::date, '1 day') d;"

fg_run snapshot -c "$cfg" --since 2026-03-01 --until 2026-03-31 --no-prune
fg_eq "month build exits 0" 0 "$FG_RC"
fg_eq "one row per budget and day" 62 "$(fg_sql "SELECT count(*) FROM budget_history")"
truth="WITH h AS (SELECT * FROM budget_history),
 t AS (SELECT h.budget, h.snapshot_date,
   (SELECT sum(c.cost) FROM daily_costs c WHERE c.connector = 'prod' AND c.day BETWEEN h.period_start AND h.snapshot_date
      AND (h.budget = 'prod-monthly' OR (c.service_type = 'WAREHOUSE_METERING' AND c.entity = 'ETL_WH'))) AS spend,
   CASE WHEN h.budget = 'prod-monthly' THEN date_trunc('month', h.snapshot_date)::date
        ELSE date_trunc('week', h.snapshot_date)::date END AS ps
  FROM h)
 SELECT h.budget, h.snapshot_date FROM h JOIN t USING (budget, snapshot_date)
 WHERE h.spend <> t.spend OR h.period_start <> t.ps OR h.percent <> round(t.spend / h.amount * 100, 2)"
fg_eq "history equals recomputation from the cost data" "" "$(fg_sql "$truth")"
fg_eq "monthly spend on 2026-03-31 (hand-computed)" "$(fg_sql "SELECT sum(cost) FROM daily_costs WHERE day BETWEEN '2026-03-01' AND '2026-03-31'")" \
	"$(fg_sql "SELECT spend FROM budget_history WHERE budget = 'prod-monthly' AND snapshot_date = '2026-03-31'")"
fg_eq "weekly period starts on Monday" "2026-03-30" "$(fg_sql "SELECT period_start FROM budget_history WHERE budget = 'etl-weekly' AND snapshot_date = '2026-03-31'")"
fg_eq "forecast kept for forecasting budgets only" "31|0" \
	"$(fg_sql "SELECT count(forecast) FILTER (WHERE budget = 'prod-monthly'), count(forecast) FILTER (WHERE budget = 'etl-weekly') FROM budget_history")"
fg_check "forecast never below the spend" test "$(fg_sql "SELECT count(*) FROM budget_history WHERE forecast < spend")" = 0

# Rerun: same rows, updated in place.
before=$(fg_sql "SELECT md5(string_agg(budget || snapshot_date || spend || coalesce(forecast, 0), ',' ORDER BY budget, snapshot_date)) FROM budget_history")
snapshot -c "$cfg" --since 2026-03-01 --until 2026-03-31 --no-prune
fg_eq "rerun keeps one row per budget and day" 62 "$(fg_sql "SELECT count(*) FROM budget_history")"
fg_eq "rerun gives the same figures" "$before" "$(fg_sql "SELECT md5(string_agg(budget || snapshot_date || spend || coalesce(forecast, 0), ',' ORDER BY budget, snapshot_date)) FROM budget_history")"

# A revised cost day changes that day's history on the next run.
fg_sql "UPDATE daily_costs SET cost = cost + 10 WHERE day = '2026-03-31' AND entity = 'ETL_WH'"
snapshot -c "$cfg" --date 2026-03-31 --no-prune
fg_eq "revision picked up" "$(fg_sql "SELECT sum(cost) FROM daily_costs WHERE day BETWEEN '2026-03-30' AND '2026-03-31' AND entity = 'ETL_WH'")" \
	"$(fg_sql "SELECT spend FROM budget_history WHERE budget = 'etl-weekly' AND snapshot_date = '2026-03-31'")"

# Backfill of 90 days; the default run rebuilds the last 7 complete days.
fg_sql "DELETE FROM budget_history"
fg_run snapshot -c "$cfg" --since 2026-01-02 --until 2026-04-01 --no-prune --json
fg_eq "90-day backfill exits 0" 0 "$FG_RC"
fg_eq "90-day backfill rows" 180 "$(fg_sql "SELECT count(*) FROM budget_history")"
fg_eq "backfill JSON counts" 180 "$(printf '%s' "$FG_OUT" | jq .counts.history_rows)"
fg_sql "DELETE FROM budget_history"
snapshot -c "$cfg" --no-prune
fg_eq "default run: last 7 complete days" "2026-03-26|2026-04-01|14" \
	"$(fg_sql "SELECT min(snapshot_date), max(snapshot_date), count(*) FROM budget_history")"

# --history: table with a sparkline, JSON, unknown budget.
budgetcheck -c "$cfg" >/dev/null 2>&1
fg_run snapshot -c "$cfg" --history prod-monthly --days 7
fg_eq "--history exits 0" 0 "$FG_RC"
fg_match "--history sparkline line" "^budget prod-monthly, last 7 days: [▁▂▃▄▅▆▇█]{7}$" "$(printf '%s\n' "$FG_OUT" | head -n 1)"
fg_match "--history row for 2026-04-01" "^2026-04-01 +[0-9]+\.[0-9]{2} +[0-9.]+% +[0-9.]+ " "$FG_OUT"
fg_run snapshot -c "$cfg" --history prod-monthly --days 3 --json
fg_eq "--history --json rows" 3 "$(printf '%s' "$FG_OUT" | jq '.history | length')"
fg_eq "--history money as strings" string "$(printf '%s' "$FG_OUT" | jq -r '.history[0].spend | type')"
fg_eq "--history percent is a number, as in budgetcheck --json" number \
	"$(printf '%s' "$FG_OUT" | jq -r '.history[0].percent | type')"
fg_match "--history percent keeps its two decimals exactly" '"percent": [0-9]+(\.[0-9]{1,2})?,' "$FG_OUT"
fg_run snapshot -c "$cfg" --history nope
fg_eq "unknown budget exits 64" 64 "$FG_RC"
fg_match "unknown budget named" "unknown budget 'nope'" "$FG_ERR"
fg_run snapshot -c "$cfg" --days 3
fg_eq "--days without --history exits 64" 64 "$FG_RC"

# A budget removed from the config keeps its history.
cfg2=$(fg_config h2.conf <<'C'
[database]
conninfo =
[connector prod]
odbc = DSN=none
credit_price = 3.00
[budget prod-monthly]
connector = prod
amount = 1000.00
C
)
snapshot -c "$cfg2" --no-prune
fg_eq "removed budget's history kept" 7 "$(fg_sql "SELECT count(*) FROM budget_history WHERE budget = 'etl-weekly'")"
fg_run snapshot -c "$cfg2" --history etl-weekly --days 7 --json
fg_eq "removed budget's history still printable" 7 "$(printf '%s' "$FG_OUT" | jq '.history | length')"
fg_done

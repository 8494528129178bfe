#!/bin/bash
# budgetcheck periods: UTC calendar periods at month ends, a leap day, a
# quarter change and an ISO week across a year change, with cost rows on
# both sides of every boundary; a budget added in the middle of a period.
. "$FG_SOURCE_DIR/tests/lib/harness.sh"
fg_setup

conf=$(fg_config bc.conf <<CONF
[connector prod]
odbc = $FG_SIM_ODBC
[budget d]
amount = 1000
period = daily
[budget w]
amount = 1000
period = weekly
[budget m]
amount = 1000
period = monthly
[budget q]
amount = 1000
period = quarterly
[budget y]
amount = 1000
period = yearly
CONF
)
fg_run budgetcheck -c "$conf"
fg_eq "schema created" 0 "$FG_RC"

# 1.00 a day plus 0.01 per day of month, every day from 2023-12-01 to 2026-12-31,
# so a period sum reveals any day counted in or left out at either end.
fg_sql "INSERT INTO daily_costs (connector, day, service_type, entity, cost, currency)
	SELECT 'prod', t::date, 'WAREHOUSE_METERING', 'WH', 1 + extract(day FROM t) / 100, 'USD'
	FROM generate_series(timestamp '2023-12-01', timestamp '2026-12-31', interval '1 day') AS t"

# check DAY "d w m q y" - each budget's "start..end=spend"
check() {
	local day=$1 want=$2 got
	fg_run budgetcheck -c "$conf" --dry-run --json --as-of "$day"
	got=$(jq -r '[.[] | "\(.name):\(.period_start)..\(.period_end)=\(.spend)"] | join(" ")' <<<"$FG_OUT")
	fg_eq "periods as of $day" "$want" "$got"
}

# Leap day 2024-02-29 (Thursday): week from Monday 26th (1.26+1.27+1.28+1.29),
# February 1..29 = 29 + 4.35, Q1 = January (31 + 4.96) + February.
check 2024-02-29 "d:2024-02-29..2024-02-29=1.29 w:2024-02-26..2024-03-03=5.10 m:2024-02-01..2024-02-29=33.35 q:2024-01-01..2024-03-31=69.31 y:2024-01-01..2024-12-31=69.31"
# Month end 2026-01-31 (Saturday; week 26..31 = 6 + 1.71) and the next day (Sunday).
# A month of d days costs d + d(d+1)/200: 31 -> 35.96, 30 -> 34.65, 28 -> 32.06.
check 2026-01-31 "d:2026-01-31..2026-01-31=1.31 w:2026-01-26..2026-02-01=7.71 m:2026-01-01..2026-01-31=35.96 q:2026-01-01..2026-03-31=35.96 y:2026-01-01..2026-12-31=35.96"
check 2026-02-01 "d:2026-02-01..2026-02-01=1.01 w:2026-01-26..2026-02-01=8.72 m:2026-02-01..2026-02-28=1.01 q:2026-01-01..2026-03-31=36.97 y:2026-01-01..2026-12-31=36.97"
# Quarter change: 2026-03-31 closes Q1 (35.96 + 32.06 + 35.96), 2026-04-01 opens Q2.
check 2026-03-31 "d:2026-03-31..2026-03-31=1.31 w:2026-03-30..2026-04-05=2.61 m:2026-03-01..2026-03-31=35.96 q:2026-01-01..2026-03-31=103.98 y:2026-01-01..2026-12-31=103.98"
check 2026-04-01 "d:2026-04-01..2026-04-01=1.01 w:2026-03-30..2026-04-05=3.62 m:2026-04-01..2026-04-30=1.01 q:2026-04-01..2026-06-30=1.01 y:2026-01-01..2026-12-31=104.99"
# ISO week 1 of 2026 starts on Monday 2025-12-29: 1.29+1.30+1.31 + 1.01+1.02.
check 2026-01-02 "d:2026-01-02..2026-01-02=1.02 w:2025-12-29..2026-01-04=5.93 m:2026-01-01..2026-01-31=2.03 q:2026-01-01..2026-03-31=2.03 y:2026-01-01..2026-12-31=2.03"
# Year end on a Thursday: week 53 of 2026 runs into 2027; Q4 = 35.96 + 34.65 + 35.96,
# the year 7 * 35.96 + 4 * 34.65 + 32.06.
check 2026-12-31 "d:2026-12-31..2026-12-31=1.31 w:2026-12-28..2027-01-03=5.18 m:2026-12-01..2026-12-31=35.96 q:2026-10-01..2026-12-31=106.57 y:2026-01-01..2026-12-31=422.38"

# The clock decides "today" when --as-of is absent.
fg_run env FLAKEGUARD_NOW=2024-02-29T23:59:59Z budgetcheck -c "$conf" --dry-run --json --budget m
fg_eq "FLAKEGUARD_NOW sets today" "2024-02-01 33.35 28 1" \
	"$(jq -r '.[0] | "\(.period_start) \(.spend) \(.days_elapsed) \(.days_remaining)"' <<<"$FG_OUT")"

# A budget defined in the middle of a period covers the whole calendar period.
export FLAKEGUARD_NOW=2026-03-10T12:00:00Z
fg_run budgetcheck -c "$conf"
fg_eq "run before the new budget" 0 "$FG_RC"
conf2=$(fg_config bc2.conf <<CONF
[connector prod]
odbc = $FG_SIM_ODBC
[budget m]
amount = 1000
period = monthly
[budget late]
amount = 20
period = monthly
thresholds = 50, 100
forecast = false
CONF
)
export FLAKEGUARD_NOW=2026-03-20T12:00:00Z
fg_run budgetcheck -c "$conf2" --json --budget late
fg_eq "mid-period budget run exits 0" 0 "$FG_RC"
# 2026-03-01 .. 2026-03-20: 20 + (1 + ... + 20) / 100 = 22.10
fg_eq "mid-period budget counts the whole period" "2026-03-01 22.10 110.5" \
	"$(jq -r '.[0] | "\(.period_start) \(.spend) \(.percent)"' <<<"$FG_OUT")"
fg_eq "mid-period budget alerts for this period" "50,100" \
	"$(fg_sql "SELECT string_agg(threshold::text, ',' ORDER BY threshold) FROM budget_alerts WHERE budget = 'late' AND period_start = '2026-03-01'")"
fg_eq "budgets gone from the file inactive" "d:false late:true m:true q:false w:false y:false" \
	"$(fg_sql "SELECT string_agg(name || ':' || active, ' ' ORDER BY name) FROM budgets")"
# Next month is a new period: 2026-04-01 .. 15 = 16.20 (81 %) alerts at 50 % again.
fg_run env FLAKEGUARD_NOW=2026-04-15T12:00:00Z budgetcheck -c "$conf2" --budget late
fg_eq "next period run exits 0" 0 "$FG_RC"
fg_eq "new period, new alerts" "2026-03-01:2 2026-04-01:1" \
	"$(fg_sql "SELECT string_agg(period_start || ':' || n, ' ' ORDER BY period_start) FROM (SELECT period_start, count(*) n FROM budget_alerts WHERE budget = 'late' GROUP BY 1) s")"

fg_done

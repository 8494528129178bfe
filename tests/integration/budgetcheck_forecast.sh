#!/bin/bash
# budgetcheck forecast: weekday-aware projection of a weekly-seasonal
# series against a hand computation, the 7-day fallback on short history,
# the 3-complete-days rule, forecast alerts, and --fail-on exit codes.
. "$FG_SOURCE_DIR/tests/lib/harness.sh"
fg_setup
export FLAKEGUARD_NOW=2026-03-12T10:00:00Z	# a Thursday

conf=$(fg_config bc.conf <<CONF
[connector prod]
odbc = $FG_SIM_ODBC
[connector young]
odbc = $FG_SIM_ODBC
[connector fresh]
odbc = $FG_SIM_ODBC
[channel ops]
type = webhook
url = http://127.0.0.1:9/hook
[budget seasonal]
connector = prod
amount = 600
notify = ops
[budget young]
connector = young
amount = 1000
[budget fresh]
connector = fresh
amount = 100
notify = ops
[budget weekly]
connector = prod
amount = 10
period = weekly
thresholds = 500
CONF
)
fg_run budgetcheck -c "$conf"
fg_eq "schema created" 0 "$FG_RC"

# prod: Mon 10, Tue 20, Wed 30, Thu 40, Fri 50, Sat 5, Sun 5 since January,
# plus 4 on every day of the week of 2026-02-16; today (Thursday) so far 7.
fg_sql "INSERT INTO daily_costs (connector, day, service_type, entity, cost, currency)
	SELECT 'prod', d, 'WAREHOUSE_METERING', 'WH',
	       (ARRAY[10, 20, 30, 40, 50, 5, 5])[extract(isodow FROM d)]
	       + CASE WHEN d BETWEEN '2026-02-16' AND '2026-02-22' THEN 4 ELSE 0 END, 'USD'
	FROM generate_series(date '2026-01-01', date '2026-03-11', interval '1 day') AS g(t),
	     LATERAL (SELECT t::date AS d) x;
	INSERT INTO daily_costs (connector, day, service_type, entity, cost, currency)
	VALUES ('prod', '2026-03-12', 'WAREHOUSE_METERING', 'WH', 7, 'USD');
	-- young: data since Sunday 2026-03-08 only.
	INSERT INTO daily_costs (connector, day, service_type, entity, cost, currency) VALUES
	('young', '2026-03-08', 'STORAGE', '', 5, 'USD'), ('young', '2026-03-09', 'STORAGE', '', 10, 'USD'),
	('young', '2026-03-10', 'STORAGE', '', 20, 'USD'), ('young', '2026-03-11', 'STORAGE', '', 30, 'USD'),
	('young', '2026-03-12', 'STORAGE', '', 7, 'USD');
	-- fresh: two complete days so far.
	INSERT INTO daily_costs (connector, day, service_type, entity, cost, currency) VALUES
	('fresh', '2026-03-10', 'CLOUD_SERVICES', '', 10, 'USD'), ('fresh', '2026-03-11', 'CLOUD_SERVICES', '', 10, 'USD')"

# Hand computation for prod, 2026-03-12 .. 2026-03-31 (20 days left, today included):
#   complete days of March (1..11): 5+10+20+30+40+50+5+5+10+20+30 = 225
#   samples 2026-02-12 .. 2026-03-11: each weekday v, v, v, v + 4 -> mean v + 1,
#   min v, max v + 4; days left per weekday: Mon 3, Tue 3, Wed 2, Thu 3,
#   Fri 3, Sat 3, Sun 3.
#   mean: 11*3 + 21*3 + 31*2 + 41*3 + 51*3 + 6*3 + 6*3 = 470 -> 695.00
#   low:  10*3 + 20*3 + 30*2 + 40*3 + 50*3 + 5*3 + 5*3 = 450 -> 675.00
#   high: 14*3 + 24*3 + 34*2 + 44*3 + 54*3 + 9*3 + 9*3 = 530 -> 755.00
fg_run budgetcheck -c "$conf" --dry-run --json
fg_eq "dry run exits 0" 0 "$FG_RC"
st() { jq -r --arg n "$1" ".[] | select(.name == \$n) | $2" <<<"$FG_OUT"; }
fg_eq "seasonal spend and percent" "232.00 38.67" "$(st seasonal '"\(.spend) \(.percent)"')"
fg_eq "seasonal forecast equals the hand computation" "695.00 675.00 755.00" \
	"$(st seasonal '"\(.forecast) \(.forecast_low) \(.forecast_high)"')"
fg_eq "seasonal days" "11 20" "$(st seasonal '"\(.days_elapsed) \(.days_remaining)"')"
fg_eq "projected breach is a new forecast alert" '[{"threshold":100,"kind":"forecast","severity":"high","queued":false}]' \
	"$(st seasonal '.new_alerts' | jq -c .)"

# young: 4 complete days (5, 10, 20, 30), mean 16.25 for each of 20 days.
fg_eq "short history falls back to the last complete days" "72.00 390.00 165.00 665.00" \
	"$(st young '"\(.spend) \(.forecast) \(.forecast_low) \(.forecast_high)"')"
# fresh: only 2 complete days: projected 20 + 20 * 10 = 220 but no alert yet.
fg_eq "fresh forecast" "20.00 220.00" "$(st fresh '"\(.spend) \(.forecast)"')"
fg_eq "no forecast alert before 3 complete days" "[]" "$(st fresh '.new_alerts' | jq -c .)"
# weekly, Monday 2026-03-09: Mon 10 + Tue 20 + Wed 30 + today 7 = 67 (670 %).
fg_eq "weekly spend" "67.00 670" "$(st weekly '"\(.spend) \(.percent)"')"
fg_eq "weekly crossed its only threshold" "[500]" "$(st weekly '.thresholds_crossed' | jq -c .)"

# --fail-on: seasonal is projected past 100 % but below its thresholds.
fg_run budgetcheck -c "$conf" --dry-run --budget seasonal --fail-on warn
fg_eq "--fail-on warn below the lowest threshold exits 0" 0 "$FG_RC"
fg_run budgetcheck -c "$conf" --dry-run --budget seasonal --fail-on breach
fg_eq "--fail-on breach without a breach exits 0" 0 "$FG_RC"
fg_run budgetcheck -c "$conf" --dry-run --budget seasonal --fail-on forecast
fg_eq "--fail-on forecast on a projected breach exits 1" 1 "$FG_RC"
fg_eq "--fail-on prints nothing by itself" "" "$FG_OUT$FG_ERR"
fg_run budgetcheck -c "$conf" --dry-run --budget fresh --fail-on forecast
fg_eq "--fail-on forecast ignores a projection on 2 days" 0 "$FG_RC"
fg_run budgetcheck -c "$conf" --dry-run --budget weekly --fail-on breach
fg_eq "--fail-on breach past 100 % exits 1" 1 "$FG_RC"
fg_run budgetcheck -c "$conf" --dry-run --budget weekly --budget young --fail-on warn
fg_eq "--fail-on warn at a threshold exits 1" 1 "$FG_RC"
fg_run budgetcheck -c "$conf" --dry-run --budget young --fail-on forecast
fg_eq "--fail-on forecast within budget exits 0" 0 "$FG_RC"
fg_run budgetcheck -c "$conf" --dry-run --budget young
fg_eq "no --fail-on: exit 0" 0 "$FG_RC"
fg_run budgetcheck -c "$conf" --budget weekly --fail-on breach
fg_eq "--fail-on on a real run exits 1" 1 "$FG_RC"
fg_eq "and still records the run as a success" "success|1" \
	"$(fg_sql "SELECT status, exit_code FROM job_runs ORDER BY id DESC LIMIT 1")"

# Real run: the forecast alert and its message, once.
fg_run budgetcheck -c "$conf"
fg_eq "real run exits 0" 0 "$FG_RC"
fg_eq "forecast alert recorded" "seasonal|forecast|100|high|232.00|695.00" \
	"$(fg_sql "SELECT budget, kind, threshold, severity, round(spend, 2), round(forecast, 2) FROM budget_alerts WHERE kind = 'forecast'")"
fg_eq "forecast notification" "ops|high|budget:seasonal:2026-03-01:forecast:100" \
	"$(fg_sql "SELECT channel, severity, dedup_key FROM notifications")"
fg_match "forecast title" '^budget seasonal projected at 115.83% of 600.00 USD by 2026-03-31$' \
	"$(fg_sql "SELECT title FROM notifications")"
fg_eq "forecast field" '"forecast" "695.00"' \
	"$(fg_sql "SELECT fields->>'kind', fields->>'forecast' FROM notifications" | sed 's/^forecast|\(.*\)/"forecast" "\1"/')"

# The next day, fresh has 3 complete days: its forecast alert comes.
fg_run env FLAKEGUARD_NOW=2026-03-13T08:00:00Z budgetcheck -c "$conf" --json
fg_eq "next day exits 0" 0 "$FG_RC"
fg_eq "fresh forecast alert after 3 complete days" '[{"threshold":100,"kind":"forecast","severity":"high","queued":true}]' \
	"$(st fresh '.new_alerts' | jq -c .)"
fg_eq "seasonal forecast alert not repeated" "[]" "$(st seasonal '.new_alerts' | jq -c .)"
fg_eq "two forecast alerts in all" 2 "$(fg_sql "SELECT count(*) FROM budget_alerts WHERE kind = 'forecast'")"

# --as-of backtests: evaluates as if today were that day.
fg_run budgetcheck -c "$conf" --dry-run --json --budget seasonal --as-of 2026-02-28
fg_eq "--as-of exits 0" 0 "$FG_RC"
fg_eq "--as-of period and spend" "2026-02-01 2026-02-28 27 1" \
	"$(st seasonal '"\(.period_start) \(.period_end) \(.days_elapsed) \(.days_remaining)"')"

# --as-of implies --dry-run: a backtest never records or queues alerts for
# past periods, nor records a job run, even without -n.
before=$(fg_sql "SELECT (SELECT count(*) FROM budget_alerts) || ' ' || (SELECT count(*) FROM notifications)
	|| ' ' || (SELECT count(*) FROM job_runs)")
fg_run budgetcheck -c "$conf" --json --as-of 2026-02-20
fg_eq "--as-of without -n exits 0" 0 "$FG_RC"
fg_check "--as-of still reports the alerts a run would create" \
	test "$(jq '[.[].new_alerts[]] | length' <<<"$FG_OUT")" -gt 0
fg_eq "--as-of writes no alert, notification or job run" "$before" \
	"$(fg_sql "SELECT (SELECT count(*) FROM budget_alerts) || ' ' || (SELECT count(*) FROM notifications)
	|| ' ' || (SELECT count(*) FROM job_runs)")"
fg_eq "no alert of a past period" 0 "$(fg_sql "SELECT count(*) FROM budget_alerts WHERE period_start < '2026-03-01'")"

# Negative daily costs (a cloud-services credit larger than the day's use):
# a weekday with days without rows counts those days as samples of zero in
# the band too.  As of Sunday 2026-03-15, warehouse NEG's last four weeks:
# Sundays -1.5 (Feb 22) and -2 (Mar 8), none on Feb 15 and Mar 1; Mondays
# 10 x 4; one Tuesday 5 (Mar 10).  March so far: 10 + 10 - 2 + 5 = 23.
# The 17 days left (today included): 3 Sundays, 3 Mondays, 3 Tuesdays, and
# 2 of each other day, without samples.
#   mid:  23 + 3 x (-3.5 / 4) + 3 x 10 + 3 x (5 / 4) = 54.125
#   low:  23 + 3 x min(-2, 0) + 3 x 10 + 3 x min(5, 0)  = 47
#   high: 23 + 3 x max(-1.5, 0) + 3 x 10 + 3 x max(5, 0) = 68
fg_sql "INSERT INTO daily_costs (connector, day, service_type, entity, cost, currency) VALUES
	('neg', '2026-02-01', 'WAREHOUSE_METERING', 'NEG', 0, 'USD'),
	('neg', '2026-02-22', 'WAREHOUSE_METERING', 'NEG', -1.5, 'USD'),
	('neg', '2026-03-08', 'WAREHOUSE_METERING', 'NEG', -2, 'USD'),
	('neg', '2026-02-16', 'WAREHOUSE_METERING', 'NEG', 10, 'USD'),
	('neg', '2026-02-23', 'WAREHOUSE_METERING', 'NEG', 10, 'USD'),
	('neg', '2026-03-02', 'WAREHOUSE_METERING', 'NEG', 10, 'USD'),
	('neg', '2026-03-09', 'WAREHOUSE_METERING', 'NEG', 10, 'USD'),
	('neg', '2026-03-10', 'WAREHOUSE_METERING', 'NEG', 5, 'USD')" >/dev/null
negconf=$(fg_config neg.conf <<CONF
[connector neg]
odbc = $FG_SIM_ODBC
[budget negative]
connector = neg
amount = 100
scope = warehouse:NEG
CONF
)
fg_run env FLAKEGUARD_NOW=2026-03-15T10:00:00Z budgetcheck -c "$negconf" --dry-run --json
fg_eq "negative samples: exits 0" 0 "$FG_RC"
fg_eq "negative samples: spend, forecast and band" "23.00 54.13 47.00 68.00" \
	"$(printf '%s' "$FG_OUT" | jq -r '.[] | select(.name == "negative") | "\(.spend) \(.forecast) \(.forecast_low) \(.forecast_high)"')"

fg_done

#!/usr/bin/env bash
# [connector NAME] reads the same in every tool that reads it (costsync,
# secscan, and budgetcheck and snapshot through the budgets): the
# documented duration forms of query_timeout and connect_timeout work,
# and a bad value is exit 78 naming FILE:LINE before any work is done,
# also in a connector the run did not select.
. "$(dirname "$0")/../lib/harness.sh"
fg_setup
export FLAKEGUARD_NOW=2026-03-15T10:00:00Z
fg_sim "SELECT account_usage.generate_costs('2026-03-01', 14, 2, 3)" >/dev/null
fg_sim "SELECT account_usage.seed_security('$FLAKEGUARD_NOW')" >/dev/null

conf() { # NAME QUERY-TIMEOUT [MORE CONNECTOR LINES]
	fg_config "$1" <<C
[database]
conninfo =
[connector prod]
odbc = $FG_SIM_ODBC
credit_price = 3.00
query_timeout = $2
backfill_days = 14
${3:-}
[budget monthly]
connector = prod
amount = 1000
[secscan]
ioc_ip_file = $FG_SOURCE_DIR/data/unc5537-ips.txt
C
}

# Line 6 holds query_timeout in every file written by conf, line 8 the
# first extra line.
bad=$(conf bad.conf soon)
for t in costsync secscan budgetcheck snapshot; do
	fg_run "$t" -c "$bad"
	fg_eq "$t: query_timeout = soon exits 78" 78 "$FG_RC"
	fg_match "$t: the error names FILE:LINE, key and section" \
		"bad\.conf:6: query_timeout: 'soon' is not a duration \(such as 90, 30s, 15m, 1h\) in section '\[connector prod\]'" \
		"$FG_ERR"
	fg_eq "$t: one line" 1 "$(printf '%s\n' "$FG_ERR" | wc -l)"
done

big=$(conf big.conf 2d)
for t in costsync secscan budgetcheck; do
	fg_run "$t" -c "$big"
	fg_eq "$t: query_timeout over a day exits 78" 78 "$FG_RC"
	fg_match "$t: the range is named" "big\.conf:6: query_timeout: 172800 seconds is out of range 0\.\.86400" "$FG_ERR"
done

# A bad connector the run does not select still stops it before any work.
other=$(conf other.conf 15m "[connector stage]
odbc = $FG_SIM_ODBC
connect_timeout = 1 minute")
for t in costsync secscan; do
	fg_run "$t" -c "$other" --connector prod
	fg_eq "$t --connector prod: a bad value in [connector stage] exits 78" 78 "$FG_RC"
	fg_match "$t: it names FILE:LINE" "other\.conf:10: connect_timeout: '1 minute' is not a duration" "$FG_ERR"
done
fg_eq "nothing synced after a configuration error" 0 "$(fg_sql "SELECT count(*) FROM daily_costs")"
fg_eq "nothing scanned after a configuration error" 0 "$(fg_sql "SELECT count(*) FROM findings")"

# The documented forms work everywhere.
good=$(conf good.conf 15m "connect_timeout = 30s")
for t in costsync secscan budgetcheck snapshot; do
	fg_run "$t" -c "$good"
	fg_eq "$t: query_timeout = 15m runs" 0 "$FG_RC"
	fg_eq "$t: silent on success" "" "$FG_ERR"
done
fg_check "costsync synced with it" test "$(fg_sql "SELECT count(*) FROM daily_costs")" -gt 0
fg_check "secscan scanned with it" test "$(fg_sql "SELECT count(*) FROM findings")" -gt 0
fg_eq "budgetcheck saw the connector's currency" "USD" \
	"$(fg_sql "SELECT currency FROM budgets WHERE name = 'monthly'")"

secs=$(conf secs.conf 900)
fg_run secscan -c "$secs"
fg_eq "secscan: plain seconds still work" 0 "$FG_RC"
fg_done

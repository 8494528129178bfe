#!/bin/bash
# Cost anomaly series built from irregular rows: a warehouse stored under
# two spellings is one series, its rows summed day by day; a warehouse
# with a row on Mondays only costs 0 on the other days; a warehouse
# stored in lower case is its upper-case series.  Each is judged on its
# planted Monday with the figures of budgetcheck(1), ANOMALIES.
. "$FG_SOURCE_DIR/tests/lib/harness.sh"
fg_setup

conf=$(fg_config bc.conf <<CONF
[connector prod]
odbc = $FG_SIM_ODBC
[anomaly]
enabled = true
CONF
)
export FLAKEGUARD_NOW=2026-03-10T10:00:00Z
fg_run budgetcheck -c "$conf"
fg_eq "schema created" 0 "$FG_RC"

# 2026-01-01 to Monday 2026-03-09: ETL_WH costs 100 + 50 a day under two
# spellings, GAP_WH 80 on Mondays, adhoc_wh 60 a day; each ten times its
# usual on 2026-03-09.
fg_sql "INSERT INTO daily_costs (connector, day, service_type, entity, cost, currency)
	SELECT 'prod', d::date, st, e, CASE WHEN d = '2026-03-09' THEN 10 * base ELSE base END, 'USD'
	FROM generate_series(date '2026-01-01', date '2026-03-09', interval '1 day') AS d,
	LATERAL (VALUES ('WAREHOUSE_METERING', 'ETL_WH', 100.00), ('warehouse_metering', 'Etl_Wh', 50),
		('WAREHOUSE_METERING', 'GAP_WH', CASE WHEN extract(isodow FROM d) = 1 THEN 80 END),
		('WAREHOUSE_METERING', 'adhoc_wh', 60.0)) AS v(st, e, base)
	WHERE base IS NOT NULL"

fg_run budgetcheck -c "$conf" --dry-run --json
fg_eq "dry run exits 0" 0 "$FG_RC"
figures() { # SERIES -> "actual expected low high days" of its anomalous day
	jq -r --arg s "$1" '.[] | select(.anomaly and .dimension == "warehouse" and .series == $s)
		| "\(.day) \(.direction) \(.actual) \(.expected) \(.baseline_low) \(.baseline_high) \(.baseline_days)"' \
		<<<"$FG_OUT"
}
fg_eq "two spellings are one series, summed" "2026-03-09 spike 1500.00 150.00 150.00 150.00 8" \
	"$(figures ETL_WH)"
fg_eq "a day without a row costs 0" "2026-03-09 spike 800.00 80.00 80.00 80.00 8" "$(figures GAP_WH)"
fg_eq "a lower-case name is its upper-case series" "2026-03-09 spike 600.00 60.00 60.00 60.00 8" \
	"$(figures ADHOC_WH)"
fg_eq "no other warehouse series" "ADHOC_WH ETL_WH GAP_WH" \
	"$(jq -r '[.[] | select(.anomaly and .dimension == "warehouse") | .series] | sort | join(" ")' <<<"$FG_OUT")"
fg_done

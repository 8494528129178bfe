#!/bin/bash
# Cost anomaly detection at default settings over generated series
# (tests/sim/40_cost_series.sql): 180 days x 50 warehouses with weekly
# rhythms, trends, noise, month-end jobs and holidays, and planted
# spikes, level shifts and dips.  Recall of the planted anomalies >= 0.95
# and at most one false alarm per series per 90 days, by a backtest that
# writes nothing; the weekend of a weekday-only warehouse is no anomaly;
# dips count only with dips = true.
. "$FG_SOURCE_DIR/tests/lib/harness.sh"
fg_setup
export FLAKEGUARD_NOW=2026-07-01T10:00:00Z

conf=$(fg_config bc.conf <<CONF
[connector gen]
odbc = $FG_SIM_ODBC
[anomaly]
enabled = true
CONF
)
fg_run budgetcheck -c "$conf"
fg_eq "schema created" 0 "$FG_RC"
fg_sim "COPY (SELECT 'gen', day, 'WAREHOUSE_METERING', series, cost, 'USD'
	FROM cost_series(1, 50, 180, '2026-01-02')) TO STDOUT" |
	fg_sql "COPY daily_costs (connector, day, service_type, entity, cost, currency) FROM STDIN"
fg_sim "SELECT series || ' ' || day || ' ' || planted FROM cost_series(1, 50, 180, '2026-01-02')
	WHERE planted <> '' ORDER BY 1" >"$FG_TMP/planted"

# Judged from day 15 (min_history_days) to the last day: 166 days.
since=2026-01-16 until=2026-06-30 days=166
fg_run budgetcheck -c "$conf" --anomalies --since $since --until $until --json
fg_eq "backtest exits 0" 0 "$FG_RC"
fg_eq "backtest writes nothing" 0 "$(fg_sql "SELECT (SELECT count(*) FROM anomalies) + (SELECT count(*) FROM anomaly_incidents) + (SELECT count(*) FROM notifications)")"
jq -r '.flagged[] | "\(.series) \(.day) \(.direction)"' <<<"$FG_OUT" | sort >"$FG_TMP/flagged"
series=$(jq '.series' <<<"$FG_OUT")

# confusion: planted spikes and shifts at defaults (dips are off); the days
# after a level shift's first, while the baseline adapts, belong to it
confusion() { # PLANTED FLAGGED KINDS -> "tp fn fp"
	awk -v kinds="$3" '
		FNR == NR { if (index(kinds, $3)) { want[$1 " " $2] = 1; n++ }
			    if ($3 == "shift") shift[$1] = $2; next }
		{ k = $1 " " $2
		  if (k in want) { tp++; delete want[k]; next }
		  if (($1 in shift) && $2 >= shift[$1]) {
			cmd = "date -d " shift[$1] " +%s"; cmd | getline s0; close(cmd)
			cmd = "date -d " $2 " +%s"; cmd | getline s1; close(cmd)
			if ((s1 - s0) / 86400 <= 13) next }
		  fp++; print "# false alarm: " $0 > "/dev/stderr" }
		END { printf "%d %d %d\n", tp, n - tp, fp }' "$1" "$2"
}
read -r tp fn fp < <(confusion "$FG_TMP/planted" "$FG_TMP/flagged" "spike shift")
planted=$((tp + fn))
fg_log "defaults: $series series, $planted planted, tp $tp fn $fn fp $fp over $days days"
fg_check "at least 20 anomalies planted ($planted)" [ "$planted" -ge 20 ]
fg_check "recall >= 0.95 ($tp of $planted)" [ $((tp * 100)) -ge $((planted * 95)) ]
# <= 1 per series per 90 days: fp * 90 <= series * days
fg_check "at most one false alarm per series per 90 days ($fp over $series series, $days days)" \
	[ $((fp * 90)) -le $((series * days)) ]

# A weekday-only warehouse: its weekends cost nothing and are not flagged.
wo=$(fg_sql "SELECT entity FROM daily_costs WHERE connector = 'gen' GROUP BY entity
	HAVING sum(cost) FILTER (WHERE extract(isodow FROM day) >= 6) = 0 ORDER BY entity LIMIT 1")
fg_match "a weekday-only warehouse exists" '^W[0-9]{4}$' "$wo"
fg_eq "its weekends are never flagged" "" \
	"$(jq -r --arg w "$wo" '.flagged[] | select(.series == $w) | .day' <<<"$FG_OUT" |
		while read -r d; do [ "$(date -d "$d" +%u)" -ge 6 ] && echo "$d"; done)"

# Dips: off by default, found with dips = true.
fg_eq "no dip at defaults" 0 "$(jq '[.flagged[] | select(.direction == "dip")] | length' <<<"$FG_OUT")"
conf2=$(fg_config dips.conf <<CONF
[connector gen]
odbc = $FG_SIM_ODBC
[anomaly]
dips = true
CONF
)
fg_run budgetcheck -c "$conf2" --anomalies --since $since --until $until --json
jq -r '.flagged[] | "\(.series) \(.day) \(.direction)"' <<<"$FG_OUT" | sort >"$FG_TMP/flagged2"
read -r dtp dfn _ < <(confusion "$FG_TMP/planted" "$FG_TMP/flagged2" "dip" 2>/dev/null)
fg_check "planted dips found with dips = true ($dtp of $((dtp + dfn)))" [ "$dfn" -eq 0 ] && [ "$dtp" -gt 0 ]
fg_done

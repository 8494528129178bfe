#!/bin/bash
# Benchmark cost anomaly detection.
#
#   bench/anomaly/run.sh [SERIES [DAYS [REPEAT [USERS]]]]   (needs a build in build/)
#
# 1. Speed: SERIES warehouses (default 2,000) x DAYS days (default 365)
#    of generated costs (tests/sim/40_cost_series.sql), judged as an
#    hourly run does (the last 3 complete days of 2,002 series: the
#    warehouses, the account, the service type).  Prints the server time
#    of budgetcheck's evaluation statement (sql/budgets/anomaly/
#    evaluate.sql, run by psql with the parameters budgetcheck binds)
#    beside a hand-written query computing the same baseline
#    (reference.sql), medians of REPEAT runs taken in turns, their
#    ratio, the wall time of a whole budgetcheck --dry-run, and how many
#    (series, day) figures of the two differ by more than a cent.  The
#    evaluation runs with budgetcheck's session settings (no JIT, no
#    parallel workers, work_mem 64MB), the reference with the server's
#    defaults.
# 2. With attribution: USERS users (default 500) x DAYS days more in
#    attribution_daily and the connector's attribution readable: the
#    evaluation statement again with the user and query_tag dimensions
#    (medians of REPEAT), and how many series it judged.
# 3. Quality: the confusion counts of a backtest at default settings over
#    180 days x 50 series, as tests/integration/anomaly_detect.sh judges
#    them.
#
# Not part of ctest: figures, never assertions.
set -u
FG_SOURCE_DIR=${FG_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
FG_BUILD_DIR=${FG_BUILD_DIR:-$FG_SOURCE_DIR/build}
NSERIES=${1:-2000}
NDAYS=${2:-365}
REPEAT=${3:-5}
NUSERS=${4:-500}
. "$FG_SOURCE_DIR/tests/lib/harness.sh"
fg_setup
first=2025-07-01
last=$(date -u -d "$first + $((NDAYS - 1)) days" +%F)
export FLAKEGUARD_NOW=$(date -u -d "$last + 1 day" +%F)T10:00:00Z
from=$(date -u -d "$last - 2 days" +%F)

conf=$(fg_config bench.conf <<CONF
[connector gen]
odbc = DSN=none
[anomaly]
enabled = true
CONF
)
budgetcheck -c "$conf" -q
t0=$(date +%s.%N)
fg_sim "COPY (SELECT 'gen', day, 'WAREHOUSE_METERING', series, cost, 'USD'
	FROM cost_series(7, $NSERIES, $NDAYS, '$first')) TO STDOUT" |
	fg_sql "COPY daily_costs (connector, day, service_type, entity, cost, currency) FROM STDIN"
fg_sql "ANALYZE daily_costs"
printf 'data: %d series x %d days, %s cost rows (generated in %.1f s)\n' "$NSERIES" "$NDAYS" \
	"$(fg_sql "SELECT count(*) FROM daily_costs")" "$(echo "$(date +%s.%N) - $t0" | bc)"

# The evaluation statement with budgetcheck's parameters, for psql.
sed -E "s/:([a-z_]+)::/:'\1'::/g" "$FG_SOURCE_DIR/sql/budgets/anomaly/evaluate.sql" >"$FG_TMP/eval.sql"
params=(-v connectors='{gen}' -v currencies='{USD}' -v dimensions='{"account,warehouse,service"}'
	-v sensitivities='{3.5}' -v lookback_weeks='{8}' -v min_history_days='{14}'
	-v min_daily_costs='{5}' -v min_change_percents='{20}' -v min_change_amounts='{10}' -v dips='{f}'
	-v severity_from='{0,100,1000}' -v severity_names='{low,medium,high}' -v eval_from="$from"
	-v eval_to="$last" -v scan_from="$(date -u -d "$from - 56 days" +%F)")
# budgetcheck's session settings for its evaluation (anomaly_eval.c); the
# hand-written query runs with the server's defaults.
tuned=(-c "SET jit = off" -c "SET max_parallel_workers_per_gather = 0" -c "SET work_mem = '64MB'")
timed() { # FILE ARGS... -> server milliseconds of the last statement
	psql -X -q -d flakeguard -c "SET search_path = flakeguard" -c '\timing on' "${@:2}" -f "$1" -o /dev/null |
		awk '/^Time:/ { t = $2 } END { print t }'
}
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
ev="" ref=""
for i in $(seq "$REPEAT"); do
	ev="$ev $(timed "$FG_TMP/eval.sql" "${tuned[@]}" "${params[@]}")"
	ref="$ref $(timed "$FG_SOURCE_DIR/bench/anomaly/reference.sql" -v from="$from" -v to="$last")"
done
mev=$(echo "$ev" | tr ' ' '\n' | grep . | median)
mref=$(echo "$ref" | tr ' ' '\n' | grep . | median)
printf 'evaluation statement:   %8.1f ms  (median of%s)\n' "$mev" "$ev"
printf 'hand-written reference: %8.1f ms  (median of%s)\n' "$mref" "$ref"
printf 'ratio evaluation / reference: %.2f\n' "$(echo "$mev / $mref" | bc -l)"
t0=$(date +%s.%N)
budgetcheck -c "$conf" -n --json >"$FG_TMP/run.json"
printf 'budgetcheck --dry-run --json (whole process): %.3f s, %d open anomalies\n' \
	"$(echo "$(date +%s.%N) - $t0" | bc)" "$(jq '[.[] | select(.anomaly)] | length' "$FG_TMP/run.json")"

# Same figures?  Compare (series, day, actual, expected, spread).
psql -X -q -At -F ' ' -d flakeguard -c "SET search_path = flakeguard" "${params[@]}" -f "$FG_TMP/eval.sql" |
	awk '{ print $2 == "" ? "-" : $2, $3 == "" ? "-" : $3, $4, $6, $7, $8 }' | sort >"$FG_TMP/a"
psql -X -q -At -F ' ' -d flakeguard -c "SET search_path = flakeguard" -v from="$from" -v to="$last" \
	-f "$FG_SOURCE_DIR/bench/anomaly/reference.sql" | sed 's/^account  /account - /' |
	awk '{ print $1, $2, $3, $4, $5, $6 }' | sort >"$FG_TMP/b"
printf 'figures compared: %d rows, %d differ by more than 0.01\n' "$(wc -l <"$FG_TMP/a")" \
	"$(join -j1 <(awk '{ print $1 "/" $2 "/" $3, $4, $5, $6 }' "$FG_TMP/a") \
		<(awk '{ print $1 "/" $2 "/" $3, $4, $5, $6 }' "$FG_TMP/b") |
		awk '{ d = 0; for (k = 2; k <= 4; k++) { x = $k - $(k + 3); if (x > 0.01 || x < -0.01) d = 1 } n += d } END { print n + 0 }')"

# With attribution: users as series of their own, the same statement.
fg_sim "COPY (SELECT 'gen', day, 'user', 'U' || series, 1, cost
	FROM cost_series(8, $NUSERS, $NDAYS, '$first')) TO STDOUT" |
	fg_sql "COPY attribution_daily (connector, day, dimension, name, queries, cost) FROM STDIN"
fg_sql "INSERT INTO attribution_state VALUES ('gen', true, now(), NULL); ANALYZE attribution_daily"
aparams=("${params[@]}" -v dimensions='{"account,warehouse,service,user,query_tag"}')
at=""
for i in $(seq "$REPEAT"); do
	at="$at $(timed "$FG_TMP/eval.sql" "${tuned[@]}" "${aparams[@]}")"
done
printf 'with %d users (%s attribution rows): evaluation statement %8.1f ms (median of%s), %d series judged\n' \
	"$NUSERS" "$(fg_sql "SELECT count(*) FROM attribution_daily")" "$(echo "$at" | tr ' ' '\n' | grep . | median)" "$at" \
	"$(psql -X -q -At -d flakeguard -c "SET search_path = flakeguard" "${aparams[@]}" -f "$FG_TMP/eval.sql" |
		awk -F'|' '{ print $2 "/" $3 }' | sort -u | wc -l)"
fg_sql "TRUNCATE attribution_daily, attribution_state"

# Quality: 180 days x 50 series at defaults.
fg_sql "TRUNCATE daily_costs"
fg_sim "COPY (SELECT 'gen', day, 'WAREHOUSE_METERING', series, cost, 'USD'
	FROM cost_series(1, 50, 180, '2026-01-02')) TO STDOUT" |
	fg_sql "COPY daily_costs (connector, day, service_type, entity, cost, currency) FROM STDIN"
# planted spikes and shifts; the 13 days after a shift's first, while the
# baseline adapts, are "later": flagged, they count as neither
fg_sim "WITH c AS (SELECT * FROM cost_series(1, 50, 180, '2026-01-02'))
	SELECT series || ' ' || day || ' ' || planted FROM c WHERE planted IN ('spike', 'shift')
	UNION ALL
	SELECT c.series || ' ' || c.day || ' later' FROM c JOIN c s ON s.series = c.series
		AND s.planted = 'shift' AND c.day > s.day AND c.day <= s.day + 13" >"$FG_TMP/planted"
FLAKEGUARD_NOW=2026-07-01T10:00:00Z budgetcheck -c "$conf" --anomalies --since 2026-01-16 \
	--until 2026-06-30 --json | jq -r '.flagged[] | "\(.series) \(.day)"' | sort >"$FG_TMP/flagged"
awk 'FNR == NR { if ($3 == "later") later[$1 " " $2] = 1; else { want[$1 " " $2] = 1; n++ }; next }
	{ k = $1 " " $2; if (k in want) { tp++; delete want[k]; next }
	  if (k in later) { l++; next }
	  fp++ }
	END { printf "confusion at defaults, 52 series x 166 days judged: %d planted, %d found, %d missed, %d false alarms (%.2f per series per 90 days), %d later days of level shifts\n",
		n, tp, n - tp, fp, fp * 90 / (52 * 166), l }' "$FG_TMP/planted" "$FG_TMP/flagged"
fg_done >/dev/null

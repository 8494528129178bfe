#!/usr/bin/env bash
# bench/costsync/run.sh - costsync backfill of about 1,000,000 source rows.
#
# Loads 365 days x 24 hours x 114 warehouses (998,640 WAREHOUSE_METERING_HISTORY
# rows, plus the serverless, daily, storage and transfer rows) into the
# simulator, then measures:
#   - a first costsync run (backfill of 365 days): wall time, peak RSS;
#   - the floor: the same four aggregation queries run by psql, each result
#     \copy'd into a table of the target database indexed like daily_costs
#     (no pricing, no diff, no upsert);
#   - an incremental run with nothing new (the lookback window only).
# Backfill and floor are run three times, the incremental run five times;
# medians are reported with every sample.
# Usage: bench/costsync/run.sh [WAREHOUSES]   (FG_BUILD_DIR: default build/)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export FG_SOURCE_DIR=${FG_SOURCE_DIR:-$(cd "$here/../.." && pwd)}
export FG_BUILD_DIR=${FG_BUILD_DIR:-$FG_SOURCE_DIR/build}
WAREHOUSES=${1:-114}
. "$FG_SOURCE_DIR/tests/lib/harness.sh"
fg_setup
set -e

now_ms() { date +%s%3N; }
START=2025-03-16 UNTIL=2026-03-15
export FLAKEGUARD_NOW=2026-03-15T10:00:00Z

t0=$(now_ms)
rows=$(fg_sim "SELECT account_usage.generate_costs('$START', 365, $WAREHOUSES, 1)")
fg_sim "VACUUM ANALYZE" >/dev/null
other=$(fg_sim "SELECT (SELECT count(*) FROM account_usage.metering_history)
	+ (SELECT count(*) FROM account_usage.metering_daily_history)
	+ (SELECT count(*) FROM account_usage.storage_usage)
	+ (SELECT count(*) FROM account_usage.data_transfer_history)")
printf 'source rows: %s warehouse-hours + %s other (generated in %d ms)\n' "$rows" "$other" $(( $(now_ms) - t0 ))

cfg=$(fg_config bench.conf <<C
[database]
conninfo =
[connector bench]
odbc = $FG_SIM_ODBC
credit_price = 3.00
storage_price_tb_month = 23.00
backfill_days = 365
C
)
# migrate once so the timed runs compare like with like
costsync -c "$cfg" --connector bench --since 2026-03-15 --until 2026-03-15

# Three backfills from scratch; the median counts (the machine may be shared).
median() { sort -n | sed -n 2p; }
full=()
for i in 1 2 3; do
	fg_sql "TRUNCATE daily_costs, connector_state"
	/usr/bin/time -f '%e %M' -o "$FG_TMP/time.full" costsync -c "$cfg" --json >"$FG_TMP/full.json"
	read -r full_s full_kb <"$FG_TMP/time.full"
	full+=("$(awk -v s="$full_s" 'BEGIN { printf "%d", s * 1000 }')")
done
full_ms=$(printf '%s\n' "${full[@]}" | median)
stored=$(fg_sql "SELECT count(*) FROM daily_costs")

# The floor: psql runs each aggregation and \copy's it into the target.
# The target table has the indexes of daily_costs (a key and a day index).
fg_sql "CREATE TABLE bench_floor (a text, b text, c text, d text, e text);
        CREATE INDEX ON bench_floor (a, b, c, d); CREATE INDEX ON bench_floor (a)"
UTC="CAST(CONVERT_TIMEZONE('UTC', start_time) AS DATE)"
HW="WHERE start_time >= CAST('2025-03-15' AS DATE) AND start_time < CAST('2026-03-17' AS DATE)
    AND $UTC >= CAST('$START' AS DATE) AND $UTC <= CAST('$UNTIL' AS DATE)"
DW="WHERE usage_date >= CAST('$START' AS DATE) AND usage_date <= CAST('$UNTIL' AS DATE)"
queries=(
"SELECT $UTC, warehouse_name, CAST(SUM(credits_used_compute) AS DECIMAL(38,9)) FROM account_usage.warehouse_metering_history $HW GROUP BY $UTC, warehouse_name"
"SELECT usage_date, service_type, CAST(SUM(credits_used_compute) AS DECIMAL(38,9)), CAST(SUM(credits_used_cloud_services) AS DECIMAL(38,9)), CAST(SUM(credits_adjustment_cloud_services) AS DECIMAL(38,9)) FROM account_usage.metering_daily_history $DW GROUP BY usage_date, service_type"
"SELECT usage_date, CAST(SUM(COALESCE(storage_bytes, 0) + COALESCE(stage_bytes, 0) + COALESCE(failsafe_bytes, 0)) AS DECIMAL(38,0)) FROM account_usage.storage_usage $DW GROUP BY usage_date"
"SELECT $UTC, CAST(SUM(bytes_transferred) AS DECIMAL(38,0)) FROM account_usage.data_transfer_history $HW GROUP BY $UTC"
)
cols=("a, b, c" "a, b, c, d, e" "a, b" "a, b")
floor=()
for k in 1 2 3; do
	fg_sql "TRUNCATE bench_floor"
	t0=$(now_ms)
	for i in 0 1 2 3; do
		psql -X -q -d snowflake -c "\\copy (${queries[$i]}) TO STDOUT" |
			psql -X -q -d flakeguard -c "\\copy flakeguard.bench_floor (${cols[$i]}) FROM STDIN"
	done
	floor+=($(( $(now_ms) - t0 )))
done
floor_ms=$(printf '%s\n' "${floor[@]}" | median)
floor_rows=$(fg_sql "SELECT count(*) FROM bench_floor")

# Incremental runs with nothing new: five of them, report the median.
inc=()
for i in 1 2 3 4 5; do
	/usr/bin/time -f '%e %M' -o "$FG_TMP/time.inc" costsync -c "$cfg" --json >"$FG_TMP/inc.json"
	read -r inc_s inc_kb <"$FG_TMP/time.inc"
	inc+=("$(awk -v s="$inc_s" 'BEGIN { printf "%d", s * 1000 }')")
done
inc_med=$(printf '%s\n' "${inc[@]}" | sort -n | sed -n 3p)
changed=$(jq '[.connectors[] | .inserted + .updated + .deleted] | add' "$FG_TMP/inc.json")
t0=$(now_ms)
psql -X -q -d flakeguard -c "SELECT 1" >/dev/null
psql_ms=$(( $(now_ms) - t0 ))

printf 'backfill:    %d ms median wall (%s ms), peak RSS %.1f MiB, %s rows read, %s cost rows stored\n' \
	"$full_ms" "${full[*]}" "$(awk -v k="$full_kb" 'BEGIN { print k / 1024 }')" \
	"$(jq '.connectors[0].rows_read' "$FG_TMP/full.json")" "$stored"
printf 'floor:       %d ms median (%s ms): psql aggregation + \\copy of %s rows\n' "$floor_ms" "${floor[*]}" "$floor_rows"
printf 'ratio:       %.2f (goal <= 1.5)\n' "$(awk -v a="$full_ms" -v b="$floor_ms" 'BEGIN { print a / b }')"
printf 'incremental: %d ms median wall (%s ms), peak RSS %.1f MiB, %s rows changed (goal <= 300 ms)\n' \
	"$inc_med" "${inc[*]}" "$(awk -v k="$inc_kb" 'BEGIN { print k / 1024 }')" "$changed"
printf 'for scale:   psql -c "SELECT 1" takes %d ms on this machine\n' "$psql_ms"

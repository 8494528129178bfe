#!/usr/bin/env bash
# bench/attribution/run.sh - cost attribution: costsync's attribution sync
# and budgetcheck with user, role and query-tag budgets.
#
# Generates DAYS x WAREHOUSES warehouse-hours of costs and PER_HOUR
# attributed queries per warehouse-hour (USERS users, ROLES roles, TAGS
# query tags: about DAYS x WAREHOUSES x 24 x PER_HOUR queries, most of
# them distinct (day, warehouse, user, role, tag) groups), then measures:
#   - costsync's backfill with attribution and without it (the view
#     renamed away): their difference is the attribution sync, whose wall
#     time is compared with the floor: psql running the same two
#     aggregation queries and \copy'ing their results into an indexed
#     table of the target database (costsync reads the two queries at
#     once, on two connections; the floor one after the other);
#   - peak RSS of costsync with attribution;
#   - budgetcheck --dry-run --json with BUDGETS budgets, half of them
#     user:, role: or query_tag: (with wildcards), and with as many
#     warehouse budgets only: wall time and SQL statements each run issued
#     (counted from the server log).
# Medians of three runs.  Figures, never assertions; not part of ctest.
#   bench/attribution/run.sh [DAYS [WAREHOUSES [USERS [ROLES [TAGS [PER_HOUR [BUDGETS]]]]]]]
# Defaults 90 50 2000 20 200 20 10000 (about 2 million aggregated rows).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export FG_SOURCE_DIR=${FG_SOURCE_DIR:-$(cd "$here/../.." && pwd)}
export FG_BUILD_DIR=${FG_BUILD_DIR:-$FG_SOURCE_DIR/build}
DAYS=${1:-90} WAREHOUSES=${2:-50} USERS=${3:-2000} ROLES=${4:-20} TAGS=${5:-200} PER_HOUR=${6:-20}
BUDGETS=${7:-10000}
. "$FG_SOURCE_DIR/tests/lib/harness.sh"
fg_setup
set -e

now_ms() { date +%s%3N; }
median() { sort -n | sed -n 2p; }
export FLAKEGUARD_NOW=2026-03-31T10:00:00Z
START=$(date -u -d "2026-03-31 - $((DAYS - 1)) days" +%F)

t0=$(now_ms)
fg_sim "SELECT account_usage.generate_costs('$START', $DAYS, $WAREHOUSES, 1)" >/dev/null
queries=$(fg_sim "SELECT account_usage.generate_attribution('$START', $DAYS, 1, $USERS, $ROLES, $TAGS, $PER_HOUR)")
fg_sim "VACUUM ANALYZE" >/dev/null
printf 'source: %d days x %d warehouses, %s attributed queries, %d users, %d roles, %d tags (generated in %d s)\n' \
	"$DAYS" "$WAREHOUSES" "$queries" "$USERS" "$ROLES" "$TAGS" $(( ($(now_ms) - t0) / 1000 ))

cfg=$(fg_config bench.conf <<C
[database]
conninfo =
[connector prod]
odbc = $FG_SIM_ODBC
credit_price = 3.00
storage_price_tb_month = 23.00
backfill_days = $DAYS
C
)
costsync -c "$cfg" --since 2026-03-31 --until 2026-03-31 >/dev/null
reset() { fg_sql "TRUNCATE daily_costs, connector_state, attributed_costs, attributed_queries, warehouse_idle,
	attribution_daily, attribution_state"; }

with=() without=()
for i in 1 2 3; do
	reset
	/usr/bin/time -f '%e %M' -o "$FG_TMP/time" costsync -c "$cfg" --json >"$FG_TMP/with.json"
	read -r s kb <"$FG_TMP/time"
	with+=("$(awk -v s="$s" 'BEGIN { printf "%d", s * 1000 }')")
	rss_kb=$kb
done
rows=$(jq '.connectors[0].attribution.rows' "$FG_TMP/with.json")
qrows=$(jq '.connectors[0].attribution.query_rows' "$FG_TMP/with.json")
fg_sim "ALTER TABLE account_usage.query_attribution_history RENAME TO qah_away"
for i in 1 2 3; do
	reset
	/usr/bin/time -f '%e %M' -o "$FG_TMP/time" costsync -c "$cfg" >/dev/null 2>&1
	read -r s kb <"$FG_TMP/time"
	without+=("$(awk -v s="$s" 'BEGIN { printf "%d", s * 1000 }')")
done
fg_sim "ALTER TABLE account_usage.qah_away RENAME TO query_attribution_history"
with_ms=$(printf '%s\n' "${with[@]}" | median)
without_ms=$(printf '%s\n' "${without[@]}" | median)
attr_ms=$((with_ms - without_ms))

# The floor: psql runs the two attribution queries, \copy'ing the results
# into tables indexed like attributed_costs (by day) and
# attributed_queries (unique per day, warehouse and hash).
fg_sql "CREATE TABLE floor_a (a text, b text, c text, d text, e text, f text, g text, h text);
	CREATE INDEX ON floor_a (a);
	CREATE TABLE floor_q (a text, b text, c text, d text, e text, f text, g text);
	CREATE UNIQUE INDEX ON floor_q (a, b, c)"
bind() { # the extraction statement with its parameters as literals
	sed -e '/^--/d' -e "s/CAST(:since AS DATE)/CAST('$START' AS DATE)/g" \
		-e "s/CAST(:until AS DATE)/CAST('2026-03-31' AS DATE)/g" \
		-e "s/CAST(:scan_from AS DATE)/CAST('$(date -u -d "$START - 1 day" +%F)' AS DATE)/g" \
		-e "s/CAST(:scan_before AS DATE)/CAST('2026-04-02' AS DATE)/g" \
		-e "s/CAST(:top_queries AS INTEGER)/50/g" "$FG_SOURCE_DIR/sql/costs/extract/$1.sql" |
		sed 's/SNOWFLAKE\.ACCOUNT_USAGE\./account_usage./g' | tr '\n' ' '
}
floor=()
for i in 1 2 3; do
	fg_sql "TRUNCATE floor_a, floor_q"
	t0=$(now_ms)
	psql -X -q -d snowflake -c "\\copy ($(bind attribution)) TO STDOUT" |
		psql -X -q -d flakeguard -c "\\copy flakeguard.floor_a FROM STDIN"
	psql -X -q -d snowflake -c "\\copy ($(bind attribution_queries)) TO STDOUT" |
		psql -X -q -d flakeguard -c "\\copy flakeguard.floor_q FROM STDIN"
	floor+=($(( $(now_ms) - t0 )))
done
floor_ms=$(printf '%s\n' "${floor[@]}" | median)

printf 'costsync with attribution:    %d ms median (%s), peak RSS %.1f MiB (goal <= 64 MiB)\n' \
	"$with_ms" "${with[*]}" "$(awk -v k="$rss_kb" 'BEGIN { print k / 1024 }')"
printf 'costsync without attribution: %d ms median (%s)\n' "$without_ms" "${without[*]}"
printf 'attribution sync:             %d ms for %s aggregated rows + %s query-hash rows\n' "$attr_ms" "$rows" "$qrows"
printf 'floor:                        %d ms median (%s): psql aggregation + \\copy of %s + %s rows\n' \
	"$floor_ms" "${floor[*]}" "$(fg_sql "SELECT count(*) FROM floor_a")" "$(fg_sql "SELECT count(*) FROM floor_q")"
printf 'ratio:                        %.2f (goal <= 1.5)\n' "$(awk -v a="$attr_ms" -v b="$floor_ms" 'BEGIN { print a / b }')"

# budgetcheck: BUDGETS budgets, half on attribution scopes, against as
# many warehouse budgets.
gen_conf() { # N ATTR FILE
	{
		cat "$cfg"
		awk -v n="$1" -v attr="$2" -v wh="$WAREHOUSES" -v users="$USERS" -v roles="$ROLES" -v tags="$TAGS" 'BEGIN {
			split("daily weekly monthly quarterly yearly", p, " ");
			for (k = 0; k < n; k++) {
				printf "[budget b%05d]\nconnector = prod\namount = %d.50\nperiod = %s\n", k, 500 + (k * 37) % 20000, p[k % 5 + 1];
				if (attr && k % 2 == 1) {
					m = int(k / 2) % 10;
					if (m < 6) printf "scope = user:USER_%04d\n", 1 + k % users;
					else if (m < 7) printf "scope = role:ROLE_%02d\n", 1 + k % roles;
					else if (m < 8) printf "scope = user:USER_%03d*\n", k % 200;
					else printf "scope = query_tag:team=t%02d;*\n", k % tags % 100;
				} else
					printf "scope = warehouse:WH_%03d\n", 1 + k % wh;
			}
		}'
	} | fg_config "$3"
}
# Statements are counted from the server log, on for this part only:
# logging every fetch of the sync would weigh on its timing.
printf "log_statement = 'all'\nlog_parameter_max_length = 0\n" >>"$FG_PGDATA/postgresql.conf"
fg_as_pg "$FG_PG_BIN/pg_ctl" -D "$FG_PGDATA" reload >/dev/null
statements() { grep -cE 'LOG: +(statement|execute)' "$FG_TMP/pg.log"; }
bc_run() { # LABEL CONF
	local walls=() s0 s1 t0 i
	s0=$(statements)
	for i in 1 2 3; do
		t0=$(now_ms)
		budgetcheck -c "$2" --dry-run --json >"$FG_TMP/bc.json"
		walls+=($(( $(now_ms) - t0 )))
	done
	s1=$(statements)
	printf 'budgetcheck, %-30s %5d ms median (%s), %d statements per run, %s statuses\n' "$1:" \
		"$(printf '%s\n' "${walls[@]}" | median)" "${walls[*]}" $(( (s1 - s0) / 3 )) "$(jq length "$FG_TMP/bc.json")"
}
reset
costsync -c "$cfg" >/dev/null
half=$(gen_conf "$BUDGETS" 1 half.conf)
none=$(gen_conf "$BUDGETS" 0 none.conf)
budgetcheck -c "$none" --allow-empty >/dev/null
bc_run "$BUDGETS warehouse budgets" "$none"
bc_run "$BUDGETS, half user/role/tag" "$half"
printf 'goal: half user/role/tag <= 1000 ms, statements unchanged\n'

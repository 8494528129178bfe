#!/bin/bash
# Benchmark budgetcheck: 10,000 budgets over two years of daily costs for
# 1,000 warehouses (730,000 rows).  Prints wall times, the number of SQL
# statements each run issued (counted from the server log), and the ratio
# to one hand-written SQL query computing the same spend figures.
#
#   bench/budgetcheck/run.sh [BUDGETS]      (needs a build in build/)
#
# Not part of ctest: figures, never assertions.
set -u
FG_SOURCE_DIR=${FG_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
FG_BUILD_DIR=${FG_BUILD_DIR:-$FG_SOURCE_DIR/build}
NBUDGETS=${1:-10000}
. "$FG_SOURCE_DIR/tests/lib/harness.sh"
fg_setup
printf "log_statement = 'all'\nlog_min_duration_statement = 0\n" >>"$FG_PGDATA/postgresql.conf"
fg_as_pg "$FG_PG_BIN/pg_ctl" -D "$FG_PGDATA" reload >/dev/null
export FLAKEGUARD_NOW=2026-03-15T10:00:00Z
PERIODS=(daily weekly monthly quarterly yearly)

# budgets.conf: per warehouse W0000..W0999 budgets of every period; one in
# fifty is account-wide, one in fifty two warehouses plus cloud services.
gen_conf() { # N FILE
	{
		printf '[connector prod]\nodbc = DSN=none\n[channel ops]\ntype = webhook\nurl = http://127.0.0.1:9/\n'
		awk -v n="$1" 'BEGIN {
			split("daily weekly monthly quarterly yearly", p, " ");
			for (k = 0; k < n; k++) {
				w = k % 1000;
				printf "[budget b%05d]\nconnector = prod\namount = %d.50\nperiod = %s\n", k, 500 + (k * 37) % 20000, p[int(k / 1000) % 5 + 1];
				if (k % 50 == 7) printf "scope = account\n";
				else if (k % 50 == 13) printf "scope = warehouse:W%04d,W%04d+service:CLOUD_SERVICES\n", w, (w + 1) % 1000;
				else printf "scope = warehouse:W%04d\n", w;
				printf "notify = ops\n";
			}
		}'
	} | fg_config "$2"
}

statements() { grep -cE 'LOG: +(statement|execute)' "$FG_TMP/pg.log"; }
# Longest statement (ms) logged since line $1 of the server log.
longest() { tail -n +"$1" "$FG_TMP/pg.log" | sed -n 's/.*duration: \([0-9.]*\) ms.*/\1/p' | sort -g | tail -n 1; }

# run LABEL ARGS...: wall time and statements of one budgetcheck run.
run() {
	local label=$1 s0 t0 t1 s1
	shift
	s0=$(statements)
	t0=$(date +%s.%N)
	budgetcheck "$@" >"$FG_TMP/out.json"
	t1=$(date +%s.%N)
	s1=$(statements)
	printf '%-40s %8.3f s  %5d statements\n' "$label" "$(echo "$t1 - $t0" | bc)" "$((s1 - s0))"
}

conf=$(gen_conf "$NBUDGETS" bench.conf)
small=$(gen_conf 100 small.conf)
budgetcheck -c "$small" --dry-run 2>/dev/null
budgetcheck -c "$small"
echo "# generating 730,000 cost rows (1,000 warehouses x 730 days)"
fg_sql "INSERT INTO daily_costs (connector, day, service_type, entity, cost, currency)
	SELECT 'prod', d::date, 'WAREHOUSE_METERING', 'W' || lpad(w::text, 4, '0'),
	       round((1 + w % 17 + extract(isodow FROM d) * 0.7)::numeric, 6), 'USD'
	FROM generate_series(date '2026-03-15' - 729, date '2026-03-15', interval '1 day') AS d,
	     generate_series(0, 999) AS w;
	INSERT INTO daily_costs (connector, day, service_type, entity, cost, currency)
	SELECT 'prod', d::date, 'CLOUD_SERVICES', '', 12.5, 'USD'
	FROM generate_series(date '2026-03-15' - 729, date '2026-03-15', interval '1 day') AS d;
	ANALYZE daily_costs"
echo "# rows: $(fg_sql "SELECT count(*) FROM daily_costs")"

echo "# budgetcheck, $NBUDGETS budgets"
run "first run (mirror + all alerts)" -c "$conf"
run "steady run (nothing new)" -c "$conf"
run "steady run --json" -c "$conf" --json
run "dry run --json" -c "$conf" --dry-run --json
jq -r '.[] | "\(.name) \(.spend)"' "$FG_TMP/out.json" | sort >"$FG_TMP/tool.txt"
echo "# budgetcheck, 100 budgets (statement count does not grow with budgets)"
run "steady run, 100 budgets" -c "$small"
run "steady run, $NBUDGETS budgets" -c "$conf"
echo "# alerts: $(fg_sql "SELECT count(*) FROM budget_alerts"), notifications: $(fg_sql "SELECT count(*) FROM notifications")"

# The hand-written query: the same spend per budget from the mirrored
# budgets (as of 2026-03-15: quarter and year both start on 2026-01-01),
# aggregating each warehouse once, no forecast.
hand="WITH b AS (SELECT name, period, scope FROM flakeguard.budgets WHERE active),
	agg AS (SELECT service_type, entity,
	  sum(cost) FILTER (WHERE day = date '2026-03-15') AS sd,
	  sum(cost) FILTER (WHERE day >= date '2026-03-09') AS sw,
	  sum(cost) FILTER (WHERE day >= date '2026-03-01') AS sm,
	  sum(cost) AS sy
	 FROM flakeguard.daily_costs
	 WHERE connector = 'prod' AND day BETWEEN date '2026-01-01' AND date '2026-03-15'
	 GROUP BY service_type, entity),
	acct AS (SELECT sum(sd) AS sd, sum(sw) AS sw, sum(sm) AS sm, sum(sy) AS sy FROM agg),
	parts AS (
	 SELECT b.name, b.period, 'WAREHOUSE_METERING' AS st, w AS ent FROM b,
	  unnest(regexp_split_to_array(substring(b.scope FROM 'warehouse:([^+]*)'), ',')) AS w
	 UNION ALL
	 SELECT b.name, b.period, 'CLOUD_SERVICES', '' FROM b WHERE b.scope LIKE '%service:CLOUD_SERVICES%')
	SELECT name, round(coalesce(sum(s), 0), 2) FROM (
	 SELECT p.name, CASE p.period WHEN 'daily' THEN a.sd WHEN 'weekly' THEN a.sw
	  WHEN 'monthly' THEN a.sm ELSE a.sy END AS s
	 FROM parts p LEFT JOIN agg a ON a.service_type = p.st AND a.entity = p.ent
	 UNION ALL
	 SELECT b.name, CASE b.period WHEN 'daily' THEN acct.sd WHEN 'weekly' THEN acct.sw
	  WHEN 'monthly' THEN acct.sm ELSE acct.sy END
	 FROM b, acct WHERE b.scope = 'account') x
	GROUP BY name ORDER BY name"
l0=$(wc -l <"$FG_TMP/pg.log")
t0=$(date +%s.%N)
psql -X -q -At -F ' ' -d flakeguard -c "$hand" >"$FG_TMP/hand.txt"
t1=$(date +%s.%N)
hand_wall=$(echo "$t1 - $t0" | bc)
hand_server=$(longest "$l0")
l0=$(wc -l <"$FG_TMP/pg.log")
t0=$(date +%s.%N)
budgetcheck -c "$conf" --dry-run --json >/dev/null
t1=$(date +%s.%N)
tool_wall=$(echo "$t1 - $t0" | bc)
tool_server=$(longest "$l0")
printf '%-40s %8.3f s wall, %8.1f ms in the server\n' "hand-written query (psql, spend only)" "$hand_wall" "$hand_server"
printf '%-40s %8.3f s wall, %8.1f ms evaluation statement\n' "budgetcheck --dry-run --json" "$tool_wall" "$tool_server"
printf '%-40s %8.2f wall, %5.2f server\n' "ratio budgetcheck / hand-written query" \
	"$(echo "$tool_wall / $hand_wall" | bc -l)" "$(echo "$tool_server / $hand_server" | bc -l)"
if cmp -s "$FG_TMP/tool.txt" "$FG_TMP/hand.txt"; then
	echo "# spend figures: identical for all $NBUDGETS budgets"
else
	echo "# spend figures DIFFER: $(diff "$FG_TMP/tool.txt" "$FG_TMP/hand.txt" | head -n 4 | tr '\n' ' ')"
fi
echo "# load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"

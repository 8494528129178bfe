#!/bin/bash
# Benchmark budgetcheck: 10,000 budgets over two years of daily costs for
# 1,000 warehouses (730,000 rows).  Prints wall times, the number of SQL
# statements each run issued (counted from the server log), and the ratio
# to one hand-written SQL query computing the same spend figures.
#
#   bench/budgetcheck/run.sh [BUDGETS [REPEAT]]   (needs a build in build/)
#
# Repeatable runs and both sides of the ratio are medians of REPEAT runs
# (default 5); for the ratio the tool and the query take turns, so load
# from elsewhere falls on both.  FG_BENCH_SAVE=DIR keeps the --json
# outputs of the first run and of a dry run there (to compare builds).
#
# How the ratio compares like with like:
#   wall    budgetcheck --dry-run --json (process start, config, connect,
#           schema check, the evaluation, 10,000 statuses as JSON) against
#           psql running the hand-written query (process start, connect,
#           the query, 10,000 lines of name and spend);
#   server  the evaluation statement's parse, bind (which plans it) and
#           execute as the server logs them, against the hand-written
#           query's one duration (simple protocol: parse, plan, execute).
# The hand-written query runs as written, with the server's defaults (it
# may use parallel workers, which budgetcheck turns off), and computes
# spend only; the evaluation also computes forecasts and their band,
# percentages, thresholds and the alerts already recorded, so the ratio
# overstates what the spend part of the evaluation costs.  Parameter
# values are not logged (log_parameter_max_length = 0): writing the
# statement's 600 KB of parameters into the log is the benchmark's cost,
# and it fell on budgetcheck's side only.
#
# Not part of ctest: figures, never assertions.
set -u
FG_SOURCE_DIR=${FG_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
FG_BUILD_DIR=${FG_BUILD_DIR:-$FG_SOURCE_DIR/build}
NBUDGETS=${1:-10000}
REPEAT=${2:-5}
. "$FG_SOURCE_DIR/tests/lib/harness.sh"
fg_setup
printf "log_statement = 'all'\nlog_min_duration_statement = 0\nlog_parameter_max_length = 0\n" \
	>>"$FG_PGDATA/postgresql.conf"
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
# Server time (ms) of the statement starting with $2, logged since line $1
# of the server log, as its backend logged it: parse and bind (extended
# protocol, logged with the text) and the first duration logged alone
# after the statement itself (execute, or the whole simple query).  A
# backend logs a duration after sending the result, so wait for it.
server_ms() {
	local i ms
	for i in $(seq 50); do
		ms=$(tail -n +"$1" "$FG_TMP/pg.log" | awk -v text="$2" '
			done { next }
			index($0, text) {
				pid = $4
				if ($0 ~ /duration: .* (parse|bind) <unnamed>:/) { sub(/.*duration: /, ""); pb += $1 }
				else started = 1
				next
			}
			started && $4 == pid && /LOG:  duration: [0-9.]+ ms$/ { sub(/.*duration: /, ""); ex = $1; done = 1 }
			END { if (done) printf "%.3f\n", pb + ex }')
		[ -n "$ms" ] && break
		sleep 0.1
	done
	echo "${ms:-0}"
}
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
med() { echo "$1" | tr ' ' '\n' | grep . | median; }
now() { date +%s.%N; }

# run LABEL ARGS...: wall time and statements of one budgetcheck run.
run() {
	local label=$1 s0 t0 t1 s1
	shift
	s0=$(statements)
	t0=$(now)
	budgetcheck "$@" >"$FG_TMP/out.json"
	t1=$(now)
	s1=$(statements)
	printf '%-34s %7.3f s  %3d statements\n' "$label" "$(echo "$t1 - $t0" | bc)" "$((s1 - s0))"
}

# runs LABEL ARGS...: median wall time of REPEAT runs, statements per run.
runs() {
	local label=$1 s0 t0 t1 s1 i walls=""
	shift
	s0=$(statements)
	for i in $(seq "$REPEAT"); do
		t0=$(now)
		budgetcheck "$@" >"$FG_TMP/out.json"
		t1=$(now)
		walls="$walls $(echo "$t1 - $t0" | bc)"
	done
	s1=$(statements)
	printf '%-34s %7.3f s  %3d statements  (median of%s)\n' "$label" "$(med "$walls")" \
		"$(((s1 - s0) / REPEAT))" "$walls"
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
run "first run --json (mirror, alerts)" -c "$conf" --json
[ -n "${FG_BENCH_SAVE:-}" ] && cp "$FG_TMP/out.json" "$FG_BENCH_SAVE/first.json"
runs "steady run (nothing new)" -c "$conf"
runs "steady run --json" -c "$conf" --json
runs "dry run --json" -c "$conf" --dry-run --json
[ -n "${FG_BENCH_SAVE:-}" ] && cp "$FG_TMP/out.json" "$FG_BENCH_SAVE/dry.json"
jq -r '.[] | "\(.name) \(.spend)"' "$FG_TMP/out.json" | sort >"$FG_TMP/tool.txt"
echo "# budgetcheck, 100 budgets (statement count does not grow with budgets)"
runs "steady run, 100 budgets" -c "$small"
runs "steady run, $NBUDGETS budgets" -c "$conf"
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
hw="" hs="" tw="" ts=""
for i in $(seq "$REPEAT"); do
	l0=$(wc -l <"$FG_TMP/pg.log")
	t0=$(now)
	psql -X -q -At -F ' ' -d flakeguard -c "$hand" >"$FG_TMP/hand.txt"
	t1=$(now)
	hw="$hw $(echo "$t1 - $t0" | bc)"
	hs="$hs $(server_ms "$l0" "statement: WITH b AS (SELECT name, period, scope")"
	l0=$(wc -l <"$FG_TMP/pg.log")
	t0=$(now)
	budgetcheck -c "$conf" --dry-run --json >/dev/null
	t1=$(now)
	tw="$tw $(echo "$t1 - $t0" | bc)"
	ts="$ts $(server_ms "$l0" "<unnamed>: WITH b AS ( SELECT t.idx")"
done
hand_wall=$(med "$hw") hand_server=$(med "$hs") tool_wall=$(med "$tw") tool_server=$(med "$ts")
echo "# the ratio, medians of $REPEAT runs taking turns"
printf '%-34s %7.3f s wall  %7.1f ms in the server\n' "hand-written query (spend only)" "$hand_wall" "$hand_server"
printf '%-34s %7.3f s wall  %7.1f ms evaluation (parse + bind + execute)\n' \
	"budgetcheck --dry-run --json" "$tool_wall" "$tool_server"
printf '%-34s %7.2f wall    %7.2f server\n' "ratio budgetcheck / hand-written" \
	"$(echo "$tool_wall / $hand_wall" | bc -l)" "$(echo "$tool_server / $hand_server" | bc -l)"
echo "# each run, server ms: hand-written${hs}; evaluation${ts}"
if cmp -s "$FG_TMP/tool.txt" "$FG_TMP/hand.txt"; then
	echo "# spend figures: identical for all $NBUDGETS budgets"
else
	echo "# spend figures DIFFER: $(diff "$FG_TMP/tool.txt" "$FG_TMP/hand.txt" | head -n 4 | tr '\n' ' ')"
fi
echo "# load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"

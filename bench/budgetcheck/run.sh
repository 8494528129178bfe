#!/bin/bash
# Benchmark budgetcheck: 10,000 budgets over two years of daily costs for
# 1,000 warehouses (730,000 rows).  Prints wall times, the number of SQL
# statements each run issued (counted from the server log), and the ratio
# of budgetcheck's evaluation to two hand-written SQL queries: one
# computing the same spend figures, one computing every figure --json
# reports (spend, percent, forecast and its band).
#
#   bench/budgetcheck/run.sh [BUDGETS [REPEAT]]   (needs a build in build/)
#
# Repeatable runs and every side of the ratios are medians of REPEAT runs
# (default 5); for the ratios the tool and the queries take turns, so load
# from elsewhere falls on all of them.  FG_BENCH_SAVE=DIR keeps the --json
# outputs of the first run and of a dry run there (to compare builds).
#
# How the ratios compare like with like:
#   wall    budgetcheck --dry-run --json (process start, config, connect,
#           schema check, the evaluation, 10,000 statuses as JSON) against
#           psql running a hand-written query (process start, connect,
#           the query, 10,000 lines);
#   server  the evaluation statement's parse, bind (which plans it) and
#           execute as the server logs them, against the hand-written
#           query's one duration (simple protocol: parse, plan, execute).
# The hand-written queries run as written, with the server's defaults (they
# may use parallel workers, which budgetcheck turns off).  The spend-only
# query computes spend alone, from the mirrored budgets; the evaluation
# also computes forecasts and their band, percentages, thresholds and the
# alerts already recorded, so that ratio overstates what the spend part of
# the evaluation costs.  The full-figures query (reference.sql) computes
# spend, percent, forecast, forecast_low and forecast_high from the rules
# of budgetcheck(1), reading the budgets and the parts of their scopes from
# two tables filled from the config before anything is timed; its figures
# are compared with budgetcheck --json for every budget and the number of
# mismatches printed, on the benchmark's data and again (not timed) on
# data varied so that the band, days without rows, names differing in
# case and the 7-day fallback all count.  It leaves out thresholds and
# recorded alerts, so that ratio still slightly favours the query.  Parameter values are not
# logged (log_parameter_max_length = 0): writing the statement's 600 KB of
# parameters into the log is the benchmark's cost, and it fell on
# budgetcheck's side only.
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

# The budgets of a config as two tab-separated files for the full-figures
# reference: FILE.budgets (name, connector, amount, period) and FILE.parts
# (name, service type, entity; '*' for any, names upper case), with the
# defaults of budgetcheck(1): period monthly, scope account.  A warehouse
# is left out when service:WAREHOUSE_METERING already counts its compute.
budget_tables() { # CONF OUT
	awk -v out="$2" -F '[ \t]*=[ \t]*' '
		function flush(   n, parts, i, k, names, j, all) {
			if (name == "") return
			printf "%s\t%s\t%s\t%s\n", name, conn, amount, period >(out ".budgets")
			n = split(scope, parts, /[ \t]*\+[ \t]*/); all = 0; delete seen
			for (i = 1; i <= n; i++)
				if (parts[i] ~ /^service:/ && toupper(parts[i]) ~ /[:,]WAREHOUSE_METERING(,|$)/) all = 1
			for (i = 1; i <= n; i++) {
				if (parts[i] == "account") { add("*", "*"); continue }
				k = split(substr(parts[i], index(parts[i], ":") + 1), names, /[ \t]*,[ \t]*/)
				for (j = 1; j <= k; j++)
					if (parts[i] ~ /^service:/) add(toupper(names[j]), "*")
					else if (!all) add("WAREHOUSE_METERING", toupper(names[j]))
			}
			name = ""
		}
		function add(st, ent) {
			if (!((st, ent) in seen)) printf "%s\t%s\t%s\n", name, st, ent >(out ".parts")
			seen[st, ent] = 1
		}
		/^\[/ { flush() }
		/^\[budget / { name = $0; sub(/^\[budget +/, "", name); sub(/ *\]$/, "", name)
			conn = ""; amount = ""; period = "monthly"; scope = "account"; next }
		name != "" && $1 == "connector" { conn = $2 }
		name != "" && $1 == "amount" { amount = $2 }
		name != "" && $1 == "period" { period = $2 }
		name != "" && $1 == "scope" { scope = $2 }
		END { flush() }' "$1"
}
budget_tables "$conf" "$FG_TMP/ref"
fg_sql "CREATE SCHEMA bench;
	CREATE TABLE bench.budget (name text PRIMARY KEY, connector text NOT NULL,
		amount numeric NOT NULL, period text NOT NULL);
	CREATE TABLE bench.budget_part (name text NOT NULL REFERENCES bench.budget,
		service_type text NOT NULL, entity text NOT NULL)"
psql -X -q -d flakeguard -v ON_ERROR_STOP=1 \
	-c "\\copy bench.budget FROM '$FG_TMP/ref.budgets'" \
	-c "\\copy bench.budget_part FROM '$FG_TMP/ref.parts'" \
	-c "ANALYZE bench.budget; ANALYZE bench.budget_part"
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
# The full-figures query, without its full-line comments.
full=$(sed '/^--/d' "$FG_SOURCE_DIR/bench/budgetcheck/reference.sql")
hw="" hs="" fw="" fs="" tw="" ts=""
for i in $(seq "$REPEAT"); do
	l0=$(wc -l <"$FG_TMP/pg.log")
	t0=$(now)
	psql -X -q -At -F ' ' -d flakeguard -c "$hand" >"$FG_TMP/hand.txt"
	t1=$(now)
	hw="$hw $(echo "$t1 - $t0" | bc)"
	hs="$hs $(server_ms "$l0" "statement: WITH b AS (SELECT name, period, scope")"
	l0=$(wc -l <"$FG_TMP/pg.log")
	t0=$(now)
	psql -X -q -At -F ' ' -d flakeguard -c "$full" >"$FG_TMP/full.txt"
	t1=$(now)
	fw="$fw $(echo "$t1 - $t0" | bc)"
	fs="$fs $(server_ms "$l0" "statement: WITH today AS (SELECT date")"
	l0=$(wc -l <"$FG_TMP/pg.log")
	t0=$(now)
	budgetcheck -c "$conf" --dry-run --json >"$FG_TMP/dry.json"
	t1=$(now)
	tw="$tw $(echo "$t1 - $t0" | bc)"
	ts="$ts $(server_ms "$l0" "<unnamed>: WITH b AS ( SELECT t.idx")"
done
hand_wall=$(med "$hw") hand_server=$(med "$hs") full_wall=$(med "$fw") full_server=$(med "$fs")
tool_wall=$(med "$tw") tool_server=$(med "$ts")
echo "# the ratios, medians of $REPEAT runs taking turns"
printf '%-34s %7.3f s wall  %7.1f ms in the server\n' "hand-written query (spend only)" "$hand_wall" "$hand_server"
printf '%-34s %7.3f s wall  %7.1f ms in the server\n' "hand-written query (full figures)" "$full_wall" "$full_server"
printf '%-34s %7.3f s wall  %7.1f ms evaluation (parse + bind + execute)\n' \
	"budgetcheck --dry-run --json" "$tool_wall" "$tool_server"
printf '%-34s %7.2f wall    %7.2f server\n' "ratio x spend-only reference" \
	"$(echo "$tool_wall / $hand_wall" | bc -l)" "$(echo "$tool_server / $hand_server" | bc -l)"
printf '%-34s %7.2f wall    %7.2f server\n' "ratio x full-figures reference" \
	"$(echo "$tool_wall / $full_wall" | bc -l)" "$(echo "$tool_server / $full_server" | bc -l)"
echo "# each run, server ms: spend-only${hs}; full-figures${fs}; evaluation${ts}"
if cmp -s "$FG_TMP/tool.txt" "$FG_TMP/hand.txt"; then
	echo "# spend figures: identical for all $NBUDGETS budgets"
else
	echo "# spend figures DIFFER: $(diff "$FG_TMP/tool.txt" "$FG_TMP/hand.txt" | head -n 4 | tr '\n' ' ')"
fi
# Every figure of every budget, budgetcheck --json against the reference:
# name spend percent forecast forecast_low forecast_high (percent is a JSON
# number, printed with its two decimals again).  Prints the number of
# budgets whose figures differ or that one side lacks, then the first
# differences.
compare_full() { # JSON REF LABEL
	local n
	jq -r '.[] | "\(.name) \(.spend) \(.percent) \(.forecast) \(.forecast_low) \(.forecast_high)"' "$1" |
		awk '{ $3 = sprintf("%.2f", $3); print }' | LC_ALL=C sort >"$FG_TMP/cmp-tool.txt"
	LC_ALL=C sort "$2" >"$FG_TMP/cmp-ref.txt"
	LC_ALL=C join -a 1 -a 2 -o auto -e MISSING "$FG_TMP/cmp-tool.txt" "$FG_TMP/cmp-ref.txt" |
		awk '{ for (i = 2; i <= 6; i++) if ($i != $(i + 5)) { print; next } }' >"$FG_TMP/cmp-diff.txt"
	n=$(wc -l <"$FG_TMP/cmp-diff.txt")
	echo "# $3 (spend, percent, forecast, forecast_low, forecast_high):" \
		"$n mismatches in $(wc -l <"$FG_TMP/cmp-tool.txt") budgets"
	head -n 5 "$FG_TMP/cmp-diff.txt" |
		awk '{ printf "#   %s budgetcheck %s %s %s %s %s, reference %s %s %s %s %s\n", $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11 }'
}
compare_full "$FG_TMP/dry.json" "$FG_TMP/full.txt" "full figures"

# The generated costs repeat every week, so there the band's low and high
# equal the forecast and every day has rows.  Not timed: vary the costs
# from week to week, leave days without rows (today's too), add rows whose
# warehouse name differs only in case, and a second connector whose data
# starts four days ago (the 7-day fallback), with budgets of every period
# and kind of scope on it; then compare again.
fg_sql "UPDATE daily_costs SET cost = cost + (day - date '2026-01-01') % 11 * 0.13
		WHERE day >= date '2026-02-01';
	DELETE FROM daily_costs WHERE entity IN ('W0003', 'W0007', 'W0013')
		AND day IN (date '2026-02-22', date '2026-03-01', date '2026-03-04', date '2026-03-15');
	INSERT INTO daily_costs (connector, day, service_type, entity, cost, currency)
	SELECT 'prod', d::date, 'WAREHOUSE_METERING', 'w0011', 0.25 * (d::date - date '2026-03-01'), 'USD'
	FROM generate_series(date '2026-02-20', date '2026-03-15', interval '1 day') AS d
	WHERE extract(isodow FROM d) IN (2, 6);
	INSERT INTO daily_costs (connector, day, service_type, entity, cost, currency)
	SELECT 'fresh', d::date, CASE WHEN w = 3 THEN 'CLOUD_SERVICES' ELSE 'WAREHOUSE_METERING' END,
	       CASE WHEN w = 3 THEN '' ELSE 'F' || w END,
	       round((2 + w * 1.5 + (d::date - date '2026-03-10') * 0.31)::numeric, 6), 'USD'
	FROM generate_series(date '2026-03-11', date '2026-03-15', interval '1 day') AS d,
	     generate_series(0, 3) AS w
	WHERE NOT (w = 1 AND d::date = date '2026-03-13');
	ANALYZE daily_costs"
vconf=$({
	cat "$conf"
	printf '[connector fresh]\nodbc = DSN=none\n'
	for p in "${PERIODS[@]}"; do
		printf '[budget fresh_%s_a]\nconnector = fresh\namount = 100\nperiod = %s\nscope = warehouse:F0,f1\nnotify = ops\n' "$p" "$p"
		printf '[budget fresh_%s_b]\nconnector = fresh\namount = 250.25\nperiod = %s\nnotify = ops\n' "$p" "$p"
		printf '[budget fresh_%s_c]\nconnector = fresh\namount = 40\nperiod = %s\nscope = service:cloud_services+warehouse:F2\nnotify = ops\n' "$p" "$p"
	done
} | fg_config varied.conf)
budget_tables "$vconf" "$FG_TMP/varied"
psql -X -q -d flakeguard -v ON_ERROR_STOP=1 -c "TRUNCATE bench.budget_part, bench.budget" \
	-c "\\copy bench.budget FROM '$FG_TMP/varied.budgets'" \
	-c "\\copy bench.budget_part FROM '$FG_TMP/varied.parts'" \
	-c "ANALYZE bench.budget; ANALYZE bench.budget_part"
budgetcheck -c "$vconf" --dry-run --json >"$FG_TMP/varied.json"
psql -X -q -At -F ' ' -d flakeguard -c "$full" >"$FG_TMP/varied.txt"
compare_full "$FG_TMP/varied.json" "$FG_TMP/varied.txt" "full figures on varied data"
echo "# load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs ($(uptime | sed 's/^ *//'))"

#!/usr/bin/env bash
# costsync attribution: per UTC day and warehouse, attributed compute plus
# the idle row equals the warehouse compute stored in daily_costs exactly,
# and the idle row equals credits_used_compute minus
# credits_attributed_compute_queries; per user, role and tag the cost is
# the hand-computed truth to the cent; roles come from QUERY_HISTORY; the
# top query hashes keep attribution_top_queries per day and warehouse and
# fold the rest into '(other)'; the lookback window picks up a revised
# query; a view the role cannot read is one warning, the costs still sync.
. "$(dirname "$0")/../lib/harness.sh"
fg_setup
export FLAKEGUARD_NOW=2026-03-15T10:00:00Z

fg_sim "ALTER DATABASE snowflake SET timezone = 'America/Los_Angeles'" >/dev/null
fg_sim "SELECT account_usage.generate_costs('2026-02-20', 24, 3, 7)" >/dev/null
fg_sim "SELECT account_usage.generate_attribution('2026-02-20', 24, 7, 40, 5, 6, 4)" >/dev/null
# A query without a QUERY_HISTORY row (role ''), and one without a hash.
fg_sim "INSERT INTO account_usage.query_attribution_history VALUES
 ('lone-1', NULL, NULL, 1, 'WH_001', 'h', NULL, 'team=x', 'LONER', '2026-03-12 23:59:59+00',
  '2026-03-13 00:00:01+00', 5, 0.25)"

cfg=$(fg_config costsync.conf <<C
[database]
conninfo =

[connector prod]
odbc = $FG_SIM_ODBC
credit_price = 3.00
currency = USD
backfill_days = 20
attribution_top_queries = 5

[connector euro]
odbc = $FG_SIM_ODBC
use_org_rates = true
currency = EUR
backfill_days = 20
C
)
sed -i 's/currency = EUR/currency = USD/' "$cfg"

fg_run costsync -c "$cfg" --json
fg_eq "sync exits 0" 0 "$FG_RC"
fg_eq "sync is silent" "" "$FG_ERR"
fg_eq "attribution reported in --json" "true true" \
	"$(printf '%s' "$FG_OUT" | jq -r '[.connectors[].attribution.available] | join(" ")')"

for conn in prod euro; do
	fg_eq "$conn: attributed + idle = stored warehouse compute, every day and warehouse, exactly" "" \
		"$(fg_sql "SELECT m.day || ' ' || m.entity || ' ' || m.cost || ' <> ' ||
			coalesce(a.cost, 0) || ' + ' || coalesce(i.cost, 0)
		FROM daily_costs m
		LEFT JOIN (SELECT day, warehouse, sum(cost) AS cost FROM attributed_costs
			WHERE connector = '$conn' GROUP BY 1, 2) a ON a.day = m.day AND a.warehouse = m.entity
		LEFT JOIN warehouse_idle i ON i.connector = m.connector AND i.day = m.day AND i.warehouse = m.entity
		WHERE m.connector = '$conn' AND m.service_type = 'WAREHOUSE_METERING'
			AND m.cost IS DISTINCT FROM coalesce(a.cost, 0) + coalesce(i.cost, 0)")"
	fg_eq "$conn: every stored warehouse day has its idle row" \
		"$(fg_sql "SELECT count(*) FROM daily_costs WHERE connector = '$conn' AND service_type = 'WAREHOUSE_METERING'")" \
		"$(fg_sql "SELECT count(*) FROM warehouse_idle WHERE connector = '$conn'")"
	fg_eq "$conn: query hashes add up to the attributed compute of each day and warehouse" "" \
		"$(fg_sql "SELECT a.day || ' ' || a.warehouse FROM
			(SELECT day, warehouse, sum(cost) c, sum(queries) n FROM attributed_costs WHERE connector = '$conn' GROUP BY 1, 2) a
			FULL JOIN (SELECT day, warehouse, sum(cost) c, sum(queries) n FROM attributed_queries WHERE connector = '$conn' GROUP BY 1, 2) q
			USING (day, warehouse) WHERE a.c IS DISTINCT FROM q.c OR a.n IS DISTINCT FROM q.n")"
done

# Idle from the simulator's hourly metering, in credits, per UTC day; the
# planted lone query ran on WH_001 on 2026-03-12 beyond what was metered.
fg_sim "SELECT CAST(start_time AT TIME ZONE 'UTC' AS date) || ' ' || warehouse_name || ' ' ||
	(sum(credits_used_compute - credits_attributed_compute_queries)
	 - CASE WHEN CAST(start_time AT TIME ZONE 'UTC' AS date) = '2026-03-12' AND warehouse_name = 'WH_001'
	   THEN 5 ELSE 0 END)
	FROM account_usage.warehouse_metering_history
	WHERE CAST(start_time AT TIME ZONE 'UTC' AS date) BETWEEN '2026-02-24' AND '2026-03-15'
	GROUP BY CAST(start_time AT TIME ZONE 'UTC' AS date), warehouse_name ORDER BY 1" >"$FG_TMP/idle.exp"
fg_sql "SELECT day || ' ' || warehouse || ' ' || credits FROM warehouse_idle
	WHERE connector = 'prod' ORDER BY 1" | sed 's/\.\?0*$//' >"$FG_TMP/idle.act"
sed -i 's/\.\?0*$//' "$FG_TMP/idle.exp"
fg_check "idle credits = credits_used_compute - credits_attributed_compute_queries, every day" \
	diff "$FG_TMP/idle.exp" "$FG_TMP/idle.act"

# Per user, role and tag, from the raw view and QUERY_HISTORY, to the cent.
truth() { # $1: expression of the dimension
	fg_sim "SELECT $1 || '|' || round(sum(a.credits_attributed_compute) * 3, 2)
	FROM account_usage.query_attribution_history a
	LEFT JOIN account_usage.query_history q USING (query_id)
	WHERE CAST(a.start_time AT TIME ZONE 'UTC' AS date) BETWEEN '2026-02-24' AND '2026-03-15'
	GROUP BY $1 ORDER BY 1"
}
stored() {
	fg_sql "SELECT $1 || '|' || round(sum(cost), 2) FROM attributed_costs WHERE connector = 'prod' GROUP BY $1 ORDER BY 1"
}
fg_check "per user, to the cent" diff <(truth "a.user_name") <(stored user_name)
fg_check "per role (from QUERY_HISTORY), to the cent" diff <(truth "coalesce(q.role_name, '')") <(stored role_name)
fg_check "per query tag, to the cent" diff <(truth "a.query_tag") <(stored query_tag)
fg_eq "attribution_daily rolls every dimension up exactly" "" \
	"$(fg_sql "SELECT d.dimension || ' ' || d.name FROM attribution_daily d
		JOIN (SELECT connector, day, 'user' dim, user_name n, sum(cost + qas_cost) c FROM attributed_costs GROUP BY 1, 2, 4
		UNION ALL SELECT connector, day, 'role', role_name, sum(cost + qas_cost) FROM attributed_costs GROUP BY 1, 2, 4
		UNION ALL SELECT connector, day, 'query_tag', query_tag, sum(cost + qas_cost) FROM attributed_costs GROUP BY 1, 2, 4) a
		ON a.connector = d.connector AND a.day = d.day AND a.dim = d.dimension AND a.n = d.name
		WHERE a.c IS DISTINCT FROM d.cost")"
fg_eq "attribution_daily has every (day, user)" \
	"$(fg_sql "SELECT count(DISTINCT (connector, day, user_name)) FROM attributed_costs")" \
	"$(fg_sql "SELECT count(*) FROM attribution_daily WHERE dimension = 'user'")"
fg_eq "a query without a QUERY_HISTORY row has role ''" "|LONER|5|0.25|15.00|0.75" \
	"$(fg_sql "SELECT role_name || '|' || user_name || '|' || credits::float || '|' || credits_qas::float
		|| '|' || round(cost, 2) || '|' || round(qas_cost, 2) FROM attributed_costs WHERE user_name = 'LONER'
		AND connector = 'prod'")"

fg_eq "at most top 5 hashes + (other) per day and warehouse" "6" \
	"$(fg_sql "SELECT max(n) FROM (SELECT count(*) n FROM attributed_queries WHERE connector = 'prod' GROUP BY day, warehouse) x")"
fg_eq "the folded row has no sample id" "0" \
	"$(fg_sql "SELECT count(*) FROM attributed_queries WHERE query_hash = '(other)' AND sample_query_id IS NOT NULL")"
fg_eq "a query without a hash is (none)" "(none)|lone-1" \
	"$(fg_sql "SELECT query_hash || '|' || sample_query_id FROM attributed_queries WHERE connector = 'prod'
		AND day = '2026-03-12' AND warehouse = 'WH_001' AND query_hash = '(none)'")"
top=$(fg_sim "SELECT query_parameterized_hash FROM account_usage.query_attribution_history
	WHERE start_time >= '2026-03-01 00:00+00' AND start_time < '2026-03-02 00:00+00' AND warehouse_name = 'WH_002'
	GROUP BY 1 ORDER BY sum(credits_attributed_compute) DESC, 1 LIMIT 5" | sort | tr '\n' ' ')
fg_eq "the top 5 are the most expensive hashes" "$top" \
	"$(fg_sql "SELECT query_hash FROM attributed_queries WHERE connector = 'prod' AND day = '2026-03-01'
		AND warehouse = 'WH_002' AND query_hash <> '(other)' ORDER BY 1" | tr '\n' ' ')"

# Re-run: idempotent.  A revised query inside the lookback window is picked up.
before=$(fg_sql "SELECT md5(string_agg(a::text, ',' ORDER BY a::text)) FROM attributed_costs a")
fg_run costsync -c "$cfg"
fg_eq "re-run exits 0" 0 "$FG_RC"
fg_eq "re-run changes nothing" "$before" \
	"$(fg_sql "SELECT md5(string_agg(a::text, ',' ORDER BY a::text)) FROM attributed_costs a")"
fg_sim "UPDATE account_usage.query_attribution_history SET credits_attributed_compute = credits_attributed_compute + 1
	WHERE query_id = 'lone-1'"
fg_run costsync -c "$cfg" --connector prod
fg_eq "revised query: re-read in the lookback window" "6|18.00" \
	"$(fg_sql "SELECT credits::float || '|' || round(cost, 2) FROM attributed_costs WHERE user_name = 'LONER' AND connector = 'prod'")"
fg_eq "revised query: still adds up" "0" \
	"$(fg_sql "SELECT count(*) FROM daily_costs m JOIN (SELECT day, warehouse, sum(cost) c FROM attributed_costs
		WHERE connector = 'prod' GROUP BY 1, 2) a ON a.day = m.day AND a.warehouse = m.entity
		JOIN warehouse_idle i ON i.connector = m.connector AND i.day = m.day AND i.warehouse = m.entity
		WHERE m.connector = 'prod' AND m.service_type = 'WAREHOUSE_METERING' AND m.cost <> a.c + i.cost")"

# A day the view no longer reports (its lag, the end of its retention) is
# left alone; a day it reports again is replaced as a whole, roll-up too.
day_state() {
	fg_sql "SELECT md5(string_agg(x, ',' ORDER BY x)) FROM (
		SELECT a::text x FROM attributed_costs a WHERE connector = 'prod' AND day = '$1'
		UNION ALL SELECT q::text FROM attributed_queries q WHERE connector = 'prod' AND day = '$1'
		UNION ALL SELECT d::text FROM attribution_daily d WHERE connector = 'prod' AND day = '$1') s"
}
kept=$(day_state 2026-03-05)
fg_sim "CREATE TABLE public.qah_0305 AS SELECT * FROM account_usage.query_attribution_history
	WHERE start_time >= '2026-03-05 00:00+00' AND start_time < '2026-03-06 00:00+00';
	DELETE FROM account_usage.query_attribution_history
	WHERE start_time >= '2026-03-05 00:00+00' AND start_time < '2026-03-06 00:00+00';
	UPDATE account_usage.query_attribution_history SET user_name = 'NEWCOMER' WHERE query_id = 'lone-1'" >/dev/null
fg_run costsync -c "$cfg" --connector prod --since 2026-03-01
fg_eq "unreported day: sync exits 0" 0 "$FG_RC"
fg_eq "unreported day: its attribution, query hashes and roll-up kept" "$kept" "$(day_state 2026-03-05)"
fg_eq "reported day: the user gone from it is gone" "0 0" \
	"$(fg_sql "SELECT (SELECT count(*) FROM attributed_costs WHERE user_name = 'LONER' AND connector = 'prod')
		|| ' ' || (SELECT count(*) FROM attribution_daily WHERE name = 'LONER' AND connector = 'prod')")"
fg_eq "reported day: the new user is there, rolled up" "1 18.75" \
	"$(fg_sql "SELECT (SELECT count(*) FROM attributed_costs WHERE user_name = 'NEWCOMER' AND connector = 'prod')
		|| ' ' || (SELECT round(cost, 2) FROM attribution_daily WHERE name = 'NEWCOMER' AND connector = 'prod')")"
fg_eq "unreported day: still adds up" "0" \
	"$(fg_sql "SELECT count(*) FROM daily_costs m JOIN (SELECT day, warehouse, sum(cost) c FROM attributed_costs
		WHERE connector = 'prod' GROUP BY 1, 2) a ON a.day = m.day AND a.warehouse = m.entity
		JOIN warehouse_idle i ON i.connector = m.connector AND i.day = m.day AND i.warehouse = m.entity
		WHERE m.connector = 'prod' AND m.service_type = 'WAREHOUSE_METERING' AND m.cost <> a.c + i.cost")"
fg_eq "unreported day: its idle compute is still there" "" \
	"$(fg_sql "SELECT DISTINCT a.day FROM attributed_costs a LEFT JOIN warehouse_idle i ON i.connector = a.connector
		AND i.day = a.day AND i.warehouse = a.warehouse WHERE a.connector = 'prod' AND i.day IS NULL")"
fg_sim "INSERT INTO account_usage.query_attribution_history SELECT * FROM public.qah_0305;
	UPDATE account_usage.query_attribution_history SET user_name = 'LONER' WHERE query_id = 'lone-1'" >/dev/null
fg_run costsync -c "$cfg" --connector prod --since 2026-03-01
fg_eq "day reported again: as before" "$kept" "$(day_state 2026-03-05)"

# The view missing (an edition without it, a role without the grant):
# one warning per connector, costs still synced, attribution kept.
fg_sim "ALTER TABLE account_usage.query_attribution_history RENAME TO qah_hidden"
fg_sim "UPDATE account_usage.warehouse_metering_history SET credits_used_compute = credits_used_compute + 2
	WHERE warehouse_name = 'WH_003' AND start_time = '2026-03-14 10:00+00'"
fg_run costsync -c "$cfg" --connector prod
fg_eq "missing view: exit 0" 0 "$FG_RC"
fg_eq "missing view: one warning line" 1 "$(printf '%s\n' "$FG_ERR" | grep -c .)"
fg_match "the warning names the connector and the view" \
	"warning: connector 'prod': cannot read SNOWFLAKE.ACCOUNT_USAGE.QUERY_ATTRIBUTION_HISTORY: .*cost attribution skipped" "$FG_ERR"
fg_eq "missing view: costs still synced" "t" \
	"$(fg_sql "SELECT credits > 2 FROM daily_costs WHERE connector = 'prod' AND day = '2026-03-14' AND entity = 'WH_003'")"
fg_eq "missing view: recorded" "f" "$(fg_sql "SELECT available FROM attribution_state WHERE connector = 'prod'")"
fg_eq "missing view: earlier attribution kept" "1" \
	"$(fg_sql "SELECT count(*) FROM attributed_costs WHERE user_name = 'LONER' AND connector = 'prod'")"
fg_sim "ALTER TABLE account_usage.qah_hidden RENAME TO query_attribution_history"
fg_run costsync -c "$cfg" --connector prod
fg_eq "view back: available again" "t" "$(fg_sql "SELECT available FROM attribution_state WHERE connector = 'prod'")"
fg_eq "view back: the idle row absorbs the new compute" "" \
	"$(fg_sql "SELECT m.day FROM daily_costs m JOIN warehouse_idle i ON i.connector = m.connector AND i.day = m.day
		AND i.warehouse = m.entity JOIN (SELECT day, warehouse, sum(cost) c FROM attributed_costs WHERE connector = 'prod'
		GROUP BY 1, 2) a ON a.day = m.day AND a.warehouse = m.entity
		WHERE m.connector = 'prod' AND m.service_type = 'WAREHOUSE_METERING' AND m.cost <> a.c + i.cost")"

# A malformed number in the view: exit 65 naming view, row and column;
# nothing of the connector is written.
before=$(fg_sql "SELECT md5(string_agg(a::text, ',' ORDER BY a::text)) FROM attributed_costs a")
fg_sim "INSERT INTO account_usage.query_attribution_history VALUES
 ('nan-1', NULL, NULL, 1, 'WH_001', 'h2', NULL, '', 'NANNY', '2026-03-13 10:00:00+00',
  '2026-03-13 10:00:01+00', 'NaN', 0)"
fg_run costsync -c "$cfg" --connector prod
fg_eq "malformed attributed credits exit 65" 65 "$FG_RC"
fg_match "the error names view, row and column" \
	"connector 'prod': malformed number 'NaN' in QUERY_ATTRIBUTION_HISTORY row [0-9]+ column CREDITS_ATTRIBUTED_COMPUTE \(day 2026-03-13\)" "$FG_ERR"
fg_eq "malformed attributed credits: one error line" 1 "$(printf '%s\n' "$FG_ERR" | grep -c .)"
fg_eq "malformed attributed credits: nothing written" "$before" \
	"$(fg_sql "SELECT md5(string_agg(a::text, ',' ORDER BY a::text)) FROM attributed_costs a")"
fg_sim "DELETE FROM account_usage.query_attribution_history WHERE query_id = 'nan-1'"

# Bad top-N value: the configuration error names the file and line.
bad=$(fg_config bad.conf <<C
[connector prod]
odbc = $FG_SIM_ODBC
credit_price = 3
attribution_top_queries = lots
C
)
fg_run costsync -c "$bad"
fg_eq "bad attribution_top_queries exits 78" 78 "$FG_RC"
fg_match "bad attribution_top_queries names file and line" "bad.conf:4:.*attribution_top_queries" "$FG_ERR"
fg_done

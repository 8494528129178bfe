#!/bin/bash
# Cost anomalies from attribution: a planted user whose queries drive a
# warehouse spike is named, with the planted query hash and its query
# count against the usual, in the warehouse's alert; the user's and its
# tag's own series are judged and spike with the warehouse named below
# them; a contributor whose change is noise beside the spike is left
# out; a connector whose sync could not read the attribution has no user
# or query tag series, no attributed contributors and no error, even
# with stale attribution rows; more users, the same statements.
. "$FG_SOURCE_DIR/tests/lib/harness.sh"
fg_setup

conf=$(fg_config bc.conf <<CONF
[connector prod]
odbc = $FG_SIM_ODBC
[connector bare]
odbc = $FG_SIM_ODBC
[channel ops]
type = webhook
url = http://127.0.0.1:9/hook
[anomaly]
notify = ops
CONF
)
export FLAKEGUARD_NOW=2026-03-10T10:00:00Z
fg_run budgetcheck -c "$conf"
fg_eq "schema created" 0 "$FG_RC"

# 68 days to 2026-03-09 of WH_ETL, whose queries are three users' (one
# tag and one parameterized hash each, +-5 % noise) plus 40 of idle
# time, and cloud services.  The planted user SVC_DBT usually spends about
# 10 in 30 queries; on Monday 2026-03-09, 900 in 412.  Both connectors
# hold the same rows; only prod's sync could read the attribution.
hash=8f3a9c0d1e2f8f3a9c0d1e2f8f3a9c0d
fg_sql "CREATE TABLE public.plant AS
	SELECT c, date '2026-01-01' + i AS day, u, tag, h,
		round(base * (1 + 0.05 * ((i * 37 + length(u)) % 11 - 5) / 5.0), 2) AS cost, runs::bigint AS runs
	FROM generate_series(0, 67) AS i, (VALUES ('prod'), ('bare')) AS cn(c),
	(VALUES ('ALICE', 'team=a', 'aaaa1111aaaa1111aaaa1111aaaa1111', 150, 50),
		('BOB', 'team=b', 'bbbb2222bbbb2222bbbb2222bbbb2222', 100, 40),
		('SVC_DBT', 'team=dbt', '$hash', 10, 30)) AS v(u, tag, h, base, runs)"
fg_sql "UPDATE public.plant SET cost = 900, runs = 412 WHERE u = 'SVC_DBT' AND day = '2026-03-09'"
fg_sql "INSERT INTO daily_costs (connector, day, service_type, entity, cost, currency)
	SELECT c, day, 'WAREHOUSE_METERING', 'WH_ETL', sum(cost) + 40, 'USD' FROM public.plant GROUP BY 1, 2
	UNION ALL
	SELECT DISTINCT c, day, 'CLOUD_SERVICES', '', 12, 'USD' FROM public.plant"
fg_sql "INSERT INTO attributed_costs (connector, day, warehouse, user_name, role_name, query_tag, queries,
		credits, credits_qas, rate, qas_rate, currency)
	SELECT c, day, 'WH_ETL', u, 'ROLE_' || u, tag, runs, cost, 0, 1, 1, 'USD' FROM public.plant"
fg_sql "INSERT INTO attributed_queries (connector, day, warehouse, query_hash, queries, credits, credits_qas,
		rate, qas_rate, currency)
	SELECT c, day, 'WH_ETL', h, runs, cost, 0, 1, 1, 'USD' FROM public.plant"
fg_sql "INSERT INTO warehouse_idle (connector, day, warehouse, credits, cost, currency)
	SELECT DISTINCT c, day, 'WH_ETL', NULL::numeric, 40, 'USD' FROM public.plant"
fg_sql "INSERT INTO attribution_daily (connector, day, dimension, name, queries, cost)
	SELECT c, day, 'user', u, runs, cost FROM public.plant
	UNION ALL
	SELECT c, day, 'query_tag', tag, runs, cost FROM public.plant"
fg_sql "INSERT INTO attribution_state (connector, available, checked_at, reason)
	VALUES ('prod', true, now(), NULL), ('bare', false, now(), 'insufficient privileges')"

fg_run budgetcheck -c "$conf" --json
fg_eq "run exits 0" 0 "$FG_RC"
fg_eq "silent: no word about the connector without attribution" "" "$FG_ERR"
fg_eq "the planted user is its own anomaly, and its tag; none without attribution" \
	"bare|account|
bare|service|WAREHOUSE_METERING
bare|warehouse|WH_ETL
prod|account|
prod|query_tag|TEAM=DBT
prod|service|WAREHOUSE_METERING
prod|user|SVC_DBT
prod|warehouse|WH_ETL" \
	"$(fg_sql "SELECT connector, dimension, series FROM anomalies WHERE day = '2026-03-09' ORDER BY 1, 2, 3")"
fg_eq "no other day is anomalous" 0 "$(fg_sql "SELECT count(*) FROM anomalies WHERE day <> '2026-03-09'")"
wh=$(fg_sql "SELECT explanation FROM anomalies WHERE connector = 'prod' AND dimension = 'warehouse'")
fg_match "warehouse alert names the planted user first, then its query hash with its runs" \
	'^warehouse WH_ETL spent [0-9.]+ USD on Mon 2026-03-09, .*; user SVC_DBT \+[0-9.]+ \(900\.00, usually [0-9.]+\), .*query 8f3a9c0d1e2f… \+[0-9.]+ \(900\.00, usually [0-9.]+\) ran 412 times \(usually 30\)' "$wh"
fg_nomatch "a user whose change is noise beside the spike is left out" "user ALICE" "$wh"
fg_eq "contributors keep the whole hash and both counts" "SVC_DBT|$hash:412:30" \
	"$(fg_sql "SELECT (SELECT c->>'series' FROM jsonb_array_elements(contributors) c WHERE c->>'dimension' = 'user' LIMIT 1)
		|| '|' || (SELECT (c->>'series') || ':' || (c->>'queries') || ':' || (c->>'usual_queries')
		FROM jsonb_array_elements(contributors) c WHERE c->>'dimension' = 'query' LIMIT 1)
		FROM anomalies WHERE connector = 'prod' AND dimension = 'warehouse'")"
fg_match "the notification's fields name the user and the hash with its runs" \
	"^user SVC_DBT \\+[0-9.]+, .*query $hash \\+[0-9.]+ ran 412 times \\(usually 30\\)" \
	"$(fg_sql "SELECT fields->>'contributors' FROM notifications WHERE dedup_key LIKE 'anomaly:prod:warehouse:%'")"
fg_match "the user's alert names the warehouse below it" \
	'^user SVC_DBT spent 900\.00 USD on Mon 2026-03-09, expected [0-9.]+ \([0-9.]+ to [0-9.]+ on the last 8 Mondays\): \+[0-9.]+, [0-9.]+ spreads of [0-9.]+; warehouse WH_ETL \+[0-9.]+ \(900\.00, usually [0-9.]+\)$' \
	"$(fg_sql "SELECT explanation FROM anomalies WHERE dimension = 'user'")"
fg_match "the tag's alert names the warehouse below it" '; warehouse WH_ETL \+[0-9.]+ \(900\.00, ' \
	"$(fg_sql "SELECT explanation FROM anomalies WHERE dimension = 'query_tag'")"
fg_eq "without attribution a warehouse has no level below" "[]" \
	"$(fg_sql "SELECT contributors FROM anomalies WHERE connector = 'bare' AND dimension = 'warehouse'")"
fg_match "the account alert still names service types and warehouses" \
	'; service WAREHOUSE_METERING \+[0-9.]+ \([0-9.]+, usually [0-9.]+\), warehouse WH_ETL \+' \
	"$(fg_sql "SELECT explanation FROM anomalies WHERE connector = 'prod' AND dimension = 'account'")"

# dimensions chooses: without user and query_tag, no such series.
narrow=$(fg_config narrow.conf <<CONF
[connector prod]
odbc = $FG_SIM_ODBC
anomaly_dimensions = warehouse, query_tag
[anomaly]
enabled = true
CONF
)
fg_run budgetcheck -c "$narrow" --anomalies --since 2026-03-09 --until 2026-03-09 --json
fg_eq "anomaly_dimensions = warehouse, query_tag" "query_tag:TEAM=DBT warehouse:WH_ETL" \
	"$(jq -r '[.flagged[] | "\(.dimension):\(.series)"] | sort | join(" ")' <<<"$FG_OUT")"

# Set-based: 30 more users, the same number of statements.
stmts() { fg_sql "SELECT counts->>'statements' FROM job_runs WHERE job = 'budgetcheck' ORDER BY id DESC LIMIT 1"; }
fg_run budgetcheck -c "$conf" -v
fg_match "-v: users and tags judged" "judged 14 cost series from 2026-03-07 to 2026-03-09: 0 new anomalies" "$FG_ERR"
before=$(stmts)
fg_sql "INSERT INTO attribution_daily (connector, day, dimension, name, queries, cost)
	SELECT 'prod', day, 'user', 'MORE_' || w, 1, 20 + w FROM (SELECT DISTINCT day FROM public.plant) d,
	generate_series(1, 30) AS w"
fg_run budgetcheck -c "$conf" -v
fg_match "-v: 30 more series" "judged 44 cost series from 2026-03-07 to 2026-03-09: 0 new anomalies" "$FG_ERR"
fg_eq "statements do not grow with the users" "$before" "$(stmts)"
fg_done

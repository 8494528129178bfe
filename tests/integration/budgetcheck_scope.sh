#!/bin/bash
# budgetcheck scopes: account, warehouse:A,B, service:T and combinations
# sum exactly the cost rows HACKING.md (What spend means) says they mean, compared
# with hand-computed sums of generated data.  Service types match under the
# names users meet (SNOWPIPE is costsync's PIPE), and a scope naming a
# warehouse or type with no cost row says so instead of reading 0.00 %.
. "$FG_SOURCE_DIR/tests/lib/harness.sh"
fg_setup
export FLAKEGUARD_NOW=2026-03-10T18:00:00Z

conf=$(fg_config bc.conf <<CONF
[connector prod]
odbc = $FG_SIM_ODBC
[connector dev]
odbc = $FG_SIM_ODBC
[budget acct]
connector = prod
amount = 1000
[budget etl]
connector = prod
amount = 1000
scope = warehouse:ETL_WH
[budget two]
connector = prod
amount = 1000
scope = warehouse:ETL_WH, LOAD_WH
[budget case]
connector = prod
amount = 1000
scope = warehouse:AdHoc_WH
[budget pipe]
connector = prod
amount = 1000
scope = service:SNOWPIPE
[budget svc2]
connector = prod
amount = 1000
scope = service:snowpipe,STORAGE
[budget combo]
connector = prod
amount = 1000
scope = warehouse:ETL_WH + service:SNOWPIPE
[budget overlap]
connector = prod
amount = 1000
scope = warehouse:ETL_WH+service:WAREHOUSE_METERING
[budget overlap2]
connector = prod
amount = 1000
scope = service:CLOUD_SERVICES,WAREHOUSE_METERING+warehouse:ETL_WH+warehouse:BI_WH
[budget devetl]
connector = dev
amount = 1000
scope = warehouse:ETL_WH
[budget none]
connector = prod
amount = 1000
scope = warehouse:NOPE_WH
[budget typo]
connector = prod
amount = 1000
scope = warehouse:ETL_HW + service:Snowpipe
[budget tasks]
connector = prod
amount = 1000
scope = service:serverless tasks
CONF
)
fg_run budgetcheck -c "$conf"
fg_eq "schema created" 0 "$FG_RC"

# Ten days, 2026-03-01 .. 03-10, of (per day):
#   compute ETL_WH 1, LOAD_WH 2, BI_WH 4, adhoc_wh 8 (lower case in the source)
#   CLOUD_SERVICES 0.5, PIPE (Snowpipe, as costsync stores it) PIPE_A 0.25
#   + PIPE_B 0.125, STORAGE 3,
#   DATA_TRANSFER 0.1, SEARCH_OPTIMIZATION on entity ETL_WH 16 (not compute);
# dev: ETL_WH 100.  February rows must not count.
fg_sql "INSERT INTO daily_costs (connector, day, service_type, entity, cost, currency)
	SELECT c.connector, t::date, c.st, c.ent, c.cost, 'USD'
	FROM generate_series(timestamp '2026-02-25', timestamp '2026-03-10', interval '1 day') AS t,
	(VALUES ('prod', 'WAREHOUSE_METERING', 'ETL_WH', 1), ('prod', 'WAREHOUSE_METERING', 'LOAD_WH', 2),
	        ('prod', 'WAREHOUSE_METERING', 'BI_WH', 4), ('prod', 'WAREHOUSE_METERING', 'adhoc_wh', 8),
	        ('prod', 'CLOUD_SERVICES', '', 0.5), ('prod', 'PIPE', 'PIPE_A', 0.25),
	        ('prod', 'PIPE', 'PIPE_B', 0.125), ('prod', 'STORAGE', '', 3),
	        ('prod', 'DATA_TRANSFER', '', 0.1), ('prod', 'SEARCH_OPTIMIZATION', 'ETL_WH', 16),
	        ('dev', 'WAREHOUSE_METERING', 'ETL_WH', 100)) AS c(connector, st, ent, cost)"

fg_run budgetcheck -c "$conf" --dry-run --json
fg_eq "dry run exits 0" 0 "$FG_RC"
spend() { jq -r --arg n "$1" '.[] | select(.name == $n) | .spend' <<<"$FG_OUT"; }
fg_eq "account: every row of the connector" "349.75" "$(spend acct)"
fg_eq "warehouse: compute of that warehouse only" "10.00" "$(spend etl)"
fg_eq "two warehouses" "30.00" "$(spend two)"
fg_eq "warehouse names match in any case" "80.00" "$(spend case)"
fg_eq "service type under its Snowflake Budgets name (SNOWPIPE is PIPE)" "3.75" "$(spend pipe)"
fg_eq "two service types, any case" "33.75" "$(spend svc2)"
fg_eq "warehouse + service" "13.75" "$(spend combo)"
fg_eq "overlapping parts count each row once" "150.00" "$(spend overlap)"
fg_eq "overlap with several parts" "155.00" "$(spend overlap2)"
fg_eq "other connector stays apart" "1000.00" "$(spend devetl)"
fg_eq "unknown warehouse spends nothing" "0.00" "$(spend none)"
fg_eq "warehouse typo plus service: the service still counts" "3.75" "$(spend typo)"
matched() { jq -r --arg n "$1" '.[] | select(.name == $n) | .matched' <<<"$FG_OUT"; }
fg_eq "scopes with cost rows are matched" "true true true true true" \
	"$(for n in acct etl pipe svc2 overlap2; do matched $n; done | xargs)"
fg_eq "unknown warehouse: matched false" "false" "$(matched none)"
fg_eq "one unknown part of several: matched false" "false" "$(matched typo)"
fg_eq "type without rows: matched false" "false" "$(matched tasks)"
fg_eq "one warning per unmatched budget" "3" "$(grep -c "scope of budget '" <<<"$FG_ERR")"
fg_match "warning names budget, warehouse, connector and what to do" \
	"warning: scope of budget 'none' matches no cost: no row since 2025-12-11 on connector 'prod' for warehouse 'NOPE_WH'.*; correct the scope" \
	"$FG_ERR"
fg_match "warning suggests the closest known names" \
	"budget 'typo' .* for warehouse 'ETL_HW' \(closest: ETL_WH" "$FG_ERR"
fg_match "type named as costsync stores it" "budget 'tasks' .* for service type 'SERVERLESS_TASK'" "$FG_ERR"
fg_nomatch "no warning for matched scopes" "budget 'pipe'" "$FG_ERR"
fg_eq "percent and default currency" "34.98 USD" \
	"$(jq -r '.[] | select(.name == "acct") | "\(.percent) \(.currency)"' <<<"$FG_OUT")"

fg_run budgetcheck -c "$conf" --dry-run -v
fg_match "the table shows an unmatched scope" "^none .* unmatched$" "$(grep '^none ' <<<"$FG_OUT")"
fg_match "the table shows a matched one as usual" "^etl .* ok$" "$(grep '^etl ' <<<"$FG_OUT")"

# The check is one statement whatever the number of budgets.
fg_run budgetcheck -c "$conf" --budget acct
one=$(fg_sql "SELECT counts->>'statements' FROM job_runs WHERE job = 'budgetcheck' ORDER BY id DESC LIMIT 1")
fg_run budgetcheck -c "$conf"
all=$(fg_sql "SELECT counts->>'statements' FROM job_runs WHERE job = 'budgetcheck' ORDER BY id DESC LIMIT 1")
fg_eq "statements do not grow with budgets" "$one" "$all"
fg_sql "DELETE FROM budget_alerts; DELETE FROM notifications" >/dev/null

# The same figures from the evaluation that a real run records.
fg_run budgetcheck -c "$conf" --budget devetl --budget acct --json
fg_eq "--budget limits the run" "acct devetl" "$(jq -r '[.[].name] | join(" ")' <<<"$FG_OUT")"
fg_eq "devetl alerts at 50, 75, 90, 100" "50,75,90,100" \
	"$(fg_sql "SELECT string_agg(threshold::text, ',' ORDER BY threshold) FROM budget_alerts WHERE budget = 'devetl'")"
fg_eq "alert records the exact spend" "1000" \
	"$(fg_sql "SELECT DISTINCT spend::text FROM budget_alerts WHERE budget = 'devetl'")"
# acct: 34.975 a day projects to 1084.23 > 1000, a forecast alert.
fg_eq "no alerts for budgets left out" "acct:forecast devetl:actual" \
	"$(fg_sql "SELECT string_agg(DISTINCT budget || ':' || kind, ' ') FROM budget_alerts")"

fg_done

#!/usr/bin/env bash
# Every budget alert says who spent it: the top three contributors one
# level below the scope (account: warehouses and users; warehouse: users
# and query hashes; user: warehouses and query tags; role and tag: users
# and warehouses), each with its amount, share of the spend and change
# against the same days of the previous period, in the body and the
# fields of the message, so Slack, webhooks and PagerDuty all show the
# planted top spender.  One statement, however many budgets alert.
. "$(dirname "$0")/../lib/harness.sh"
fg_setup
export FLAKEGUARD_NOW=2026-03-15T10:00:00Z
fg_httpsink main
HOOK="$FG_SINK_URL/hooks/tokenXYZ"
SLACK="$FG_SINK_URL/services/T0/B0/slackXYZ"
PD="$FG_SINK_URL/v2/enqueue"

fg_sim "SELECT account_usage.generate_costs('2026-01-25', 50, 3, 7)" >/dev/null
fg_sim "SELECT account_usage.generate_attribution('2026-01-25', 50, 7, 40, 5, 6, 4)" >/dev/null
# The planted spender: 300 credits on WH_002 on March 10, metered too.
fg_sim "UPDATE account_usage.warehouse_metering_history SET credits_used_compute = credits_used_compute + 300,
	credits_attributed_compute_queries = credits_attributed_compute_queries + 300
	WHERE warehouse_name = 'WH_002' AND start_time = '2026-03-10 12:00+00'"
fg_sim "INSERT INTO account_usage.query_attribution_history VALUES
 ('big-1', NULL, NULL, 2, 'WH_002', 'hb', 'feedfacefeedfacefeedfacefeedface', 'team=big;job=backfill', 'BIGSPENDER',
  '2026-03-10 12:01+00', '2026-03-10 12:50+00', 300, NULL)"
fg_sim "INSERT INTO account_usage.query_history (query_id, user_name, role_name, warehouse_name, start_time, end_time)
 VALUES ('big-1', 'BIGSPENDER', 'ROLE_BIG', 'WH_002', '2026-03-10 12:01+00', '2026-03-10 12:50+00')"

cfg=$(fg_config bc.conf <<C
[database]
conninfo =
[notify]
backoff_base = 0
[connector prod]
odbc = $FG_SIM_ODBC
credit_price = 3.00
backfill_days = 45
[channel hook]
type = webhook
url = $HOOK
[channel slack]
type = slack
url = $SLACK
rate_per_minute = 0
[channel pager]
type = pagerduty
url = $PD
routing_key = routingkeyXYZ0123456789
[budget acct]
connector = prod
amount = 1000
notify = hook, slack, pager
[budget wh2]
connector = prod
amount = 1000
scope = warehouse:WH_002
notify = hook
[budget big]
connector = prod
amount = 100
scope = user:BIGSPENDER
notify = hook
[budget bigrole]
connector = prod
amount = 100
scope = role:ROLE_BIG
notify = hook
[budget tag]
connector = prod
amount = 100
scope = query_tag:team=big;*
notify = hook
[budget quiet]
connector = prod
amount = 1000
scope = user:USER_0001
C
)
fg_run costsync -c "$cfg"
fg_eq "costsync exits 0" 0 "$FG_RC"
fg_run budgetcheck -c "$cfg"
fg_eq "budgetcheck exits 0" 0 "$FG_RC"
body() { fg_sql "SELECT body FROM notifications WHERE channel = 'hook' AND fields->>'budget' = '$1'"; }
contrib() { # $1 budget, $2 dimension: names of its contributors, in order
	fg_sql "SELECT string_agg(c->>'name', ',' ORDER BY o) FROM notifications,
		jsonb_array_elements(fields->'contributors') WITH ORDINALITY AS e(c, o)
		WHERE channel = 'hook' AND fields->>'budget' = '$1' AND c->>'dimension' = '$2'"
}
fg_match "account: the top user is the planted spender" "Top users: BIGSPENDER 900.00 USD \([0-9.]+% of the spend, none on the same days of the previous period\)" "$(body acct)"
fg_match "account: top warehouses, WH_002 first" "Top warehouses: WH_002 [0-9.]+ USD" "$(body acct)"
fg_eq "account: three of each" "3 3" "$(contrib acct warehouse | tr ',' '\n' | wc -l) $(contrib acct user | tr ',' '\n' | wc -l)"
fg_eq "warehouse: users, the planted one first" "BIGSPENDER" "$(contrib wh2 user | cut -d, -f1)"
fg_eq "warehouse: query hashes, the planted one first" "feedfacefeedfacefeedfacefeedface" "$(contrib wh2 query | cut -d, -f1)"
fg_match "warehouse: the query has a sample id" "feedfacefeedfacefeedfacefeedface e\.g\. query big-1 900\.00 USD" "$(body wh2)"
fg_eq "user: its warehouse and its tag" "WH_002|team=big;job=backfill" "$(contrib big warehouse)|$(contrib big query_tag)"
fg_eq "user: all of the spend" "100.0" \
	"$(fg_sql "SELECT fields->'contributors'->0->>'share' FROM notifications WHERE channel = 'hook' AND fields->>'budget' = 'big'")"
fg_eq "role: its users" "BIGSPENDER" "$(contrib bigrole user)"
fg_eq "tag: its users and warehouses" "BIGSPENDER|WH_002" "$(contrib tag user)|$(contrib tag warehouse)"

# Amount, share and change of a warehouse, from the stored costs.
exp=$(fg_sql "SELECT round(sum(cost) FILTER (WHERE day >= '2026-03-01'), 2) || '|'
	|| round(sum(cost) FILTER (WHERE day >= '2026-03-01') - sum(cost) FILTER (WHERE day < '2026-03-01'), 2)
	FROM daily_costs WHERE service_type = 'WAREHOUSE_METERING' AND entity = 'WH_001'
	AND (day BETWEEN '2026-03-01' AND '2026-03-15' OR day BETWEEN '2026-02-01' AND '2026-02-15')")
fg_eq "account: a warehouse's amount and change against Feb 1..15" "$exp" \
	"$(fg_sql "SELECT c->>'amount' || '|' || (c->>'change') FROM notifications,
		jsonb_array_elements(fields->'contributors') c
		WHERE channel = 'hook' AND fields->>'budget' = 'acct' AND c->>'name' = 'WH_001'")"
stmts() { fg_sql "SELECT counts->>'statements' FROM job_runs WHERE job = 'budgetcheck' ORDER BY id DESC LIMIT 1"; }
with=$(stmts)

# Delivered: every channel shows them.
fg_run notifyd-once -c "$cfg"
fg_eq "delivery exits 0" 0 "$FG_RC"
req() { fg_sink_requests | jq -r "select(.path | startswith(\"$1\")) | .body" | grep '"acct"\|acct ' | head -n 1; }
fg_match "webhook: the body names the spender" "Top users: BIGSPENDER" "$(req /hooks/)"
fg_match "webhook: the contributors field" '"contributors":\[.*"name":"BIGSPENDER"' "$(req /hooks/ | jq -c .)"
fg_match "slack: the text names the spender" "BIGSPENDER" "$(req /services/)"
fg_match "pagerduty: the custom details name the spender" "BIGSPENDER" "$(fg_sink_requests | jq -r 'select(.path == "/v2/enqueue") | .body')"

# The same number of statements when one budget sends as when five do.
fg_sql "DELETE FROM budget_alerts; DELETE FROM notifications"
fg_run budgetcheck -c "$cfg" --budget acct
fg_eq "one budget sending: as many statements as five" "$with" "$(stmts)"
fg_done

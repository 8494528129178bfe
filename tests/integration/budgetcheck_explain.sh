#!/usr/bin/env bash
# budgetcheck --explain: a budget's spend broken down by warehouse, user,
# role, query tag and query hash, with idle and unattributed lines; every
# dimension adds up to a total equal to the budget's spend; the amounts
# are the attributed truth; --by picks one dimension, --period previous
# looks back; text and --json; bad combinations are usage errors.
. "$(dirname "$0")/../lib/harness.sh"
fg_setup
export FLAKEGUARD_NOW=2026-03-15T10:00:00Z

fg_sim "SELECT account_usage.generate_costs('2026-01-20', 55, 3, 7)" >/dev/null
fg_sim "SELECT account_usage.generate_attribution('2026-01-20', 55, 7, 40, 5, 6, 4)" >/dev/null
cfg=$(fg_config bc.conf <<C
[connector prod]
odbc = $FG_SIM_ODBC
credit_price = 3.00
storage_price_tb_month = 23
backfill_days = 50

[budget acct]
connector = prod
amount = 100000

[budget wh1]
connector = prod
amount = 100000
scope = warehouse:wh_001

[budget u7]
connector = prod
amount = 100000
scope = user:USER_0007,USER_001*
C
)
fg_run costsync -c "$cfg"
fg_eq "costsync exits 0" 0 "$FG_RC"
fg_run budgetcheck -c "$cfg" --json
status=$FG_OUT
spend() { jq -r ".[] | select(.name == \"$1\") | .spend" <<<"$status"; }

# Every dimension: its lines, idle and unattributed make the total, which
# is the budget's spend (amounts are rounded to cents, so the sum of
# rounded lines may differ from the total by half a cent per line).
adds_up() { # $1: the --json document
	jq -r '.spend as $s | .breakdown | to_entries[] |
		(.value.lines | map(.amount | tonumber) | add // 0) + (.value.idle | tonumber)
		+ (.value.unattributed | tonumber) - ($s | tonumber) as $d |
		select(($d | fabs) > (0.005 * ((.value.lines | length) + 2)) or .value.total != $s) | .key' <<<"$1"
}
for b in acct wh1 u7; do
	fg_run budgetcheck -c "$cfg" --explain "$b" --json
	fg_eq "$b: exits 0" 0 "$FG_RC"
	doc=$FG_OUT
	fg_eq "$b: the total is the budget's spend" "$(spend "$b")" "$(jq -r .spend <<<"$doc")"
	fg_eq "$b: every dimension adds up to it" "" "$(adds_up "$doc")"
done

fg_run budgetcheck -c "$cfg" --explain acct --json
doc=$FG_OUT
fg_eq "account: every dimension" "query,query_tag,role,user,warehouse" \
	"$(jq -r '.breakdown | keys | join(",")' <<<"$doc")"
fg_eq "account: period" "2026-03-01|2026-03-15|2026-03-31" \
	"$(jq -r '"\(.period_start)|\(.through)|\(.period_end)"' <<<"$doc")"
fg_eq "account: unattributed is everything but warehouse compute" \
	"$(fg_sql "SELECT round(sum(cost), 2) FROM daily_costs WHERE service_type <> 'WAREHOUSE_METERING'
		AND day BETWEEN '2026-03-01' AND '2026-03-15'")" \
	"$(jq -r '.breakdown.user.unattributed' <<<"$doc")"
fg_eq "account: idle is the warehouses' idle compute" \
	"$(fg_sql "SELECT round(sum(cost), 2) FROM warehouse_idle WHERE day BETWEEN '2026-03-01' AND '2026-03-15'")" \
	"$(jq -r '.breakdown.role.idle' <<<"$doc")"
truth=$(fg_sim "SELECT a.user_name || '|' || round(sum(a.credits_attributed_compute) * 3, 2)
	FROM account_usage.query_attribution_history a
	WHERE a.start_time >= '2026-03-01 00:00+00' AND a.start_time < '2026-03-16 00:00+00'
	GROUP BY a.user_name ORDER BY sum(a.credits_attributed_compute) DESC, 1 LIMIT 3")
fg_eq "account: the top users and their amounts are the attributed truth" "$truth" \
	"$(jq -r '.breakdown.user.lines[:3][] | "\(.name)|\(.amount)"' <<<"$doc")"
fg_eq "account: query lines carry a count and a sample id" "true" \
	"$(jq -r '[.breakdown.query.lines[] | select(.name != "(other)") | (.queries > 0 and (.sample_query_id | startswith("sim-attr-")))] | all' <<<"$doc")"

fg_run budgetcheck -c "$cfg" --explain wh1 --json --by user
doc=$FG_OUT
fg_eq "--by user: one dimension" "user" "$(jq -r '.breakdown | keys | join(",")' <<<"$doc")"
fg_eq "warehouse: idle is that warehouse's" \
	"$(fg_sql "SELECT round(sum(cost), 2) FROM warehouse_idle WHERE warehouse = 'WH_001' AND day BETWEEN '2026-03-01' AND '2026-03-15'")" \
	"$(jq -r '.breakdown.user.idle' <<<"$doc")"
fg_eq "warehouse: nothing unattributed" "0.00" "$(jq -r '.breakdown.user.unattributed' <<<"$doc")"

fg_run budgetcheck -c "$cfg" --explain u7 --json --by warehouse
doc=$FG_OUT
fg_eq "user scope: no idle, nothing unattributed" "0.00|0.00" \
	"$(jq -r '.breakdown.warehouse | "\(.idle)|\(.unattributed)"' <<<"$doc")"
fg_run budgetcheck -c "$cfg" --explain u7 --by user --json
fg_eq "user scope: its users, wildcard included" "USER_0007,USER_0010,USER_0011" \
	"$(jq -r '[.breakdown.user.lines[].name] | sort | .[:3] | join(",")' <<<"$FG_OUT")"

# The previous period: February, as a backtest at its last day sees it.
fg_run budgetcheck -c "$cfg" --explain acct --period previous --json
doc=$FG_OUT
fg_run budgetcheck -c "$cfg" --as-of 2026-02-28 --json --budget acct
fg_eq "previous: the total is February's spend" "$(jq -r '.[0].spend' <<<"$FG_OUT")" "$(jq -r .spend <<<"$doc")"
fg_eq "previous: February" "2026-02-01|2026-02-28" "$(jq -r '"\(.period_start)|\(.through)"' <<<"$doc")"
fg_eq "previous: adds up" "" "$(adds_up "$doc")"

# Text.
fg_run budgetcheck -c "$cfg" --explain acct
fg_eq "text: exits 0" 0 "$FG_RC"
fg_match "text: a heading with the spend" "^budget acct \(account\) on prod, monthly 2026-03-01..2026-03-15: spend $(spend acct) USD" "$FG_OUT"
fg_match "text: the dimensions" "by warehouse.*by user.*by role.*by query_tag.*by query" "$(tr '\n' ' ' <<<"$FG_OUT")"
fg_match "text: the user list is shortened" "\(30 more\)" "$FG_OUT"
fg_eq "text: a total line per dimension, each the spend" "5" \
	"$(grep -cE "^  total +$(spend acct) +100.0%" <<<"$FG_OUT")"
fg_eq "text: idle and unattributed lines" "5 5" \
	"$(grep -c '^  idle ' <<<"$FG_OUT") $(grep -c '^  unattributed ' <<<"$FG_OUT")"
fg_eq "nothing written: no job record" "1" "$(fg_sql "SELECT count(*) FROM job_runs WHERE job = 'budgetcheck'")"

# Usage errors.
fg_run budgetcheck -c "$cfg" --by user
fg_eq "--by without --explain: 64" 64 "$FG_RC"
fg_run budgetcheck -c "$cfg" --explain acct --by nope
fg_eq "unknown --by: 64" 64 "$FG_RC"
fg_match "unknown --by: says what to use" "invalid --by 'nope': use warehouse, user, role, query_tag or query" "$FG_ERR"
fg_run budgetcheck -c "$cfg" --explain acct --period last
fg_eq "unknown --period: 64" 64 "$FG_RC"
fg_run budgetcheck -c "$cfg" --explain nope
fg_eq "unknown budget: 64" 64 "$FG_RC"
fg_run budgetcheck -c "$cfg" --explain u7 --by query
fg_eq "--by query on a user budget: 64" 64 "$FG_RC"
fg_run budgetcheck -c "$cfg" --explain acct --fail-on warn
fg_eq "--explain with --fail-on: 64" 64 "$FG_RC"
fg_done

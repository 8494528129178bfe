#!/usr/bin/env bash
# budgetcheck on attribution scopes: user:, role: and query_tag: (with '*'
# wildcards) spend the attributed compute of the period, equal to the sum
# hand-computed from QUERY_ATTRIBUTION_HISTORY and QUERY_HISTORY, and cross
# their thresholds exactly when that sum does; a query matching two names
# of one scope counts once; the statement count does not grow with them;
# a connector whose attribution cannot be read makes those budgets
# not_evaluated in --json and the table instead of reading 0.
. "$(dirname "$0")/../lib/harness.sh"
fg_setup
export FLAKEGUARD_NOW=2026-03-15T10:00:00Z

fg_sim "SELECT account_usage.generate_costs('2026-02-20', 24, 3, 7)" >/dev/null
fg_sim "SELECT account_usage.generate_attribution('2026-02-20', 24, 7, 40, 5, 6, 4)" >/dev/null
# Query Acceleration credits count too.
fg_sim "UPDATE account_usage.query_attribution_history SET credits_used_query_acceleration = 0.125
	WHERE user_name = 'USER_0007' AND start_time >= '2026-03-03 00:00+00' AND start_time < '2026-03-04 00:00+00'"

base=$(fg_config base.conf <<C
[connector prod]
odbc = $FG_SIM_ODBC
credit_price = 3.00
backfill_days = 20
C
)
fg_run costsync -c "$base"
fg_eq "costsync exits 0" 0 "$FG_RC"

# Hand-computed spend of March 1..15 from the raw views.
hand() { # $1: condition on a (attribution) and q (query history)
	fg_sim "SELECT round(coalesce(sum((a.credits_attributed_compute + coalesce(a.credits_used_query_acceleration, 0)) * 3), 0), 2)
	FROM account_usage.query_attribution_history a LEFT JOIN account_usage.query_history q USING (query_id)
	WHERE a.start_time >= '2026-03-01 00:00+00' AND a.start_time < '2026-03-16 00:00+00' AND ($1)"
}
S_USER=$(hand "a.user_name = 'USER_0007'")
S_ROLE=$(hand "q.role_name IN ('ROLE_02', 'ROLE_03')")
S_TAG=$(hand "a.query_tag LIKE 'team=t01;%'")
S_ANY=$(hand "q.role_name LIKE 'ROLE_0%'")
fg_check "the planted sums are not zero" test "$S_USER" != "0.00" -a "$S_TAG" != "0.00"

# Amounts putting each spend at 80 %, 95 % and 120 % of its budget.
amount() { fg_sim "SELECT round($1 * 100 / $2, 2)"; }
budgets=""
for kind in user role tag; do
	case $kind in
	user) scope="user:user_0007" s=$S_USER ;;
	role) scope="role:ROLE_02, role_03" s=$S_ROLE ;;
	tag) scope="query_tag:team=t01;*" s=$S_TAG ;;
	esac
	for pct in 80 95 120; do
		budgets+="
[budget $kind-$pct]
connector = prod
amount = $(amount "$s" $pct)
scope = $scope
thresholds = 50,75,90,100
forecast = false"
	done
done
cfg=$(fg_config bc.conf <<C
$(cat "$base")
$budgets

[budget overlap]
connector = prod
amount = 1000000
scope = role:ROLE_0*,ROLE_01,*_02
forecast = false
C
)

fg_run budgetcheck -c "$cfg" --json
fg_eq "budgetcheck exits 0" 0 "$FG_RC"
for kind in user role tag; do
	case $kind in user) s=$S_USER ;; role) s=$S_ROLE ;; tag) s=$S_TAG ;; esac
	for pct in 80 95 120; do
		b="$kind-$pct"
		a=$(amount "$s" $pct)
		exp=$(fg_sim "SELECT coalesce(string_agg(t::text, ',' ORDER BY t), '') FROM unnest('{50,75,90,100}'::int[]) t
			WHERE $s * 100 >= t * $a")
		fg_eq "$b: spend is the hand-computed sum" "$s" \
			"$(jq -r ".[] | select(.name == \"$b\") | .spend" <<<"$FG_OUT")"
		fg_eq "$b: crosses exactly the thresholds the hand sum does ($exp)" "$exp" \
			"$(jq -r ".[] | select(.name == \"$b\") | .thresholds_crossed | join(\",\")" <<<"$FG_OUT")"
	done
done
fg_eq "a role matching two names of one scope counts once" "$S_ANY" \
	"$(jq -r '.[] | select(.name == "overlap") | .spend' <<<"$FG_OUT")"
fg_eq "attribution budgets are evaluated" "evaluated" \
	"$(jq -r '[.[].status] | unique | join(",")' <<<"$FG_OUT")"
fg_eq "alerts recorded: 2 + 3 + 4 thresholds per dimension" "27" \
	"$(fg_sql "SELECT count(*) FROM budget_alerts")"

# The statement count does not depend on the number of attribution budgets.
last_statements() {
	fg_sql "SELECT counts->>'budgets' || ' budgets, ' || (counts->>'statements') || ' statements'
		FROM job_runs WHERE job = 'budgetcheck' ORDER BY id DESC LIMIT 1"
}
fg_run budgetcheck -c "$cfg" --budget user-80
one=$(last_statements)
fg_run budgetcheck -c "$cfg"
fg_eq "statements do not grow with attribution budgets" "${one/1 budgets/10 budgets}" "$(last_statements)"

# Attribution unreadable: not evaluated, not 0.
fg_sim "ALTER TABLE account_usage.query_attribution_history RENAME TO qah_gone"
fg_run costsync -c "$base"
fg_eq "costsync without the view exits 0" 0 "$FG_RC"
fg_run budgetcheck -c "$cfg" --json
fg_eq "budgetcheck exits 0" 0 "$FG_RC"
fg_eq "every attribution budget is not_evaluated" "not_evaluated" \
	"$(jq -r '[.[].status] | unique | join(",")' <<<"$FG_OUT")"
fg_eq "with no spend figure" "null|null|null|" \
	"$(jq -r '.[0] | "\(.spend)|\(.percent)|\(.forecast)|\(.thresholds_crossed | join(","))"' <<<"$FG_OUT")"
fg_run budgetcheck -c "$cfg" -v
fg_match "the table says not_evaluated" "user-80 +monthly +2026-03-01 +2026-03-31 +- +[0-9.]+ USD +- +- +not_evaluated" "$FG_OUT"
fg_eq "and no new alert" "27" "$(fg_sql "SELECT count(*) FROM budget_alerts")"

# A bad attribution scope names the file and line.
bad=$(fg_config bad.conf <<C
$(cat "$base")
[budget b]
connector = prod
amount = 10
scope = user:A + warehouse:X
[budget c]
connector = prod
amount = 10
scope = role:R,,S
C
)
fg_run budgetcheck -c "$bad"
fg_eq "bad attribution scope exits 78" 78 "$FG_RC"
fg_match "combined scope refused" "bad.conf:[0-9]+:.*cannot be combined" "$FG_ERR"
fg_match "empty name refused" "bad.conf:[0-9]+:.*empty role name" "$FG_ERR"
fg_done

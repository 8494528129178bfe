#!/usr/bin/env bash
# A view the role cannot see makes only its rules not_evaluated (with the
# reason and one warning), the other rules run, the exit status stays 0,
# and findings of the blind rules are not resolved.  SHOW PARAMETERS that
# fails does the same for the parameter rule; an unreachable connector
# exits 75 without stopping the others.
. "$(dirname "$0")/../lib/harness.sh"
. "$(dirname "$0")/../lib/secscan.sh"
fg_setup
sec_setup </dev/null

fg_run secscan -c "$SEC_CFG"
fg_eq "first scan exits 0" 0 "$FG_RC"
burst_before=$(fg_sql "SELECT count(*) FROM findings WHERE rule LIKE 'failed-login-burst%' AND status = 'open'")

fg_sim "DROP TABLE account_usage.login_history"
fg_run secscan -c "$SEC_CFG" --json
fg_eq "missing view: exit 0" 0 "$FG_RC"
fg_eq "one warning line" 1 "$(printf '%s\n' "$FG_ERR" | grep -c .)"
fg_match "warning names the view and the rules" \
	"warning: connector 'prod': view SNOWFLAKE.ACCOUNT_USAGE.LOGIN_HISTORY is missing or not granted to this role; not evaluated: .*failed-login-burst-user" "$FG_ERR"
lh_rules="failed-login-burst-ip,failed-login-burst-user,ioc-ip-login,keypair-user-password-login,login-after-failures,password-login-no-mfa,person-looks-like-service,service-user-password,sso-user-has-password,sso-user-password-login"
fg_eq "exactly the LOGIN_HISTORY rules are not evaluated" "$lh_rules" \
	"$(printf '%s' "$FG_OUT" | jq -r '[.not_evaluated[].rule] | sort | join(",")')"
fg_match "with the reason" "LOGIN_HISTORY is missing" "$(printf '%s' "$FG_OUT" | jq -r '.not_evaluated[0].reason')"
fg_eq "the other rules run" 29 "$(printf '%s' "$FG_OUT" | jq .counts.rules_evaluated)"
fg_eq "their findings are still reported" "open" \
	"$(printf '%s' "$FG_OUT" | jq -r '.findings[] | select(.rule == "admin-no-mfa") | .status')"
fg_eq "blind rules do not resolve their findings" "$burst_before" \
	"$(fg_sql "SELECT count(*) FROM findings WHERE rule LIKE 'failed-login-burst%' AND status = 'open'")"
fg_eq "source recorded as unavailable" "unavailable" "$(fg_sql "SELECT status FROM sec_sources WHERE source = 'LOGIN_HISTORY'")"

# Without the simulator's parameter view, SHOW PARAMETERS is tried and fails.
fg_sim "DROP TABLE account_usage.account_parameters"
fg_run secscan -c "$SEC_CFG" --json --rule data-protection-params --rule admin-count
fg_eq "SHOW unavailable: exit 0" 0 "$FG_RC"
fg_eq "parameter rule not evaluated" "data-protection-params|SHOW PARAMETERS IN ACCOUNT failed or is not permitted" \
	"$(printf '%s' "$FG_OUT" | jq -r '.not_evaluated[] | "\(.rule)|\(.reason)"')"
fg_eq "the other selected rule runs" "admin-count" "$(printf '%s' "$FG_OUT" | jq -r '[.findings[].rule] | unique | join(",")')"

# A view that is there but refuses the query (a grant taken away, a
# column gone): its rules are not evaluated, said in one warning line that
# carries the diagnostic, not an error line and then a warning.
fg_sim "ALTER TABLE account_usage.network_policies RENAME COLUMN allowed_ip_list TO allowed_ip_list_x"
fg_run secscan -c "$SEC_CFG" --rule network-policy-open --rule admin-count
fg_eq "refused view: exit 0" 0 "$FG_RC"
fg_eq "refused view: one line" 1 "$(printf '%s\n' "$FG_ERR" | grep -c .)"
fg_match "refused view: a warning with the diagnostic and the rules" \
	"^secscan: warning: connector 'prod': cannot read SNOWFLAKE.ACCOUNT_USAGE.NETWORK_POLICIES: SQLSTATE 42703: .*not evaluated: network-policy-open" "$FG_ERR"
fg_sim "ALTER TABLE account_usage.network_policies RENAME COLUMN allowed_ip_list_x TO allowed_ip_list"

# A connector whose data source does not exist: 78 (configuration, not
# worth retrying), the others still scanned.
cat >>"$SEC_CFG" <<C
[connector broken]
odbc = DSN=no_such_dsn
C
fg_sql "DELETE FROM findings"
fg_run secscan -c "$SEC_CFG" --rule admin-count
fg_eq "connector with a missing data source exits 78" 78 "$FG_RC"
fg_match "error names the connector" "connector 'broken'" "$FG_ERR"
fg_eq "the reachable connector was still scanned" 1 "$(fg_sql "SELECT count(*) FROM findings WHERE connector = 'prod'")"
fg_done

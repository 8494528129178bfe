#!/usr/bin/env bash
# The later catalogue rules beyond their seeded subjects: rare-client-app
# needs 30 days of sessions and keeps its baseline incrementally;
# admin-idle-timeout takes the user's session policy over the account's and
# is not evaluated without SESSION_POLICIES; the password age thresholds
# are configurable; new statements are picked up incrementally and the
# scanner's own queries are not.
. "$(dirname "$0")/../lib/harness.sh"
. "$(dirname "$0")/../lib/secscan.sh"
fg_setup
sec_setup </dev/null
ev() { printf '%s' "$FG_OUT" | jq -c --arg r "$1" --arg s "$2" '.findings[] | select(.rule == $r and .subject == $s) | .evidence'"${3:-}"; }

# Less than 30 days of sessions: every application would look new.
fg_sim "DELETE FROM account_usage.sessions WHERE created_on < '2026-03-05'"
fg_run secscan -c "$SEC_CFG" --json --rule rare-client-app --rule share-changed
fg_eq "short session history: exit 0" 0 "$FG_RC"
fg_eq "rare-client-app not evaluated, with the reason" \
	"rare-client-app|SESSIONS history covers 3 days, less than the 30 a baseline of client applications needs" \
	"$(printf '%s' "$FG_OUT" | jq -r '.not_evaluated[] | "\(.rule)|\(.reason)"')"
fg_eq "a young account is not warned about" "" "$FG_ERR"
fg_eq "no application reported" 0 "$(printf '%s' "$FG_OUT" | jq '[.findings[] | select(.rule == "rare-client-app")] | length')"
fg_eq "the other selected rule runs" 3 "$(printf '%s' "$FG_OUT" | jq '[.findings[] | select(.rule == "share-changed")] | length')"
fg_run secscan -c "$SEC_CFG" --dry-run -v --rule rare-client-app
fg_match "-v says why" "^secscan: connector 'prod': SESSIONS history covers 3 days.*not evaluated: rare-client-app" "$FG_ERR"

# With the baseline (reseeded, copy started afresh) Go is the new application.
fg_sql "DELETE FROM sec_client_apps; DELETE FROM sec_sources"
sec_setup </dev/null
fg_run secscan -c "$SEC_CFG" --json
fg_eq "full scan exits 0" 0 "$FG_RC"
fg_eq "full scan is silent" "" "$FG_ERR"
fg_eq "rare-client-app evidence" '{"first_seen":"2026-03-12T10:00:00Z","client_application_ids":["Go 1.6.0"],"recent_users":["KEY_KIM"]}' \
	"$(ev rare-client-app Go '| {first_seen, client_application_ids, recent_users}')"
fg_eq "the 90-day baseline was read grouped, one row per application id" 8 "$(fg_sql "SELECT count(*) FROM sec_client_apps")"
fg_eq "person-looks-like-service evidence" '{"logins":6,"days":30}' \
	"$(ev person-looks-like-service DRIVER_DAN '| {logins, days}')"
fg_eq "copy-into-external-url names the URL" '"s3://attacker-bucket/dump/"' "$(ev copy-into-external-url q-unload-url .url)"
fg_eq "admin-idle-timeout: the user's own policy wins over the account's" \
	'{"policy_level":"USER","session_policy":"LAX_SP","session_idle_timeout_mins":60}' \
	"$(ev admin-idle-timeout ADMIN_NOMFA_DAVE '| {policy_level, session_policy, session_idle_timeout_mins}')"
fg_eq "password-old: an admin judged on the admin threshold" '{"admin":true,"age_days":400,"max_age_days":365}' \
	"$(ev password-old ADMIN_NOMFA_DAVE '| {admin, age_days, max_age_days}')"
fg_eq "data-protection-params expects PERIODIC_DATA_REKEYING true" '{"level":"","value":"false","expected":"true"}' \
	"$(ev data-protection-params PERIODIC_DATA_REKEYING)"

# A day later: new statements and sessions are read incrementally; the
# scanner's own query naming the SCIM function is neither copied nor found.
export FLAKEGUARD_NOW=2026-03-16T10:00:00Z
fg_sim "INSERT INTO account_usage.query_history (query_id, query_text, query_type, session_id, user_name, role_name, execution_status, start_time)
 VALUES ('q-scim-2', 'select system\$generate_scim_access_token(''AZURE_PROVISIONING'')', 'SELECT', 9201, 'ADMIN_ALICE', 'ACCOUNTADMIN', 'SUCCESS', '2026-03-16 09:00+00'),
        ('q-own', 'SELECT query_id FROM SNOWFLAKE.ACCOUNT_USAGE.QUERY_HISTORY WHERE query_text LIKE ''%SYSTEM\$GENERATE_SCIM_ACCESS_TOKEN%''', 'SELECT', 9202, 'CLEAN_SVC', 'ETL', 'SUCCESS', '2026-03-16 09:00+00'),
        ('q-share-3', 'CREATE OR REPLACE SHARE s2', 'CREATE', 9201, 'ADMIN_ALICE', 'ACCOUNTADMIN', 'SUCCESS', '2026-03-16 09:00+00');
 INSERT INTO account_usage.sessions (session_id, created_on, user_name, authentication_method, client_application_id)
 VALUES (8101, '2026-03-16 08:00+00', 'KEY_KIM', 'RSA keypair', 'Go 1.7.0'),
        (8102, '2026-03-16 08:00+00', 'CLEAN_ANNA', 'Password', 'Tableau 2024.1.0')"
fg_run secscan -c "$SEC_CFG" --json
fg_eq "incremental scan exits 0" 0 "$FG_RC"
fg_eq "new statements found, earlier ones still open" "q-reader:open q-scim-2:new q-scim:open q-share-3:new" \
	"$(printf '%s' "$FG_OUT" | jq -r '[.findings[] | select(.rule == "scim-token-created" or .rule == "share-changed") | select(.subject != "q-share-create" and .subject != "q-share-alter") | "\(.subject):\(.status)"] | sort | join(" ")')"
fg_eq "the scanner's own query is not copied" 0 "$(fg_sql "SELECT count(*) FROM sec_query_history WHERE query_id = 'q-own'")"
fg_eq "a new application is found" "new" \
	"$(printf '%s' "$FG_OUT" | jq -r '.findings[] | select(.rule == "rare-client-app" and .subject == "Tableau") | .status')"
fg_eq "a new version keeps the application's first_seen" '"2026-03-12T10:00:00Z"|["Go 1.6.0","Go 1.7.0"]|open' \
	"$(printf '%s' "$FG_OUT" | jq -r '.findings[] | select(.rule == "rare-client-app" and .subject == "Go") | "\(.evidence.first_seen | tojson)|\(.evidence.client_application_ids | tojson)|\(.status)"')"
fg_eq "watermark of CLIENT_APPS recorded" "2026-03-16 08:00:00+00" \
	"$(fg_sql "SELECT watermark FROM sec_sources WHERE source = 'CLIENT_APPS'")"

# The account's policy tightened to 10 minutes: the admin without a policy
# of their own is fine, the one whose own policy idles 60 minutes is not.
fg_sim "UPDATE account_usage.session_policies SET session_idle_timeout_mins = 10 WHERE name = 'ACCOUNT_SP'"
fg_run secscan -c "$SEC_CFG" --json --rule admin-idle-timeout
fg_eq "account policy applies where the user has none" "ADMIN_NOMFA_DAVE:open DEEP_ADMIN_CAROL:resolved" \
	"$(printf '%s' "$FG_OUT" | jq -r '[.findings[] | "\(.subject):\(.status)"] | sort | join(" ")')"

# Without SESSION_POLICIES the rule is not evaluated and keeps its finding.
fg_sim "DROP TABLE account_usage.session_policies"
fg_run secscan -c "$SEC_CFG" --json --rule admin-idle-timeout --rule password-old
fg_eq "missing SESSION_POLICIES: exit 0" 0 "$FG_RC"
fg_eq "admin-idle-timeout not evaluated" \
	"admin-idle-timeout|view SNOWFLAKE.ACCOUNT_USAGE.SESSION_POLICIES is missing or not granted to this role" \
	"$(printf '%s' "$FG_OUT" | jq -r '.not_evaluated[] | "\(.rule)|\(.reason)"')"
fg_eq "its finding is not resolved by a blind scan" "open" \
	"$(fg_sql "SELECT status FROM findings WHERE rule = 'admin-idle-timeout' AND subject = 'ADMIN_NOMFA_DAVE'")"

# SESSIONS missing: its two copies make one warning, naming both rules.
fg_sim "ALTER TABLE account_usage.sessions RENAME TO sessions_gone"
fg_run secscan -c "$SEC_CFG" --json --rule rare-client-app --rule ioc-client-app
fg_eq "missing SESSIONS: one warning line" 1 "$(printf '%s\n' "$FG_ERR" | grep -c .)"
fg_match "the warning names both rules" "SESSIONS is missing .*not evaluated: ioc-client-app, rare-client-app" "$FG_ERR"
fg_eq "both rules not evaluated" "ioc-client-app,rare-client-app" \
	"$(printf '%s' "$FG_OUT" | jq -r '[.not_evaluated[].rule] | sort | join(",")')"
fg_sim "ALTER TABLE account_usage.sessions_gone RENAME TO sessions"

# Password age thresholds come from the configuration.
cfg2=$(fg_config thresholds.conf <"$SEC_CFG")
printf 'password_max_age_days = 200\nadmin_password_max_age_days = 100\n' >>"$cfg2"
fg_run secscan -c "$cfg2" --json --dry-run --rule password-old
fg_eq "configured thresholds apply" "ADMIN_ALICE ADMIN_NOMFA_DAVE" \
	"$(printf '%s' "$FG_OUT" | jq -r '[.findings[] | select(.status != "resolved") | .subject] | sort | join(" ")')"
printf 'password_max_age_days = 0\n' >>"$cfg2"
fg_run secscan -c "$cfg2" --rule password-old
fg_eq "a threshold out of range is a config error" 78 "$FG_RC"
fg_match "the error names the key" "thresholds.conf:[0-9]+: .*password_max_age_days" "$FG_ERR"
fg_done

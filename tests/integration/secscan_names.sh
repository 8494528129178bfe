#!/usr/bin/env bash
# Hostile names (quotes, CR/LF, Slack mentions) are stored verbatim and
# rendered safely; ACCOUNTADMIN inherited through two custom roles (and a
# cycle in the role graph) is found.
. "$(dirname "$0")/../lib/harness.sh"
. "$(dirname "$0")/../lib/secscan.sh"
fg_setup
sec_setup </dev/null

evil=$'O\'Brien "ops"\r\n<!channel> \\N\t;--'
fg_sim "INSERT INTO account_usage.users (user_id, name, created_on, has_password, has_mfa, disabled, type, last_success_login)
 VALUES (500, E'O\\'Brien \"ops\"\\r\\n<!channel> \\\\N\\t;--', '2026-01-01', true, false, false, 'PERSON', '2026-03-14')"
# Two custom roles between a user and ACCOUNTADMIN, plus a cycle.
fg_sim "INSERT INTO account_usage.roles (name) VALUES ('TEAM_A'), ('TEAM_B');
 INSERT INTO account_usage.grants_to_roles (created_on, privilege, granted_on, name, granted_to, grantee_name)
 VALUES ('2025-01-01', 'USAGE', 'ROLE', 'ACCOUNTADMIN', 'ROLE', 'TEAM_B'),
        ('2025-01-01', 'USAGE', 'ROLE', 'TEAM_B', 'ROLE', 'TEAM_A'),
        ('2025-01-01', 'USAGE', 'ROLE', 'TEAM_A', 'ROLE', 'TEAM_B');
 INSERT INTO account_usage.users (user_id, name, created_on, has_password, has_mfa, disabled, type, email, last_success_login)
 VALUES (501, 'INDIRECT_IDA', '2025-01-01', true, false, false, 'PERSON', 'ida@example.com', '2026-03-14');
 INSERT INTO account_usage.grants_to_users (created_on, role, granted_to, grantee_name)
 VALUES ('2025-01-01', 'TEAM_A', 'USER', 'INDIRECT_IDA');
 INSERT INTO account_usage.login_history (event_id, event_timestamp, user_name, client_ip, first_authentication_factor, is_success)
 VALUES (6001, '2026-03-15 08:00+00', 'INDIRECT_IDA', '10.7.7.7', 'PASSWORD', 'YES')"

# A connector's service_users add to [secscan]'s (names compare case-insensitively).
sed -i 's/^\[connector prod\]$/&\nservice_users = clean_anna/' "$SEC_CFG"

fg_run secscan -c "$SEC_CFG" --json
fg_eq "scan exits 0" 0 "$FG_RC"
fg_eq "connector service_users make CLEAN_ANNA a service user" "service-user-no-network-policy,service-user-password" \
	"$(printf '%s' "$FG_OUT" | jq -r '[.findings[] | select(.subject == "CLEAN_ANNA") | .rule] | sort | join(",")')"
fg_eq "subject stored verbatim" "$(printf '%s' "$evil" | od -An -tx1 | tr -d ' \n')" \
	"$(fg_sql "SELECT encode(convert_to(subject, 'UTF8'), 'hex') FROM findings WHERE rule = 'user-password-no-mfa' AND subject LIKE 'O''Brien%'")"
fg_eq "JSON carries the exact name" "$(printf '%s' "$evil" | od -An -tx1 | tr -d ' \n')" \
	"$(printf '%s' "$FG_OUT" | jq -j '.findings[] | select(.subject | startswith("O'"'"'Brien")) | .subject' | od -An -tx1 | tr -d ' \n')"
fg_eq "JSON output is a single document" 1 "$(printf '%s' "$FG_OUT" | jq -s length)"
fg_eq "outbox fields carry the exact name" 2 \
	"$(fg_sql "SELECT count(*) FROM notifications WHERE fields->>'subject' = E'O\\'Brien \"ops\"\\r\\n<!channel> \\\\N\\t;--'")"
fg_eq "notification titles stay one line" 0 \
	"$(fg_sql "SELECT count(*) FROM notifications WHERE title ~ '[[:cntrl:]]' OR body ~ '[\\r\\t]'")"
fg_match "title shows the name without control characters" "O'Brien \"ops\" <!channel> " \
	"$(fg_sql "SELECT title FROM notifications WHERE fields->>'subject' LIKE 'O''Brien%' LIMIT 1")"

fg_eq "ACCOUNTADMIN through two custom roles makes an admin" "ACCOUNTADMIN|[\"TEAM_A\",\"TEAM_B\",\"ACCOUNTADMIN\"]" \
	"$(fg_sql "SELECT string_agg(c->>'role', ',') || '|' || ((array_agg(c->'via'))[1])::text FROM findings, jsonb_array_elements(evidence->'chains') c WHERE rule = 'admin-no-mfa' AND subject = 'INDIRECT_IDA' AND c->>'role' = 'ACCOUNTADMIN'" | tr -d ' ')"
fg_eq "the inherited admin is counted" 1 \
	"$(fg_sql "SELECT count(*) FROM findings WHERE rule = 'admin-count' AND evidence->'admins' ? 'INDIRECT_IDA'")"
fg_eq "it is not also reported as an ordinary no-MFA user" 0 \
	"$(fg_sql "SELECT count(*) FROM findings WHERE rule = 'user-password-no-mfa' AND subject = 'INDIRECT_IDA'")"
fg_eq "a password sign-in without MFA is high for an inherited admin" "high|medium" \
	"$(fg_sql "SELECT string_agg(severity, '|' ORDER BY subject) FROM findings WHERE rule = 'password-login-no-mfa' AND subject IN ('INDIRECT_IDA', 'PWLOGIN_PAT')")"
fg_eq "TEAM_B reported as a custom role holding ACCOUNTADMIN" 1 \
	"$(fg_sql "SELECT count(*) FROM findings WHERE rule = 'admin-role-nested' AND subject = 'TEAM_B'")"
fg_done

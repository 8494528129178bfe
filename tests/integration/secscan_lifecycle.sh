#!/usr/bin/env bash
# Findings lifecycle: open -> persist (no second notification) -> resolve
# -> reopen (notified again); incremental event reads without duplicates.
. "$(dirname "$0")/../lib/harness.sh"
. "$(dirname "$0")/../lib/secscan.sh"
fg_setup
sec_setup </dev/null
nick="rule = 'user-password-no-mfa' AND subject = 'NOMFA_NICK'"

fg_run secscan -c "$SEC_CFG"
fg_eq "first scan exits 0" 0 "$FG_RC"
fg_eq "finding opened" "open|2026-03-15 10:00:00+00" "$(fg_sql "SELECT status, first_seen FROM findings WHERE $nick")"
fg_eq "notified once per channel" 2 "$(fg_sql "SELECT count(*) FROM notifications WHERE source_id = (SELECT id FROM findings WHERE $nick)")"
logins=$(fg_sql "SELECT count(*) FROM sec_login_history")
fg_eq "login history copied" "$(fg_sim "SELECT count(*) FROM account_usage.login_history WHERE error_message IS DISTINCT FROM 'OVERFLOW_FAILURE_EVENTS_ELIDED'")" "$logins"
total=$(fg_sql "SELECT count(*) FROM notifications WHERE event = 'trigger'")

# Persist: a day later the finding is still there.
export FLAKEGUARD_NOW=2026-03-16T10:00:00Z
fg_sim "INSERT INTO account_usage.login_history (event_id, event_timestamp, user_name, client_ip, first_authentication_factor, second_authentication_factor, is_success)
 VALUES (5001, '2026-03-16 09:00+00', 'CLEAN_ANNA', '10.1.1.1', 'PASSWORD', 'MFA_TOKEN', 'YES'),
        (5002, '2026-03-10 09:00+00', 'CLEAN_ANNA', '10.1.1.1', 'PASSWORD', 'MFA_TOKEN', 'YES')"
fg_run secscan -c "$SEC_CFG" --json
fg_eq "second scan exits 0" 0 "$FG_RC"
fg_eq "finding persists with last_seen moved" "open|2026-03-15 10:00:00+00|2026-03-16 10:00:00+00" \
	"$(fg_sql "SELECT status, first_seen, last_seen FROM findings WHERE $nick")"
fg_eq "reported as open, not new" "open" \
	"$(printf '%s' "$FG_OUT" | jq -r '.findings[] | select(.rule == "user-password-no-mfa") | .status')"
fg_eq "no second notification" 2 "$(fg_sql "SELECT count(*) FROM notifications WHERE source_id = (SELECT id FROM findings WHERE $nick)")"
fg_eq "no opening at all for persisting findings" "$total" "$(fg_sql "SELECT count(*) FROM notifications WHERE event = 'trigger'")"
fg_eq "incremental read adds the new login once, no duplicates" "$((logins + 1))" "$(fg_sql "SELECT count(*) FROM sec_login_history")"
fg_eq "rows older than watermark - 4 h are not re-read" 0 "$(fg_sql "SELECT count(*) FROM sec_login_history WHERE event_id = '5002'")"
fg_eq "watermark recorded" "2026-03-16 09:00:00+00" "$(fg_sql "SELECT watermark FROM sec_sources WHERE source = 'LOGIN_HISTORY'")"
fg_eq "a grant stays new within 4 h before the last scan (view latency)" "open" \
	"$(fg_sql "SELECT status FROM findings WHERE rule = 'admin-role-granted'")"

# Resolve: the user enrolls in MFA.
export FLAKEGUARD_NOW=2026-03-17T10:00:00Z
fg_sim "UPDATE account_usage.users SET has_mfa = true WHERE name = 'NOMFA_NICK'"
fg_run secscan -c "$SEC_CFG" --json
fg_eq "third scan exits 0" 0 "$FG_RC"
fg_eq "finding resolved" "resolved|2026-03-17 10:00:00+00" "$(fg_sql "SELECT status, resolved_at FROM findings WHERE $nick")"
fg_eq "reported as resolved" "resolved" \
	"$(printf '%s' "$FG_OUT" | jq -r '.findings[] | select(.rule == "user-password-no-mfa") | .status')"
fg_eq "new grants since the last scan resolve one scan later" "resolved" \
	"$(fg_sql "SELECT status FROM findings WHERE rule = 'admin-role-granted'")"
fg_eq "resolving opens nothing" "$total" "$(fg_sql "SELECT count(*) FROM notifications WHERE event = 'trigger'")"
fg_eq "resolving queues one resolution per channel told" "ops|resolve
sec|resolve" "$(fg_sql "SELECT channel, event FROM notifications WHERE source_id = (SELECT id FROM findings WHERE $nick) AND event = 'resolve' ORDER BY 1")"

# Reopen: MFA is switched off again.
export FLAKEGUARD_NOW=2026-03-18T10:00:00Z
fg_sim "UPDATE account_usage.users SET has_mfa = false WHERE name = 'NOMFA_NICK'"
fg_run secscan -c "$SEC_CFG" --json
fg_eq "fourth scan exits 0" 0 "$FG_RC"
fg_eq "finding reopened in place" "open|2026-03-15 10:00:00+00|2026-03-18 10:00:00+00|2||1" \
	"$(fg_sql "SELECT status, first_seen, opened_at, times_opened, resolved_at, count(*) OVER () FROM findings WHERE $nick")"
fg_eq "reported as new again" "new true" \
	"$(printf '%s' "$FG_OUT" | jq -r '.findings[] | select(.rule == "user-password-no-mfa") | "\(.status) \(.reopened)"')"
fg_eq "notified again, once per channel" 4 "$(fg_sql "SELECT count(*) FROM notifications WHERE source_id = (SELECT id FROM findings WHERE $nick) AND event = 'trigger'")"
fg_eq "the reopen notification has its own dedup key and incident" "2|2" \
	"$(fg_sql "SELECT count(DISTINCT dedup_key), count(DISTINCT incident) FROM notifications WHERE source_id = (SELECT id FROM findings WHERE $nick) AND event = 'trigger'")"
fg_eq "job runs recorded" "4" "$(fg_sql "SELECT count(*) FROM job_runs WHERE job = 'secscan' AND status = 'success'")"
fg_done

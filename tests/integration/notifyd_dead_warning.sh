#!/usr/bin/env bash
# A notification that goes dead is one error line, at the default log
# level and under -q, which the man pages recommend for cron (cron mails
# it); a retry stays quiet and shows in the exit status.
. "$(dirname "$0")/../lib/harness.sh"
fg_setup
fg_httpsink gone --status 404 --body no_service
GONE=$FG_SINK_URL
fg_httpsink flaky --status 500 --body oops
FLAKY=$FG_SINK_URL
cfg=$(fg_config d.conf <<C
[database]
conninfo =
[channel gone]
type = slack
url = $GONE/services/T0GONE/B0GONE/deadtoken123
[channel flaky]
type = slack
url = $FLAKY/services/T0FLK/B0FLK/flakytoken456
C
)
notifyd-once -c "$cfg" || fg_fail "migrate"
fg_sql "INSERT INTO notifications (channel, kind, severity, title, dedup_key) VALUES
 ('gone', 'generic', 'high', 'disk full', 'k1'), ('flaky', 'generic', 'high', 'disk full', 'k2')"
fg_run notifyd-once -c "$cfg" --channel gone
fg_eq "dead delivery exits 69" 69 "$FG_RC"
fg_eq "one line on stderr" 1 "$(printf '%s\n' "$FG_ERR" | grep -c .)"
fg_match "the line is an error naming the channel and what to do" \
	"^notifyd-once: error: notification [0-9]+ to 'gone' \(http://127.0.0.1:[0-9]+/services/T0…/\*\*\*\): HTTP 404: slack says no_service; now dead, see notifyd-once --dead$" "$FG_ERR"
fg_nomatch "webhook token not printed" "deadtoken123" "$FG_ERR"
fg_sql "INSERT INTO notifications (channel, kind, severity, title, dedup_key) VALUES ('gone', 'generic', 'high', 'disk full', 'k3')"
fg_run notifyd-once -c "$cfg" --channel gone -q
fg_eq "under -q a dead delivery still exits 69" 69 "$FG_RC"
fg_match "under -q the dead notification is still one error line" \
	"^notifyd-once: error: notification [0-9]+ to 'gone' .*now dead, see notifyd-once --dead$" "$FG_ERR"
fg_eq "under -q: one line" 1 "$(printf '%s\n' "$FG_ERR" | grep -c .)"
fg_run notifyd-once -c "$cfg" --channel flaky
fg_eq "retried delivery exits 75" 75 "$FG_RC"
fg_eq "a retry is quiet at the default level" "" "$FG_ERR"
fg_run notifyd-once -c "$cfg" --channel flaky -v
fg_eq "nothing due yet: exit 0" 0 "$FG_RC"
fg_done

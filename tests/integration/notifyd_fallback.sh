#!/usr/bin/env bash
# fallback = CHANNEL: when notifications go dead on a channel, its
# fallback gets one notice per run (which channel, why, how many),
# delivered in the same run; a fallback that does not exist is a
# configuration error.
. "$(dirname "$0")/../lib/harness.sh"
fg_setup
fg_httpsink gone --status 404 --body no_service
GONE=$FG_SINK_URL
GONE_DIR=$FG_SINK_DIR
fg_httpsink backup
BACKUP=$FG_SINK_URL
BACKUP_DIR=$FG_SINK_DIR
cfg=$(fg_config f.conf <<C
[database]
conninfo =
[channel gone]
type = webhook
url = $GONE/hook
fallback = backup
[channel backup]
type = webhook
url = $BACKUP/hook
C
)
notifyd-once -c "$cfg" || fg_fail "migrate"
fg_sql "INSERT INTO notifications (channel, kind, severity, title, dedup_key) VALUES
 ('gone', 'generic', 'high', 'disk full', 'k1'), ('gone', 'generic', 'high', 'disk full again', 'k2'),
 ('gone', 'generic', 'high', 'disk still full', 'k3')"
fg_run notifyd-once -c "$cfg"
fg_eq "dead delivery exits 69" 69 "$FG_RC"
fg_eq "the dead channel got its three requests" 3 "$(fg_sink_count "$GONE_DIR")"
fg_eq "the fallback got one notice in the same run" 1 "$(fg_sink_count "$BACKUP_DIR")"
fg_match "the notice names the channel and how many" "3 notifications to 'gone' went dead" "$(fg_sink_requests "$BACKUP_DIR")"
fg_match "the notice says why" "HTTP 404" "$(fg_sink_requests "$BACKUP_DIR")"
fg_eq "the notice is a sent fallback row" "fallback|sent|1" \
	"$(fg_sql "SELECT kind, status, count(*) FROM notifications WHERE channel = 'backup' GROUP BY 1, 2")"
fg_run notifyd-once -c "$cfg"
fg_eq "a run with nothing dead exits 0" 0 "$FG_RC"
fg_eq "and sends no new notice" 1 "$(fg_sink_count "$BACKUP_DIR")"
fg_sql "INSERT INTO notifications (channel, kind, severity, title, dedup_key) VALUES ('gone', 'generic', 'high', 'disk full', 'k4')"
fg_run notifyd-once -c "$cfg"
fg_eq "a later run that loses one more notifies again" 2 "$(fg_sink_count "$BACKUP_DIR")"
fg_match "with its own count" "1 notification to 'gone' went dead" "$(fg_sink_requests "$BACKUP_DIR" | tail -1)"

fg_refuses_channel_key self "$BACKUP/hook" "fallback = nowhere" "fallback = self"
fg_done

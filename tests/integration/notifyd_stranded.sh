#!/usr/bin/env bash
# Notifications stranded by a channel removed from the file, or dead for
# good, have a way out: --requeue ID|all --to CHANNEL moves them to a
# channel that works, --discard ID|CHANNEL gives up on them on record
# (kept as skipped, with the reason), and the warning stops.
. "$(dirname "$0")/../lib/harness.sh"
fg_setup
fg_httpsink ops
OPS=$FG_SINK_URL
cfg=$(fg_config s.conf <<C
[database]
conninfo =
[channel ops]
type = webhook
url = $OPS/hook
C
)
notifyd-once -c "$cfg" || fg_fail "migrate"
# 'gone' was removed from the file: 3 pending wait for it; 2 dead on ops;
# one event pending for gone is already queued for ops (same dedup_key).
fg_sql "INSERT INTO notifications (channel, kind, severity, title, dedup_key, status) VALUES
 ('gone', 'generic', 'high', 'a', 'k1', 'pending'), ('gone', 'generic', 'high', 'b', 'k2', 'pending'),
 ('gone', 'generic', 'high', 'c', 'k3', 'pending'), ('ops', 'generic', 'high', 'c', 'k3', 'sent'),
 ('ops', 'generic', 'high', 'd', 'k4', 'dead'), ('ops', 'generic', 'high', 'e', 'k5', 'dead')"
fg_run notifyd-once -c "$cfg"
fg_match "pending for a removed channel: warned" "3 notifications wait for channel 'gone', which is not in the configuration" "$FG_ERR"

fg_run notifyd-once -c "$cfg" --to ops
fg_eq "--to without --requeue is a usage error" 64 "$FG_RC"
fg_run notifyd-once -c "$cfg" --requeue all --to nope
fg_eq "--to an unknown channel is a usage error" 64 "$FG_RC"
fg_match "the unknown channel is named" "unknown channel 'nope' in --to" "$FG_ERR"
fg_run notifyd-once -c "$cfg" --requeue all --to ops --dry-run
fg_eq "--requeue on a dry run is a usage error" 64 "$FG_RC"

gone1=$(fg_sql "SELECT id FROM notifications WHERE dedup_key = 'k1'")
fg_run notifyd-once -c "$cfg" --requeue "$gone1" --to ops
fg_eq "--requeue ID --to exits 0" 0 "$FG_RC"
fg_eq "one moved, said on stdout" "requeued 1 notification to 'ops'" "$FG_OUT"
fg_eq "it now waits for ops" "ops|pending" "$(fg_sql "SELECT channel || '|' || status FROM notifications WHERE id = $gone1")"
fg_run notifyd-once -c "$cfg" --requeue all --to ops
fg_eq "--requeue all --to exits 0" 0 "$FG_RC"
fg_eq "the rest moved: 1 pending for gone and 2 dead on ops" "requeued 3 notifications to 'ops'" "$FG_OUT"
fg_match "the event ops already has is left, with a warning" "1 notification left as they were: 'ops' already has the same alert" "$FG_ERR"
fg_eq "nothing dead is left" 0 "$(fg_sql "SELECT count(*) FROM notifications WHERE status = 'dead'")"
fg_run notifyd-once -c "$cfg"
fg_eq "delivery of the moved ones exits 0" 0 "$FG_RC"
fg_eq "the moved ones reached ops" 4 "$(fg_sink_count)"

# --discard: the clash left for gone, by channel; then by id.
fg_run notifyd-once -c "$cfg" --discard gone
fg_eq "--discard CHANNEL exits 0" 0 "$FG_RC"
fg_eq "said on stdout" "discarded 1 notification (kept as skipped)" "$FG_OUT"
fg_match "kept, as skipped, with the reason" "^skipped\|discarded by an operator at [0-9-]+T" \
	"$(fg_sql "SELECT status || '|' || last_error FROM notifications WHERE channel = 'gone'")"
fg_run notifyd-once -c "$cfg"
fg_eq "the warning about the removed channel stops" "" "$FG_ERR"
fg_sql "INSERT INTO notifications (channel, kind, severity, title, dedup_key, status) VALUES ('ops', 'generic', 'low', 'f', 'k6', 'dead')"
id=$(fg_sql "SELECT id FROM notifications WHERE dedup_key = 'k6'")
fg_run notifyd-once -c "$cfg" --discard "$id" --json
fg_eq "--discard ID --json" '{"discarded": 1}' "$FG_OUT"
fg_run notifyd-once -c "$cfg" --discard "$id"
fg_eq "discarding it again: nothing undelivered with that id, 65" 65 "$FG_RC"
fg_match "the id is named" "cannot discard notification $id" "$FG_ERR"
fg_eq "nothing is deleted" 7 "$(fg_sql "SELECT count(*) FROM notifications")"
fg_done

#!/usr/bin/env bash
# Benchmark of the alert lifecycle.
#  1. A first secscan run (the simulator's seed: some 48 findings) to one
#     Slack webhook at its default rate (60 a minute), without and with
#     group = per-run: messages posted and delivery wall time.
#  2. An outbox holding N past incidents (default 100,000; all resolved but
#     OPEN of them, critical and due) on a channel with repeat = 1h: wall
#     time of a notifyd-once run that queues and sends the reminders, and
#     of the next run, that finds nothing due.
#
# usage: bench/lifecycle/run.sh [BUILD_DIR]   (default: build)
set -u
here=$(cd "$(dirname "$0")" && pwd)
export FG_SOURCE_DIR=$(cd "$here/../.." && pwd)
export FG_BUILD_DIR=$(cd "${1:-$FG_SOURCE_DIR/build}" && pwd)
. "$FG_SOURCE_DIR/tests/lib/harness.sh"
fg_setup
export FLAKEGUARD_NOW=2026-03-15T10:00:00Z
N=${N:-100000}
OPEN=${OPEN:-1000}
ms() { echo $((($(date +%s%N) - $1) / 1000000)); }

fg_sim "SELECT account_usage.seed_security('$FLAKEGUARD_NOW')" >/dev/null
fg_httpsink slack
for group in none per-run; do
	conf=$(fg_config "g-$group.conf" <<C
[database]
conninfo =
[connector prod]
odbc = $FG_SIM_ODBC
[channel chat]
type = slack
url = $FG_SINK_URL/services/T1/B1/$group
group = $group
[secscan]
notify = chat
ioc_ip_file = $FG_SOURCE_DIR/data/unc5537-ips.txt
C
)
	fg_sql "DROP SCHEMA IF EXISTS flakeguard CASCADE" >/dev/null 2>&1
	secscan -c "$conf" -q || exit 1
	findings=$(fg_sql "SELECT count(*) FROM notifications WHERE kind = 'finding'")
	before=$(fg_sink_count)
	start=$(date +%s%N)
	notifyd-once -c "$conf" -q
	took=$(ms "$start")
	echo "first scan, group = $group: $findings findings, $(($(fg_sink_count) - before)) Slack messages, delivered in $(awk -v m="$took" 'BEGIN { printf "%.2f s", m / 1000 }')"
done

conf=$(fg_config r.conf <<C
[database]
conninfo =
[notify]
concurrency = 16
[channel hook]
type = webhook
url = $FG_SINK_URL/hook
repeat = 1h
C
)
fg_sql "DROP SCHEMA IF EXISTS flakeguard CASCADE" >/dev/null 2>&1
notifyd-once -c "$conf" -q || exit 1
fg_sql "INSERT INTO notifications (channel, kind, severity, title, fields, dedup_key, status, sent_at)
	SELECT 'hook', 'finding', CASE WHEN g % 3 = 0 THEN 'critical' ELSE 'high' END, 'finding ' || g,
		jsonb_build_object('incident', 'finding:' || g || ':1', 'event', e), e || ':' || g, 'sent',
		now() - interval '2 hours'
	FROM generate_series(1, $N) g, unnest(ARRAY['trigger', 'resolve']) e
	WHERE e = 'trigger' OR g > $OPEN * 3; ANALYZE notifications" >/dev/null
rows=$(fg_sql "SELECT count(*) FROM notifications")
start=$(date +%s%N)
notifyd-once -c "$conf" -q
took=$(ms "$start")
echo "reminders: $rows outbox rows, $(fg_sql "SELECT count(*) FROM notifications WHERE event = 'remind' AND status = 'sent'") reminders queued and sent in $(awk -v m="$took" 'BEGIN { printf "%.2f s", m / 1000 }')"
start=$(date +%s%N)
notifyd-once -c "$conf" -q
took=$(ms "$start")
echo "reminders: next run, nothing due: $(awk -v m="$took" 'BEGIN { printf "%.2f s", m / 1000 }')"

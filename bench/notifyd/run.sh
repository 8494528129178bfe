#!/usr/bin/env bash
# Benchmark: 2,000 pending Slack notifications to 200 distinct webhook
# URLs on a loopback sink that answers after 100 ms, concurrency 16.
# Prints wall time, peak RSS and the ratio to the floor
# N x 100 ms / concurrency (12.5 s).  Goal: ratio <= 1.5, RSS <= 32 MiB.
#
# usage: bench/notifyd/run.sh [BUILD_DIR]   (default: build)
set -u
here=$(cd "$(dirname "$0")" && pwd)
export FG_SOURCE_DIR=$(cd "$here/../.." && pwd)
export FG_BUILD_DIR=$(cd "${1:-$FG_SOURCE_DIR/build}" && pwd)
. "$FG_SOURCE_DIR/tests/lib/harness.sh"
fg_setup
N=${N:-2000}
URLS=${URLS:-200}
CONC=${CONC:-16}
DELAY=${DELAY:-100}

fg_httpsink bench --delay-ms "$DELAY"
conf=$FG_TMP/bench.conf
{
	printf '[database]\nconninfo =\n[notify]\nconcurrency = %d\n' "$CONC"
	for i in $(seq 1 "$URLS"); do
		printf '[channel s%d]\ntype = slack\nurl = %s/services/T%04d/B%04d/token%04d\n' \
			"$i" "$FG_SINK_URL" "$i" "$i" "$i"
	done
} >"$conf"
chmod 600 "$conf"
notifyd-once -c "$conf" || exit 1
fg_sql "INSERT INTO notifications (channel, kind, severity, title, body, fields, dedup_key)
	SELECT 's' || (1 + g % $URLS), 'budget', 'high', 'budget b' || g || ' passed 90%', 'spend 912.50 of 1000.00 USD',
	'{\"budget\":\"b\",\"threshold\":90,\"spend\":\"912.50\",\"amount\":\"1000.00\",\"currency\":\"USD\",\"percent\":\"91.25\"}',
	'k' || g FROM generate_series(1, $N) g"

start=$(date +%s%N)
/usr/bin/time -f '%M' -o "$FG_TMP/rss" notifyd-once -c "$conf"
rc=$?
end=$(date +%s%N)
sent=$(fg_sql "SELECT count(*) FROM notifications WHERE status = 'sent'")
wall_ms=$(( (end - start) / 1000000 ))
floor_ms=$(( N * DELAY / CONC ))
rss_kb=$(cat "$FG_TMP/rss")
echo "notifications:   $N to $URLS webhook URLs, sink delay ${DELAY} ms, concurrency $CONC"
echo "exit status:     $rc, sent $sent, sink saw $(fg_sink_count)"
echo "wall time:       $(awk -v m="$wall_ms" 'BEGIN { printf "%.2f s", m / 1000 }')"
echo "floor:           $(awk -v m="$floor_ms" 'BEGIN { printf "%.2f s", m / 1000 }')"
echo "ratio to floor:  $(awk -v a="$wall_ms" -v b="$floor_ms" 'BEGIN { printf "%.2f", a / b }')"
echo "peak RSS:        $(awk -v k="$rss_kb" 'BEGIN { printf "%.1f MiB", k / 1024 }')"

#!/usr/bin/env bash
# [monitoring]: Prometheus textfile per job written atomically (and valid
# for promtool check metrics), health pings at start and end, and neither
# can fail a job.
. "$(dirname "$0")/../lib/harness.sh"
fg_setup

# promtool_ok NAME FILE: promtool check metrics finds no problem in FILE
promtool_ok() {
	local out
	if ! command -v promtool >/dev/null; then
		fg_log "promtool not found (Debian package prometheus): $1 not checked"
		return
	fi
	out=$(promtool check metrics <"$2" 2>&1)
	fg_eq "$1" "0:" "$?:$out"
}

fg_httpsink ping
mkdir -p "$FG_TMP/metrics"
export FG_PING_URL="$FG_SINK_URL/ping/0f5e-secret-uuid"
cfg=$(fg_config mon.conf <<C
[database]
conninfo =
[monitoring]
metrics_dir = $FG_TMP/metrics
ping_url = \${FG_PING_URL}
ping_timeout = 5
C
)
fg_run snapshot -c "$cfg"
fg_eq "job with monitoring exits 0" 0 "$FG_RC"
fg_eq "and is silent" "" "$FG_ERR"
prom=$FG_TMP/metrics/flakeguard_snapshot.prom
fg_check "metrics file written" test -s "$prom"
fg_match "last run timestamp" '^flakeguard_last_run_timestamp_seconds\{job="snapshot"\} [0-9]+\.[0-9]{3}$' "$(grep ^flakeguard_last_run "$prom")"
fg_match "exit status metric" '^flakeguard_last_exit_status\{job="snapshot"\} 0$' "$(grep ^flakeguard_last_exit "$prom")"
fg_match "duration metric" '^flakeguard_last_duration_seconds\{job="snapshot"\} [0-9.]+$' "$(grep ^flakeguard_last_dur "$prom")"
fg_eq "no temp file left" "" "$(ls "$FG_TMP/metrics" | grep tmp || true)"
promtool_ok "promtool accepts the metrics of a run" "$prom"
fg_match "items processed are reported" '^flakeguard_items_processed\{job="snapshot",item="[a-z_]+"\} [0-9]+$' \
	"$(grep ^flakeguard_items "$prom")"
success=$(grep ^flakeguard_last_success "$prom" | awk '{print $2}')
fg_eq "pings /start then /0" "/ping/0f5e-secret-uuid/start /ping/0f5e-secret-uuid/0" \
	"$(fg_sink_requests | jq -r .path | tr '\n' ' ' | sed 's/ $//')"

# A failed run keeps the last success time and records its exit status.
bad=$(fg_config bad.conf <<C
[database]
conninfo = host=127.0.0.1 port=1
[monitoring]
metrics_dir = $FG_TMP/metrics
ping_url = \${FG_PING_URL}
C
)
fg_run snapshot -c "$bad"
fg_eq "failing job exits 75" 75 "$FG_RC"
fg_match "failed exit status metric" 'flakeguard_last_exit_status\{job="snapshot"\} 75' "$(cat "$prom")"
fg_eq "last success kept across a failure" "$success" "$(grep ^flakeguard_last_success "$prom" | awk '{print $2}')"
promtool_ok "promtool accepts the metrics of a failed run" "$prom"
fg_eq "failure pinged as /75" "/ping/0f5e-secret-uuid/75" "$(fg_sink_requests | jq -r .path | tail -n 1)"

# Unwritable metrics dir and unreachable ping: the job still succeeds, warns, leaks no token.
chmod 000 "$FG_TMP/metrics"
kill "$FG_SINK_PID"; wait "$FG_SINK_PID" 2>/dev/null
ro=$(fg_config ro.conf <<C
[database]
conninfo =
[monitoring]
metrics_dir = $FG_TMP/metrics-missing/sub
ping_url = \${FG_PING_URL}
ping_timeout = 2
C
)
fg_run budgetcheck -c "$ro"
fg_eq "job succeeds despite broken monitoring" 0 "$FG_RC"
fg_match "metrics warning" "warning: cannot write metrics file" "$FG_ERR"
fg_match "ping warning" "warning: health ping to http://127.0.0.1:[0-9]+/ping/" "$FG_ERR"
fg_nomatch "ping token not printed" "0f5e-secret-uuid" "$FG_ERR"
chmod 755 "$FG_TMP/metrics"

# Dry runs neither ping nor write metrics.
rm -f "$FG_TMP/metrics"/*
fg_run snapshot -c "$cfg" --dry-run
fg_eq "dry run writes no metrics" "" "$(ls "$FG_TMP/metrics")"
fg_done

#!/usr/bin/env bash
# Administration and read-only commands are not job runs: --dead,
# --requeue, --test, --status, --history, --list-rules and --dry-run record
# no job_runs row, write no metrics file and send no health ping, so they
# can neither make a stale job look healthy nor a healthy one failing.
. "$(dirname "$0")/../lib/harness.sh"
fg_setup

fg_httpsink ping
PING=$FG_SINK_URL
fg_httpsink hook
mkdir -p "$FG_TMP/metrics"
cfg=$(fg_config admin.conf <<C
[database]
conninfo =
[monitoring]
metrics_dir = $FG_TMP/metrics
ping_url = $PING/ping/uuid
[channel hook]
type = webhook
url = $FG_SINK_URL/hook
C
)
# one real run of each tool that needs no Snowflake migrates the schema
notifyd-once -c "$cfg" || fg_fail "first notifyd-once run"
snapshot -c "$cfg" --no-prune || fg_fail "first snapshot run"
rm -f "$FG_TMP"/metrics/*
runs() { fg_sql "SELECT count(*) FROM job_runs"; }
pings() { fg_sink_count "$FG_TMP/sink-ping"; }
before=$(runs)
pings_before=$(pings)

fg_sql "INSERT INTO notifications (channel, kind, severity, title, dedup_key, status)
 VALUES ('hook', 'generic', 'high', 'gone', 'dead1', 'dead')"
fg_run notifyd-once -c "$cfg" --dead
fg_eq "--dead exits 0" 0 "$FG_RC"
fg_run notifyd-once -c "$cfg" --requeue 12345
fg_eq "--requeue of an unknown id exits 65" 65 "$FG_RC"
fg_run notifyd-once -c "$cfg" --requeue all
fg_eq "--requeue all exits 0" 0 "$FG_RC"
fg_run notifyd-once -c "$cfg" --test hook
fg_eq "--test exits 0" 0 "$FG_RC"
fg_run notifyd-once -c "$cfg" --dry-run
fg_eq "notifyd-once --dry-run exits 0" 0 "$FG_RC"
fg_run snapshot -c "$cfg" --status
fg_run snapshot -c "$cfg" --history nope
fg_run snapshot -c "$cfg" --dry-run
fg_eq "snapshot --dry-run exits 0" 0 "$FG_RC"
fg_run secscan -c "$cfg" --list-rules
fg_eq "--list-rules exits 0" 0 "$FG_RC"
fg_run budgetcheck -c "$cfg" --dry-run
fg_eq "budgetcheck --dry-run exits 0" 0 "$FG_RC"

fg_eq "no job run recorded by administration or dry runs" "$before" "$(runs)"
fg_eq "no metrics file written" "" "$(ls "$FG_TMP/metrics")"
fg_eq "no health ping sent" "$pings_before" "$(pings)"

# A real delivery run still is a job run.
fg_run notifyd-once -c "$cfg"
fg_eq "a delivery run exits 0" 0 "$FG_RC"
fg_eq "a delivery run is recorded" "$((before + 1))" "$(runs)"
fg_check "a delivery run writes its metrics" test -s "$FG_TMP/metrics/flakeguard_notifyd-once.prom"
fg_done

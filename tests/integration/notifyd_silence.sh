#!/usr/bin/env bash
# [silence NAME]: a matching finding or budget alert ends as skipped,
# naming the silence, and reaches no sink; others are sent; an expired
# silence warns once and mutes nothing; --silences lists them with what
# each muted; a silence without reason or until is a configuration error.
. "$(dirname "$0")/../lib/harness.sh"
export FLAKEGUARD_NOW=2026-03-15T10:00:00Z
fg_setup
fg_httpsink hook
HOOK=$FG_SINK_URL
HOOK_DIR=$FG_SINK_DIR
cfg=$(fg_config s.conf <<C
[database]
conninfo =
[channel hook]
type = webhook
url = $HOOK/hook
[silence etl-migration]
source = finding
rule = stale-*
subject = ETL_*
reason = ETL users move to key pairs in March
until = 2026-04-01
[silence dev-budgets]
budget = dev-*
reason = dev spend is expected to spike
until = 2026-03-15
[silence old]
source = *
reason = last year's freeze
until = 2026-01-31
C
)
notifyd-once -c "$cfg" || fg_fail "migrate"
fg_sql "INSERT INTO notifications (channel, kind, severity, title, fields, dedup_key) VALUES
 ('hook', 'finding', 'high', 'stale ETL user', '{\"rule\": \"stale-user\", \"subject\": \"ETL_LOADER\"}', 'f1'),
 ('hook', 'finding', 'high', 'stale admin', '{\"rule\": \"stale-user\", \"subject\": \"ADMIN\"}', 'f2'),
 ('hook', 'budget', 'high', 'dev over', '{\"budget\": \"dev-team\"}', 'b1'),
 ('hook', 'budget', 'high', 'prod over', '{\"budget\": \"prod\"}', 'b2'),
 ('hook', 'test', 'info', 'test message', '{}', 't1')"

fg_run notifyd-once -c "$cfg" -n
fg_eq "a dry run sends nothing and exits 0" 0 "$FG_RC"
fg_eq "a dry run leaves the sink alone" 0 "$(fg_sink_count "$HOOK_DIR")"

fg_run notifyd-once -c "$cfg"
fg_eq "delivery exits 0" 0 "$FG_RC"
fg_eq "the expired silence is one warning" 1 "$(printf '%s\n' "$FG_ERR" | grep -c "silence 'old' expired on 2026-01-31")"
fg_eq "nothing else on stderr" 1 "$(printf '%s\n' "$FG_ERR" | grep -c .)"
fg_eq "three requests reached the sink" 3 "$(fg_sink_count "$HOOK_DIR")"
fg_nomatch "the silenced finding was not sent" "stale ETL user" "$(fg_sink_requests "$HOOK_DIR")"
fg_nomatch "the silenced budget was not sent" "dev over" "$(fg_sink_requests "$HOOK_DIR")"
fg_match "the unsilenced finding was sent" "stale admin" "$(fg_sink_requests "$HOOK_DIR")"
fg_match "the unsilenced budget was sent" "prod over" "$(fg_sink_requests "$HOOK_DIR")"
fg_eq "the silenced finding is skipped naming the silence" \
	"skipped|silenced by 'etl-migration' until 2026-04-01: ETL users move to key pairs in March|0" \
	"$(fg_sql "SELECT status, last_error, attempts FROM notifications WHERE dedup_key = 'f1'")"
fg_eq "the silenced budget is skipped naming the silence" \
	"skipped|silenced by 'dev-budgets' until 2026-03-15: dev spend is expected to spike" \
	"$(fg_sql "SELECT status, last_error FROM notifications WHERE dedup_key = 'b1'")"
fg_eq "no attempt recorded for silenced rows" 0 \
	"$(fg_sql "SELECT count(*) FROM delivery_attempts a JOIN notifications n ON n.id = a.notification_id WHERE n.dedup_key IN ('f1', 'b1')")"

fg_run notifyd-once -c "$cfg" --silences
fg_eq "--silences exits 0" 0 "$FG_RC"
fg_match "--silences lists the finding silence with its count" \
	"^etl-migration	source=finding rule=stale-\* subject=ETL_\*	until 2026-04-01	active	1 muted	ETL users move" "$FG_OUT"
fg_match "--silences lists the budget silence" "^dev-budgets	budget=dev-\*	until 2026-03-15	active	1 muted	" "$FG_OUT"
fg_match "--silences shows the expired one" "^old	source=\*	until 2026-01-31	expired	0 muted	last year's freeze$" "$FG_OUT"
fg_run notifyd-once -c "$cfg" --silences --json
fg_eq "--silences --json counts" "etl-migration 1 dev-budgets 1 old 0" \
	"$(printf '%s' "$FG_OUT" | python3 -c 'import json,sys; print(" ".join("%s %d" % (s["name"], s["muted"]) for s in json.load(sys.stdin)))')"
fg_run notifyd-once -c "$cfg" --silences --dead
fg_eq "--silences with --dead is a usage error" 64 "$FG_RC"

# the day after until, the budget silence has expired and mutes nothing
fg_sql "INSERT INTO notifications (channel, kind, severity, title, fields, dedup_key) VALUES
 ('hook', 'budget', 'high', 'dev over again', '{\"budget\": \"dev-team\"}', 'b3')"
FLAKEGUARD_NOW=2026-03-16T10:00:00Z fg_run notifyd-once -c "$cfg"
fg_eq "delivery after expiry exits 0" 0 "$FG_RC"
fg_match "the expired silence warns" "silence 'dev-budgets' expired on 2026-03-15" "$FG_ERR"
fg_eq "the alert is sent once its silence expired" sent "$(fg_sql "SELECT status FROM notifications WHERE dedup_key = 'b3'")"

for bad in "until = 2026-04-01" "reason = because" "reason = x
until = soon" "reason = x
until = 2026-04-01
source = alerts"; do
	cat >"$FG_TMP/bad.conf" <<C
[database]
conninfo =
[silence broken]
$bad
C
	chmod 600 "$FG_TMP/bad.conf"
	fg_run notifyd-once -c "$FG_TMP/bad.conf" --check-config
	fg_eq "a bad silence exits 78 ($(printf '%s' "$bad" | tr '\n' ' '))" 78 "$FG_RC"
	fg_match "the error says FILE:LINE" "bad.conf:[0-9]+: " "$FG_ERR"
done
fg_done

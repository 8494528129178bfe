#!/usr/bin/env bash
# No secret reaches stdout, stderr, JSON output or the database, on success
# paths and on failure paths, in text and JSON logs.
. "$(dirname "$0")/../lib/harness.sh"
fg_setup
export FLAKEGUARD_NOW=2026-03-20T10:00:00Z
S_SLACK=xoxSLACKTOKEN7f3e91
S_HOOK=hmacSECRETb71c2d
S_ROUTING=pdROUTINGKEY55aa0f
S_SMTP=smtpPASSWORD9c1e77
S_ODBC=odbcPASSWORD4d2f88
S_PING=pingUUID0b8e3311
S_HEADER=bearerTOKEN66f1a0
S_DB=dbPASSWORD1a2b3c
fg_httpsink ok
OK_URL=$FG_SINK_URL
fg_httpsink bad --status 500 --body oops
BAD_URL=$FG_SINK_URL
fg_smtpsink mail --auth "alerts:$S_SMTP"
mkdir -p "$FG_TMP/secrets"
printf '%s\n' "$S_SMTP" >"$FG_TMP/secrets/smtp"
printf '%s/services/T0/B0/%s\n' "$OK_URL" "$S_SLACK" >"$FG_TMP/secrets/slack"
export FG_ROUTING=$S_ROUTING
fg_sim "SELECT account_usage.generate_costs('2026-02-01', 48, 2, 7)" >/dev/null
fg_sim "SELECT account_usage.seed_security('$FLAKEGUARD_NOW')" >/dev/null
cfg=$(fg_config secret.conf <<C
[database]
conninfo = host=$PGHOST port=$PGPORT dbname=flakeguard user=postgres password=$S_DB
[connector prod]
odbc = $FG_SIM_ODBC;PWD=$S_ODBC
credit_price = 3.00
backfill_days = 60
[connector broken]
odbc = DSN=nosuchdsn;UID=x;PWD=$S_ODBC
credit_price = 3.00
[budget tight]
connector = prod
amount = 10
notify = slack, hook, pd, mail, badslack
[channel slack]
type = slack
url_file = $FG_TMP/secrets/slack
[channel badslack]
type = slack
url = $BAD_URL/services/T1/B1/$S_SLACK
[channel hook]
type = webhook
url = $OK_URL/hook
secret = $S_HOOK
header = Authorization: Bearer $S_HEADER
[channel pd]
type = pagerduty
url = $OK_URL/v2/enqueue
routing_key = \${FG_ROUTING}
[channel mail]
type = email
to = ops@example.com
[email]
provider = smtp
from = flakeguard <alerts@example.com>
smtp_url = $FG_SMTP_URL
smtp_user = alerts
smtp_password_file = $FG_TMP/secrets/smtp
[secscan]
notify = slack, badslack
min_severity = critical
ioc_ip_file = $FG_SOURCE_DIR/data/unc5537-ips.txt
[monitoring]
ping_url = $BAD_URL/ping/$S_PING
C
)
out=$FG_TMP/all-output
: >"$out"
run_all() {
	local t
	for t in "costsync" "budgetcheck" "notifyd-once" "snapshot" "secscan" "notifyd-once" \
		"snapshot --status" "notifyd-once --dead" "budgetcheck --dry-run" "secscan --list-rules"; do
		# shellcheck disable=SC2086
		local t0=$(date +%s%N)
		$t -c "$cfg" "$@" >>"$out" 2>&1
		echo "== $t exit $? $((($(date +%s%N) - t0) / 1000000)) ms" >>"$out"
	done
}
run_all -v
run_all -vv --json
run_all --log-format json --json
notifyd-once -c "$cfg" --test badslack >>"$out" 2>&1
notifyd-once -c "$cfg" --requeue all >>"$out" 2>&1
notifyd-once -c "$cfg" -vv >>"$out" 2>&1
fg_check "the run produced output to search ($(wc -l <"$out") lines)" test "$(wc -l <"$out")" -gt 50
fg_match "failure paths were exercised (HTTP 500 from a Slack URL)" "500" "$(cat "$out")"
fg_match "failure paths were exercised (ODBC connector broken)" "connector 'broken'" "$(cat "$out")"
fg_check "notifications were delivered" test "$(fg_sink_count "$FG_TMP/sink-ok")" -gt 3
pg_dump -d flakeguard --data-only >"$FG_TMP/dump.sql"
fg_check "database dump taken" test -s "$FG_TMP/dump.sql"
for s in "$S_SLACK" "$S_HOOK" "$S_ROUTING" "$S_SMTP" "$S_ODBC" "$S_PING" "$S_HEADER" "$S_DB"; do
	fg_eq "secret ${s:0:6}… absent from every output" 0 "$(grep -c -- "$s" "$out")"
	fg_eq "secret ${s:0:6}… absent from the database" 0 "$(grep -c -- "$s" "$FG_TMP/dump.sql")"
done
fg_done

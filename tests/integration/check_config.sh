#!/usr/bin/env bash
# --check-config on every tool: the whole file for all five tools, no
# database, silent and 0 when valid, one line per problem and 78
# otherwise, a summary at -v.  And each tool refuses only the secrets it
# uses: a broken channel stops neither costsync nor budgetcheck, and a
# missing [email] stops only notifyd-once's e-mail channels.
. "$(dirname "$0")/../lib/harness.sh"
fg_setup
TOOLS="costsync budgetcheck notifyd-once snapshot secscan"
export FLAKEGUARD_NOW=2026-03-15T10:00:00Z
mkdir -p "$FG_TMP/metrics"

good=$(fg_config good.conf <<C
[database]
conninfo = host=/nonexistent port=1
[connector prod]
odbc = DSN=snowsim
credit_price = 3.00
[connector dev]
odbc = DSN=snowsim
credit_price = 2.50
enabled = false
[budget prod-monthly]
connector = prod
amount = 1000
scope = warehouse:ETL_WH + service:SNOWPIPE
notify = ops
[channel ops]
type = slack
url = https://hooks.slack.com/services/T0ABC/B0DEF/ghijklmnop
[channel mail]
type = email
to = finance@example.com
[email]
from = flakeguard <alerts@example.com>
smtp_url = smtps://smtp.example.com:465
[secscan]
notify = ops
ioc_ip_file = $FG_SOURCE_DIR/data/unc5537-ips.txt
[monitoring]
metrics_dir = $FG_TMP/metrics
C
)
for t in $TOOLS; do
	fg_run "$t" -c "$good" --check-config
	fg_eq "$t --check-config of a valid file exits 0 without a database" 0 "$FG_RC"
	fg_eq "$t --check-config of a valid file prints nothing" "" "$FG_OUT$FG_ERR"
done
fg_run costsync -c "$good" --check-config -v
fg_eq "-v summary" "config '$good': valid
connectors: 2 (prod, dev disabled)
budgets: 1 (prod-monthly)
channels: 2 (ops slack, mail email)
email: smtp from flakeguard <alerts@example.com>
ioc addresses: $(grep -cvE '^[[:space:]]*(#|$)' "$FG_SOURCE_DIR/data/unc5537-ips.txt") from '$FG_SOURCE_DIR/data/unc5537-ips.txt'" "$FG_OUT"
fg_nomatch "-v summary shows no secret" "ghijklmnop" "$FG_OUT$FG_ERR"

# One line per problem, every section, the same from every tool.
bad=$(fg_config bad.conf <<C
[database]
conninfo = host=/nonexistent port=1
[connector prod]
odbc = DSN=snowsim
[budget b1]
amount = 100
scope = warehouse:
notify = ops, nowhere
[channel ops]
type = slack
url_file = $FG_TMP/no-such-secret
[channel hook]
type = webhook
url = ftp://example.com/hook
[channel mail]
type = email
to = finance@example.com
[notify]
lease = 20s
[channel slow]
type = webhook
url = https://example.com/slow
[secscan]
notify = ghost
[retention]
attempts_days = 0
[status]
costsync = soon
[monitoring]
metrics_dir = $FG_TMP/no-such-dir
C
)
want="bad.conf:11: cannot read secret file '$FG_TMP/no-such-secret' for 'url_file'
bad.conf:3: missing credit_price
bad.conf:7: scope: 'warehouse:' is not a scope
bad.conf:8: notify: unknown channel 'nowhere'
bad.conf:14: url: the url of channel 'hook' is not an http:// or https:// URL
bad.conf:15: email channel 'mail' needs an \[email\] section
bad.conf:19: lease: a lease of 20s is shorter than 2 x the longest timeout \(30s\) \+ connect_timeout \(10s\) = 70s
bad.conf:24: notify: unknown channel 'ghost'
bad.conf:26: attempts_days: 0 is out of range
bad.conf:28: costsync: 'soon' is not an interval
bad.conf:30: metrics_dir: cannot write to metrics_dir"
first=""
for t in $TOOLS; do
	fg_run "$t" -c "$bad" --check-config
	fg_eq "$t --check-config of a bad file exits 78" 78 "$FG_RC"
	fg_eq "$t --check-config prints nothing on stdout" "" "$FG_OUT"
	fg_eq "$t --check-config: one line per problem" 11 "$(printf '%s\n' "$FG_ERR" | wc -l)"
	i=0
	while IFS= read -r line; do
		i=$((i + 1))
		fg_match "$t problem $i" "^$t: error: $FG_TMP/$line" "$(printf '%s\n' "$FG_ERR" | sed -n "${i}p")"
	done <<<"$want"
	norm=$(printf '%s\n' "$FG_ERR" | sed "s/^$t: //")
	[ -z "$first" ] && first=$norm
	fg_eq "$t reports what costsync reports" "$first" "$norm"
done

# A secret a tool does not use does not stop it.
fg_httpsink hooks
broken=$(fg_config broken.conf <<C
[database]
conninfo =
[connector prod]
odbc = $FG_SIM_ODBC
credit_price = 3
[budget b1]
amount = 100
notify = ops, mail
[channel ops]
type = slack
url = $FG_SINK_URL/services/T0OPS/B0OPS/opstoken
[channel gone]
type = slack
url_file = $FG_TMP/no-such-secret
[channel mail]
type = email
to = finance@example.com
C
)
fg_run costsync -c "$broken"
fg_eq "costsync runs with a channel secret missing" 0 "$FG_RC"
fg_eq "costsync says nothing about channels" "" "$FG_ERR"
fg_run budgetcheck -c "$broken"
fg_eq "budgetcheck runs with a channel secret missing" 0 "$FG_RC"
fg_run snapshot -c "$broken" --no-prune
fg_eq "snapshot runs with a channel secret missing" 0 "$FG_RC"
fg_sql "INSERT INTO notifications (channel, kind, severity, title, dedup_key) VALUES
	('ops', 'generic', 'high', 'to slack', 's1'), ('mail', 'generic', 'high', 'to mail', 'm1'),
	('gone', 'generic', 'high', 'to gone', 'g1')"
fg_run notifyd-once -c "$broken"
fg_eq "notifyd-once exits 78 for its broken channels" 78 "$FG_RC"
fg_eq "slack delivered despite the missing [email] and the broken channel" 1 "$(fg_sink_count)"
fg_eq "only slack was sent; the others wait" "gone pending|mail pending|ops sent" \
	"$(fg_sql "SELECT string_agg(channel || ' ' || status, '|' ORDER BY channel) FROM notifications")"
fg_match "notifyd-once names the missing secret" "broken.conf:14: cannot read secret file" "$FG_ERR"
fg_match "notifyd-once names the missing [email]" "broken.conf:15: email channel 'mail' needs an \[email\]" "$FG_ERR"
fg_eq "notifyd-once: one line per problem" 2 "$(printf '%s\n' "$FG_ERR" | wc -l)"
fg_run notifyd-once -c "$broken" --test gone
fg_eq "--test of a broken channel exits 78" 78 "$FG_RC"
fg_run costsync -c "$broken" --check-config
fg_eq "--check-config still reports them" 78 "$FG_RC"

fg_done

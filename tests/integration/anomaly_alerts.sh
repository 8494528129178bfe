#!/bin/bash
# Cost anomaly alerts: a planted warehouse spike is recorded once per
# (series, day), notified once per incident and channel with an
# explanation naming the warehouse; the next anomalous day extends the
# incident without a second message, the first normal day resolves it
# and queues one resolution per channel told of the incident;
# --json, --fail-on anomaly, --anomalies; a young series is not
# evaluated; per-connector overrides.
. "$FG_SOURCE_DIR/tests/lib/harness.sh"
fg_setup

conf=$(fg_config bc.conf <<CONF
[connector prod]
odbc = $FG_SIM_ODBC
[connector quiet]
odbc = $FG_SIM_ODBC
anomaly_enabled = false
[channel ops]
type = webhook
url = http://127.0.0.1:9/hook
[channel finance]
type = webhook
url = http://127.0.0.1:9/finance
[anomaly]
notify = ops, finance
severity = 0:low, 500:high
CONF
)
export FLAKEGUARD_NOW=2026-03-10T10:00:00Z
fg_run budgetcheck -c "$conf"
fg_eq "schema created" 0 "$FG_RC"

# 70 days to 2026-03-11 of three warehouses and cloud services, +-5 %
# noise; ETL_WH runs on weekdays only.  NEW_WH started 2026-03-04.
fg_sql "INSERT INTO daily_costs (connector, day, service_type, entity, cost, currency)
	SELECT c, d::date, st, e, round(base * (1 + 0.05 * ((i * 37 + length(e)) % 11 - 5) / 5.0), 2), 'USD'
	FROM generate_series(0, 69) AS i, LATERAL (SELECT date '2026-01-01' + i AS d) x,
	LATERAL (VALUES ('prod', 'WAREHOUSE_METERING', 'ETL_WH',
			CASE WHEN extract(isodow FROM d) >= 6 THEN 0 ELSE 200 END),
		('prod', 'WAREHOUSE_METERING', 'BI_WH', 100), ('prod', 'CLOUD_SERVICES', '', 12),
		('prod', 'WAREHOUSE_METERING', 'NEW_WH', CASE WHEN d >= '2026-03-04' THEN 8 END),
		('quiet', 'WAREHOUSE_METERING', 'X_WH', CASE WHEN d = '2026-03-09' THEN 5000 ELSE 100 END))
		AS v(c, st, e, base)
	WHERE base IS NOT NULL"
# The spike: Monday 2026-03-09 and Tuesday 2026-03-10; Wednesday is normal.
fg_sql "UPDATE daily_costs SET cost = 1240 WHERE entity = 'ETL_WH' AND day = '2026-03-09'"
fg_sql "UPDATE daily_costs SET cost = 1300 WHERE entity = 'ETL_WH' AND day = '2026-03-10'"

fg_run budgetcheck -c "$conf" --dry-run --json
fg_eq "dry run exits 0" 0 "$FG_RC"
fg_eq "dry run: the anomalies reported, not queued" "account:false service:false warehouse:false" \
	"$(jq -r '[.[] | select(.anomaly) | "\(.dimension):\(.queued)"] | sort | join(" ")' <<<"$FG_OUT")"
fg_eq "dry run writes nothing" 0 "$(fg_sql "SELECT count(*) FROM anomalies")"

export FLAKEGUARD_NOW=2026-03-10T10:00:00Z
fg_run budgetcheck -c "$conf" --json --fail-on anomaly
fg_eq "an open anomaly fails the gate" 1 "$FG_RC"
fg_eq "silent on success" "" "$FG_ERR"
fg_eq "three series anomalous on Monday" "account||spike|high
service|WAREHOUSE_METERING|spike|high
warehouse|ETL_WH|spike|high" \
	"$(fg_sql "SELECT dimension, series, direction, severity FROM anomalies ORDER BY 1, 2")"
fg_eq "the quiet connector is not judged" 0 "$(fg_sql "SELECT count(*) FROM anomalies WHERE connector = 'quiet'")"
fg_eq "one open incident each" "3|3" \
	"$(fg_sql "SELECT count(*), count(*) FILTER (WHERE resolved_day IS NULL) FROM anomaly_incidents")"
fg_eq "one notification per incident and channel" 6 "$(fg_sql "SELECT count(*) FROM notifications WHERE kind = 'anomaly'")"
fg_eq "--json: the open anomalies, queued" "account:true service:true warehouse:true" \
	"$(jq -r '[.[] | select(.anomaly) | "\(.dimension):\(.queued)"] | sort | join(" ")' <<<"$FG_OUT")"
fg_eq "--json: a young series is not_evaluated, not silently ok" "prod:warehouse:NEW_WH:2026-03-09:5" \
	"$(jq -r '.[] | select(.series_status == "not_evaluated") | "\(.connector):\(.dimension):\(.series):\(.day):\(.history_days)"' <<<"$FG_OUT")"
wh=$(fg_sql "SELECT body FROM notifications WHERE channel = 'ops' AND dedup_key LIKE '%:warehouse:ETL_WH:%'")
fg_match "warehouse alert: actual, expected and the weekday baseline" \
	'^warehouse ETL_WH spent 1240\.00 USD on Mon 2026-03-09, expected [0-9]+\.[0-9]{2} \([0-9.]+ to [0-9.]+ on the last 8 Mondays\): \+[0-9.]+, [0-9.]+ spreads of [0-9.]+$' "$wh"
acct=$(fg_sql "SELECT body FROM notifications WHERE channel = 'ops' AND dedup_key = 'anomaly:prod:account::2026-03-09'")
fg_match "account alert names the planted warehouse first" \
	'^account prod spent [0-9.]+ USD on Mon 2026-03-09, .*; service WAREHOUSE_METERING \+[0-9.]+ \([0-9.]+, usually [0-9.]+\), warehouse ETL_WH \+[0-9.]+ \(1240\.00, usually [0-9.]+\)' "$acct"
fg_eq "title and fields" "cost spike: account prod +$(fg_sql "SELECT round(actual - expected, 2) FROM anomalies WHERE dimension = 'account'") USD on 2026-03-09 (expected $(fg_sql "SELECT round(expected, 2) FROM anomalies WHERE dimension = 'account'"))|2026-03-09|spike|account" \
	"$(fg_sql "SELECT title, fields->>'day', fields->>'direction', fields->>'dimension' FROM notifications WHERE channel = 'ops' AND dedup_key = 'anomaly:prod:account::2026-03-09'")"
fg_match "fields name the contributors" 'warehouse ETL_WH \+' \
	"$(fg_sql "SELECT fields->>'contributors' FROM notifications WHERE channel = 'ops' AND dedup_key = 'anomaly:prod:account::2026-03-09'")"

# Again: nothing new.
fg_run budgetcheck -c "$conf"
fg_eq "second run: never twice" "3|6" \
	"$(fg_sql "SELECT (SELECT count(*) FROM anomalies), (SELECT count(*) FROM notifications)")"

# The documented pipe sends nothing the outbox carries.
out=$(budgetcheck -c "$conf" --json 2>/dev/null | notifyd-once -c "$conf" --stdin --channel ops -v 2>&1)
fg_match "queued anomalies are left to the outbox" 'nothing to send \(.*3 alerts in the outbox' "$out"

# Tuesday is anomalous too: the incidents grow, no message.
export FLAKEGUARD_NOW=2026-03-11T10:00:00Z
fg_run budgetcheck -c "$conf"
fg_eq "Tuesday extends the incidents" "6|3|2026-03-10|6" \
	"$(fg_sql "SELECT (SELECT count(*) FROM anomalies), (SELECT count(*) FROM anomaly_incidents),
		(SELECT max(last_day) FROM anomaly_incidents), (SELECT count(*) FROM notifications)")"
fg_run budgetcheck -c "$conf" --anomalies
fg_match "--anomalies lists the open incident" 'open +high +spike +2026-03-09\.\.2026-03-10 +warehouse ETL_WH spent 1240\.00' "$FG_OUT"

# Wednesday is normal: resolved, kept, listed.
export FLAKEGUARD_NOW=2026-03-12T10:00:00Z
fg_run budgetcheck -c "$conf" --fail-on anomaly
fg_eq "resolved: the gate passes" 0 "$FG_RC"
fg_eq "Wednesday resolves every incident" "3|2026-03-11|3" \
	"$(fg_sql "SELECT count(*), max(resolved_day), count(resolved_at) FROM anomaly_incidents")"
fg_eq "each opening names its incident" 6 \
	"$(fg_sql "SELECT count(*) FROM notifications WHERE kind = 'anomaly' AND event = 'trigger' AND incident = dedup_key")"
fg_eq "one resolution per incident and channel told of it" "6|6" \
	"$(fg_sql "SELECT count(*), count(DISTINCT (channel, incident)) FROM notifications WHERE kind = 'anomaly' AND event = 'resolve'")"
fg_eq "the resolution says when the series was normal again" \
	"resolved: prod warehouse ETL_WH: cost back to normal on 2026-03-11|2026-03-09|2026-03-10" \
	"$(fg_sql "SELECT title, fields->>'first_day', fields->>'last_day' FROM notifications WHERE channel = 'ops' AND event = 'resolve' AND incident = 'anomaly:prod:warehouse:ETL_WH:2026-03-09'")"
fg_run budgetcheck -c "$conf"
fg_eq "a rerun resolves nothing twice" 6 "$(fg_sql "SELECT count(*) FROM notifications WHERE event = 'resolve'")"
fg_run budgetcheck -c "$conf" --anomalies --json
fg_eq "--anomalies --json lists the resolved incidents" "resolved:2026-03-11:2" \
	"$(jq -r '.[] | select(.series == "ETL_WH") | "\(.status):\(.resolved_day):\(.days)"' <<<"$FG_OUT")"

# A young series is not evaluated, never silently ok.
fg_run budgetcheck -c "$conf" --anomalies --since 2026-03-11 --until 2026-03-11 --json
fg_eq "NEW_WH is not evaluated" '[{"connector":"prod","dimension":"warehouse","series":"NEW_WH","history_days":7}]' \
	"$(jq -c '.not_evaluated' <<<"$FG_OUT")"

# Set-based: 40 more warehouses, the same number of statements.
stmts() { fg_sql "SELECT counts->>'statements' FROM job_runs WHERE job = 'budgetcheck' ORDER BY id DESC LIMIT 1"; }
before=$(stmts)
fg_sql "INSERT INTO daily_costs (connector, day, service_type, entity, cost, currency)
	SELECT 'prod', date '2026-01-01' + i, 'WAREHOUSE_METERING', 'MORE_' || w, 50 + w, 'USD'
	FROM generate_series(0, 69) AS i, generate_series(1, 40) AS w"
fg_run budgetcheck -c "$conf" -v
fg_match "-v: what was judged" "judged 46 cost series from 2026-03-09 to 2026-03-11: 0 new anomalies" "$FG_ERR"
fg_eq "statements do not grow with the series" "$before" "$(stmts)"

# Per-connector overrides: prod judged less strictly finds nothing new.
lax=$(fg_config lax.conf <<CONF
[connector prod]
odbc = $FG_SIM_ODBC
anomaly_sensitivity = 100
[anomaly]
dips = true
CONF
)
fg_run budgetcheck -c "$lax" --anomalies --since 2026-03-09 --until 2026-03-09 --json
fg_eq "anomaly_sensitivity = 100 flags nothing" "0" "$(jq '.flagged | length' <<<"$FG_OUT")"

# Usage and configuration errors.
fg_run budgetcheck -c "$conf" --since 2026-03-01
fg_eq "--since without --anomalies" "64|budgetcheck: error: --since and --until need --anomalies: they choose the days of a backtest" "$FG_RC|$FG_ERR"
fg_run budgetcheck -c "$conf" --anomalies --until 2026-03-01
fg_eq "--until without --since" "64|budgetcheck: error: --until needs --since: the first day of the backtest" "$FG_RC|$FG_ERR"
fg_run budgetcheck -c "$conf" --anomalies --since 2026-03-05 --until 2026-03-01
fg_eq "--until before --since" "64|budgetcheck: error: invalid --until: it is before --since" "$FG_RC|$FG_ERR"
fg_run budgetcheck -c "$conf" --anomalies --since 2026-02-30
fg_eq "a bad --since date: 64" 64 "$FG_RC"
fg_match "the bad date is named" "2026-02-30" "$FG_ERR"
fg_run budgetcheck -c "$conf" --explain x --anomalies
fg_eq "--explain with --anomalies" "64|budgetcheck: error: --explain cannot be combined with --budget, --fail-on, --allow-empty or --anomalies" "$FG_RC|$FG_ERR"
fg_run budgetcheck -c "$conf" --fail-on anomalies
fg_eq "unknown --fail-on lists anomaly" "64|budgetcheck: error: invalid --fail-on 'anomalies': use warn, breach, forecast or anomaly" "$FG_RC|$FG_ERR"
bad=$(fg_config bad.conf <<CONF
[connector prod]
odbc = $FG_SIM_ODBC
anomaly_sensitivity = loud
[anomaly]
dimensions = account, role
CONF
)
fg_run budgetcheck -c "$bad"
fg_eq "bad values name the file and line" "78|$bad:5: dimensions: 'role' is not a dimension: use account, warehouse, service, user or query_tag
$bad:3: anomaly_sensitivity: 'loud' is not a decimal number" "$FG_RC|$(sed 's/^budgetcheck: error: //; s/ (.*//; s/ in section .*//' <<<"$FG_ERR")"
bad=$(fg_config bad2.conf <<CONF
[anomaly]
lookback_weeks = 1
min_history_days = 0
min_daily_cost = cheap
min_change_percent = lots
min_change_amount = ten
dips = perhaps
CONF
)
fg_run budgetcheck -c "$bad" --check-config
fg_eq "every bad [anomaly] value refused with 78" 78 "$FG_RC"
for n in 2:lookback_weeks 3:min_history_days 4:min_daily_cost 5:min_change_percent 6:min_change_amount 7:dips; do
	fg_match "${n#*:} named with its line" "bad2\.conf:${n%%:*}: ${n#*:}" "$FG_ERR"
done
fg_eq "one line per bad value" 6 "$(printf '%s\n' "$FG_ERR" | grep -c .)"
fg_done

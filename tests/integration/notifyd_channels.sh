#!/usr/bin/env bash
# notifyd-once: payload shapes of Slack, webhook (HMAC), Teams and PagerDuty
# against the loopback sink; --dry-run, --json, --channel, --limit; secrets
# never in stderr, --json or the attempts table; bad command lines.
. "$(dirname "$0")/../lib/harness.sh"
fg_setup
export FLAKEGUARD_NOW=2026-03-15T10:00:00Z

fg_httpsink main
SINK=$FG_SINK_URL
SLACK="$SINK/services/T0SECRET/B0SECRET/slacktokenXYZ"
HOOK="$SINK/hooks/webhooktokenXYZ"
TEAMS="$SINK/workflows/teamstokenXYZ"
PD="$SINK/v2/enqueue"
conf=$(fg_config n.conf <<C
[database]
conninfo =
[notify]
backoff_base = 0
[channel ops-slack]
type = slack
url = $SLACK
rate_per_minute = 0
[channel hook]
type = webhook
url = $HOOK
secret = hmacsecretXYZ
header = X-Team: finops
[channel teams]
type = teams
url = $TEAMS
[channel pager]
type = pagerduty
url = $PD
routing_key = routingkeyXYZ0123456789
C
)

# Schema first (a dry run never migrates).
fg_run notifyd-once -c "$conf"
fg_eq "empty outbox exits 0" 0 "$FG_RC"
fg_eq "empty outbox is silent" "" "$FG_ERR"

budget_fields='{"budget":"prod-monthly","connector":"prod","kind":"actual","threshold":90,"spend":"912.50","amount":"1000.00","currency":"USD","percent":"91.25","remaining":"87.50","period":"monthly","period_start":"2026-03-01","period_end":"2026-03-31","forecast":"1180.00"}'
for ch in ops-slack hook teams pager; do
	fg_sql "INSERT INTO notifications (channel, kind, severity, title, body, fields, dedup_key)
		VALUES ('$ch', 'budget', 'high', 'budget prod-monthly passed 90%', 'spend 912.50 of 1000.00 USD',
		'$budget_fields', 'budget:prod-monthly:2026-03-01:actual:90')"
done
fg_sql "INSERT INTO notifications (channel, kind, severity, title, body, fields, dedup_key)
	VALUES ('ops-slack', 'finding', 'critical', 'user-password-no-mfa: ALICE', '',
	'{\"rule\":\"user-password-no-mfa\",\"subject\":\"ALICE\",\"connector\":\"prod\",\"evidence\":{\"has_password\":true}}',
	'finding:1:1773568800')"

# --dry-run renders and sends nothing, writes nothing.
fg_run notifyd-once -c "$conf" --dry-run --channel pager
fg_eq "dry run exits 0" 0 "$FG_RC"
fg_match "dry run prints the PagerDuty payload" '"event_action":"trigger"' "$FG_OUT"
fg_nomatch "dry run hides the routing key" "routingkeyXYZ" "$FG_OUT"
fg_eq "dry run sends nothing" 0 "$(fg_sink_count)"
fg_eq "dry run leaves rows pending" 5 "$(fg_sql "SELECT count(*) FROM notifications WHERE status = 'pending'")"

fg_run notifyd-once -c "$conf" --channel nope
fg_eq "unknown --channel exits 64" 64 "$FG_RC"
fg_match "unknown --channel is named" "unknown channel 'nope'" "$FG_ERR"
fg_run notifyd-once -c "$conf" --limit zero
fg_eq "bad --limit exits 64" 64 "$FG_RC"

fg_run notifyd-once -c "$conf" --limit 2 --channel ops-slack
fg_eq "--limit run exits 0" 0 "$FG_RC"
fg_eq "--limit bounds the run" 2 "$(fg_sink_count)"

fg_run notifyd-once -c "$conf" --json
fg_eq "delivery run exits 0" 0 "$FG_RC"
fg_eq "delivery run is silent" "" "$FG_ERR"
fg_eq "--json counts sent" 3 "$(printf '%s' "$FG_OUT" | jq .sent)"
fg_eq "--json per channel" 1 "$(printf '%s' "$FG_OUT" | jq '.channels.hook.sent')"
fg_eq "all rows sent" 5 "$(fg_sql "SELECT count(*) FROM notifications WHERE status = 'sent'")"
fg_eq "one attempt each" 5 "$(fg_sql "SELECT count(*) FROM delivery_attempts WHERE outcome = 'sent' AND status_code = 200")"

req() { fg_sink_requests | jq -c "select(.path | startswith(\"$1\"))" | head -n 1; }
# Slack: text fallback, one coloured attachment with fields.
s=$(fg_sink_requests | jq -c 'select(.path | startswith("/services/")) | .body | fromjson' | grep prod-monthly)
fg_match "slack text fallback" '"text":"\[high\] budget prod-monthly passed 90%"' "$s"
fg_eq "slack attachment colour" '"warning"' "$(printf '%s' "$s" | jq '.attachments[0].color')"
fg_eq "slack fields in order" '["budget","threshold","spend","amount","percent","remaining","period","forecast"]' \
	"$(printf '%s' "$s" | jq -c '[.attachments[0].fields[].title]')"
fg_eq "slack spend field" '"912.50 USD"' "$(printf '%s' "$s" | jq '.attachments[0].fields[2].value')"
f=$(fg_sink_requests | jq -c 'select(.path | startswith("/services/")) | .body | fromjson' | grep ALICE)
fg_eq "slack critical is danger" '"danger"' "$(printf '%s' "$f" | jq '.attachments[0].color')"
fg_eq "slack finding fields" '["rule","subject","connector","evidence"]' "$(printf '%s' "$f" | jq -c '[.attachments[0].fields[].title]')"

# Webhook: versioned schema, extra header, HMAC over the exact body.
w=$(req /hooks/)
wb=$(printf '%s' "$w" | jq -r .body)
fg_eq "webhook version" 1 "$(printf '%s' "$wb" | jq .version)"
fg_eq "webhook kind and severity" "budget high" "$(printf '%s' "$wb" | jq -r '.kind + " " + .severity')"
fg_eq "webhook fields kept" '"912.50"' "$(printf '%s' "$wb" | jq .fields.spend)"
fg_eq "webhook dedup key" '"budget:prod-monthly:2026-03-01:actual:90"' "$(printf '%s' "$wb" | jq .dedup_key)"
fg_eq "webhook extra header" finops "$(printf '%s' "$w" | jq -r '.headers["X-Team"]')"
want=$(printf '%s' "$wb" | openssl dgst -sha256 -hmac hmacsecretXYZ | sed 's/.*= //')
fg_eq "webhook HMAC-SHA256 signature" "sha256=$want" "$(printf '%s' "$w" | jq -r '.headers["X-Flakeguard-Signature"]')"

# Teams: an Adaptive Card in a message.
tb=$(req /workflows/ | jq -r .body)
fg_eq "teams message type" message "$(printf '%s' "$tb" | jq -r .type)"
fg_eq "teams adaptive card" "application/vnd.microsoft.card.adaptive AdaptiveCard" \
	"$(printf '%s' "$tb" | jq -r '.attachments[0].contentType + " " + .attachments[0].content.type')"
fg_eq "teams fact set" budget "$(printf '%s' "$tb" | jq -r '.attachments[0].content.body[] | select(.type == "FactSet") | .facts[0].title')"

# PagerDuty Events API v2.
pb=$(req /v2/enqueue | jq -r .body)
fg_eq "pagerduty trigger" trigger "$(printf '%s' "$pb" | jq -r .event_action)"
fg_eq "pagerduty routing key" routingkeyXYZ0123456789 "$(printf '%s' "$pb" | jq -r .routing_key)"
fg_eq "pagerduty stable dedup key" "budget:prod-monthly:2026-03-01:actual:90" "$(printf '%s' "$pb" | jq -r .dedup_key)"
fg_eq "pagerduty severity high -> error" error "$(printf '%s' "$pb" | jq -r .payload.severity)"
fg_match "pagerduty summary" '^\[high\] budget prod-monthly' "$(printf '%s' "$pb" | jq -r .payload.summary)"

# Nothing left due: a second run sends nothing.
fg_run notifyd-once -c "$conf"
fg_eq "second run sends nothing" 5 "$(fg_sink_count)"

# Permanent failures: Slack 404 no_service -> dead after one attempt, exit 69.
fg_httpsink gone --status 404 --body no_service
GONE="$FG_SINK_URL/services/T0GONE/B0GONE/gonetokenXYZ"
conf2=$(fg_config g.conf <<C
[database]
conninfo =
[channel gone]
type = slack
url = $GONE
C
)
fg_sql "INSERT INTO notifications (channel, kind, severity, title, dedup_key) VALUES ('gone', 'generic', 'info', 'x', 'g1')"
fg_run notifyd-once -c "$conf2" -v --json
fg_eq "dead delivery exits 69" 69 "$FG_RC"
fg_match "redacted URL shown in -v" "services/T0.*no_service" "$FG_ERR"
deadout="$FG_ERR $FG_OUT"
fg_eq "no_service is dead after one attempt" "dead 1" "$(fg_sql "SELECT status || ' ' || attempts FROM notifications WHERE dedup_key = 'g1'")"
fg_match "attempt records the reason" "no_service" "$(fg_sql "SELECT error FROM delivery_attempts WHERE channel = 'gone'")"
fg_run notifyd-once -c "$conf2"
fg_eq "dead is not retried" 1 "$(fg_sink_count)"
fg_run notifyd-once -c "$conf2" --dead
fg_match "--dead lists it" "gone.*no_service" "$FG_OUT"
fg_run notifyd-once -c "$conf2" --dead --json
fg_eq "--dead --json" gone "$(printf '%s' "$FG_OUT" | jq -r '.[0].channel')"
gid=$(fg_sql "SELECT id FROM notifications WHERE dedup_key = 'g1'")
fg_run notifyd-once -c "$conf2" --requeue 999999
fg_eq "requeue of an unknown id exits 65" 65 "$FG_RC"
fg_run notifyd-once -c "$conf2" --requeue "$gid"
fg_eq "requeue exits 0" 0 "$FG_RC"
fg_eq "requeued row is pending" "pending 0" "$(fg_sql "SELECT status || ' ' || attempts FROM notifications WHERE id = $gid")"
fg_run notifyd-once -c "$conf2" --requeue all
fg_eq "requeue all exits 0" 0 "$FG_RC"
fg_run notifyd-once -c "$conf2"
fg_eq "requeued row is attempted again" 2 "$(fg_sink_count)"

# Secrets never in stderr, --json output or the attempts table.
all="$deadout $FG_ERR $FG_OUT $(fg_sql "SELECT string_agg(coalesce(error, ''), ' ') FROM delivery_attempts") $(fg_sql "SELECT string_agg(coalesce(last_error, ''), ' ') FROM notifications")"
for secret in slacktokenXYZ webhooktokenXYZ teamstokenXYZ routingkeyXYZ hmacsecretXYZ gonetokenXYZ B0GONE; do
	fg_nomatch "secret $secret absent" "$secret" "$all"
done
# Configuration mistakes are exit 78 with FILE:LINE, before anything is sent.
badconf() { # NAME EXPECTED-MESSAGE then the config on stdin
	local f
	f=$(fg_config "$1.conf")
	fg_run notifyd-once -c "$f"
	fg_eq "$1 exits 78" 78 "$FG_RC"
	fg_match "$1 is explained" "$2" "$FG_ERR"
}
printf '[database]\nconninfo =\n[channel a]\ntype = carrier-pigeon\nurl = http://x/y\n' | badconf badtype "bad.*type.conf:4: .*unknown channel type 'carrier-pigeon'"
printf '[database]\nconninfo =\n[channel a]\ntype = slack\n' | badconf nourl "nourl.conf:3: .*channel 'a' needs a url"
printf '[database]\nconninfo =\n[channel a]\ntype = pagerduty\n' | badconf nokey "needs a routing_key"
printf '[database]\nconninfo =\n[channel a]\ntype = webhook\nurl = http://x/y\nheader = no colon here\n' | badconf badheader "badheader.conf:6: .*'Name: value'"
printf '[database]\nconninfo =\n[email]\nfrom = a@example.com\nsmtp_url = smtp://127.0.0.1:1\ndigest = 25:00\n' | badconf baddigest "baddigest.conf:6: .*HH:MM"
printf '[database]\nconninfo =\n[email]\nfrom = a@example.com\nsmtp_url = smtp://127.0.0.1:1\nquota_alert_channel = nope\n' | badconf badqa "no channel named 'nope'"
printf '[database]\nconninfo =\n[channel a]\ntype = email\nto = a@example.com\n' | badconf noemail "needs an \[email\] section"
printf '[database]\nconninfo =\n[notify]\nlease = soon\n' | badconf badlease "badlease.conf:4: .*not an interval"

# Token bucket per Slack webhook URL: at most rate_per_minute, while
# another webhook is not held up by it.
fg_httpsink bucket
rc_=$(fg_config bucket.conf <<C
[database]
conninfo =
[channel slow]
type = slack
url = $FG_SINK_URL/services/T1/B1/bucketA
rate_per_minute = 150
[channel other]
type = slack
url = $FG_SINK_URL/services/T2/B2/bucketB
rate_per_minute = 150
C
)
fg_sql "INSERT INTO notifications (channel, kind, severity, title, dedup_key)
	SELECT CASE WHEN g <= 4 THEN 'slow' ELSE 'other' END, 'generic', 'info', 'b' || g, 'b' || g FROM generate_series(1, 5) g"
fg_run notifyd-once -c "$rc_"
fg_eq "bucket run delivers all" "0 5" "$FG_RC $(fg_sink_count)"
span=$(fg_sink_requests | jq -s 'map(select(.path | endswith("bucketA")) | .ts_ms) | max - min')
fg_timed && fg_check "one webhook gets at most 150/min (4 requests over $span ms)" test "$span" -ge 1000
fg_eq "one webhook gets its messages in outbox order" "b1 b2 b3 b4" \
	"$(fg_sink_requests | jq -s -r 'map(select(.path | endswith("bucketA"))) | sort_by(.ts_ms) | map(.body | fromjson | .attachments[0].title) | join(" ")')"
first_b=$(fg_sink_requests | jq -s '(map(select(.path | endswith("bucketB"))) | .[0].ts_ms) - (map(.ts_ms) | min)')
fg_check "another webhook is not held up ($first_b ms)" test "$first_b" -lt 1000

# --stdin: no database needed; generic alerts, arrays, JSON lines, and the
# --json documents of budgetcheck and secscan as they are.
fg_httpsink stdin
STDIN=$FG_SINK_URL
sc=$(fg_config stdin.conf <<C
[channel ops]
type = webhook
url = $STDIN/ops/stdintokenXYZ
[channel pd]
type = pagerduty
url = $STDIN/pd
routing_key = stdinRoutingXYZ
C
)
unset PGHOST
# fg_run reads stdin from /dev/null: feed the input file directly.
stdin_run2() { printf '%s' "$1" >"$FG_TMP/in.json"; shift; set +e; FG_OUT=$(notifyd-once -c "$sc" "$@" <"$FG_TMP/in.json" 2>"$FG_TMP/err"); FG_RC=$?; FG_ERR=$(cat "$FG_TMP/err"); }
stdin_run2 '{"severity":"high","title":"deploy cost spike","text":"see dashboard","fields":{"warehouse":"ETL_WH"}}' --stdin --channel ops
fg_eq "--stdin single object exits 0" 0 "$FG_RC"
fg_eq "--stdin is silent" "" "$FG_ERR"
fg_eq "--stdin delivered the generic alert" "high deploy cost spike ETL_WH" \
	"$(fg_sink_requests | tail -n 1 | jq -r '.body | fromjson | "\(.severity) \(.title) \(.fields.warehouse)"')"
stdin_run2 $'{"title":"one"}\n{"title":"two","severity":"critical"}\n' --stdin --channel ops,pd --json
fg_eq "--stdin JSON lines to two channels" "4 4" "$(jq -r '"\(.claimed) \(.sent)"' <<<"$FG_OUT")"
stdin_run2 '[{"title":"a"},{"title":"b"}]' --stdin --channel ops --json
fg_eq "--stdin array" 2 "$(jq .sent <<<"$FG_OUT")"
budgets='[{"name":"prod-monthly","connector":"prod","period":"monthly","period_start":"2026-03-01","period_end":"2026-03-31","amount":"1000.00","currency":"USD","spend":"912.50","percent":"91.25","forecast":"1180.00","forecast_low":"1100.00","forecast_high":"1250.00","days_elapsed":15,"days_remaining":16,"thresholds_crossed":[50,75,90],"new_alerts":[{"threshold":75,"kind":"actual","severity":"medium"},{"threshold":90,"kind":"actual","severity":"high"},{"threshold":100,"kind":"forecast","severity":"high"}]},{"name":"dev","connector":"dev","period":"monthly","period_start":"2026-03-01","period_end":"2026-03-31","amount":"50.00","currency":"USD","spend":"1.00","percent":"2.00","forecast":"2.00","forecast_low":"1.00","forecast_high":"3.00","days_elapsed":15,"days_remaining":16,"thresholds_crossed":[],"new_alerts":[]}]'
stdin_run2 "$budgets" --stdin --channel ops --json
fg_eq "budgetcheck --json: one message per budget with new alerts" 1 "$(jq .sent <<<"$FG_OUT")"
b=$(fg_sink_requests | tail -n 1 | jq -r .body)
fg_eq "budget message names the highest actual threshold" "budget 90 912.50 87.50 budget:prod-monthly:2026-03-01:actual:90" \
	"$(jq -r '"\(.kind) \(.fields.threshold) \(.fields.spend) \(.fields.remaining) \(.dedup_key)"' <<<"$b")"
findings='{"findings":[{"rule":"user-password-no-mfa","severity":"high","subject":"ALICE","connector":"prod","status":"new","first_seen":"2026-03-15T09:00:00Z","last_seen":"2026-03-15T09:00:00Z","evidence":{"has_password":true}},{"rule":"stale-user","severity":"low","subject":"BOB","connector":"prod","status":"open","first_seen":"2026-03-01T00:00:00Z","last_seen":"2026-03-15T09:00:00Z","evidence":{}}],"not_evaluated":[{"rule":"network-policy","connector":"prod","reason":"SHOW unavailable"}],"counts":{"new":1,"open":1}}'
stdin_run2 "$findings" --stdin --channel pd --json
fg_eq "secscan --json: new findings only" 1 "$(jq .sent <<<"$FG_OUT")"
p=$(fg_sink_requests | tail -n 1 | jq -r .body)
fg_eq "finding to PagerDuty, titled as the outbox does" "[high] secscan prod: user-password-no-mfa: ALICE|error|ALICE" \
	"$(jq -r '"\(.payload.summary)|\(.payload.severity)|\(.payload.custom_details.subject)"' <<<"$p")"
stdin_run2 $'{"title":"ok"}\n{"title": oops}\n' --stdin --channel ops
fg_eq "bad JSON exits 65" 65 "$FG_RC"
fg_match "bad JSON names line and column" "stdin:2:14: invalid JSON" "$FG_ERR"
stdin_run2 '[{"title":"a","severity":"urgent"}]' --stdin --channel ops
fg_eq "bad severity exits 65" 65 "$FG_RC"
fg_match "bad severity named" "unknown severity 'urgent'" "$FG_ERR"
stdin_run2 '{"title":"x"}' --stdin
fg_eq "--stdin without --channel exits 64" 64 "$FG_RC"
n0=$(fg_sink_count)
stdin_run2 '{"title":"dry"}' --stdin --channel pd --dry-run
fg_match "--stdin --dry-run prints the payload" '"summary":"\[info\] dry"' "$FG_OUT"
fg_nomatch "--dry-run hides the routing key" stdinRoutingXYZ "$FG_OUT"
fg_eq "--stdin --dry-run sends nothing" "$n0" "$(fg_sink_count)"

# --test CHANNEL reports the outcome.
stdin_run2 '' --test ops
fg_eq "--test exits 0" 0 "$FG_RC"
fg_eq "--test reports" "test message to 'ops': sent" "$FG_OUT"
fg_eq "--test message kind" test "$(fg_sink_requests | tail -n 1 | jq -r '.body | fromjson | .kind')"
fg_httpsink refuse --status 404 --body no_service
tc=$(fg_config t.conf <<C
[channel s]
type = slack
url = $FG_SINK_URL/services/T1/B1/refusetokenXYZ
C
)
set +e; FG_OUT=$(notifyd-once -c "$tc" --test s 2>"$FG_TMP/err"); FG_RC=$?; FG_ERR=$(cat "$FG_TMP/err")
fg_eq "--test refused exits 69" 69 "$FG_RC"
fg_match "--test names the refusal" "no_service" "$FG_ERR"
fg_nomatch "--test hides the URL" refusetokenXYZ "$FG_ERR $FG_OUT"
fg_done

#!/usr/bin/env bash
# Teams: the legacy connector answers HTTP 200 with the error in the body
# ("Microsoft Teams endpoint returned HTTP error NNN ...").  A 429 or 5xx
# in the body is retried, another 4xx is dead; the legacy success body "1"
# and an empty 2xx body are sent.  The same 200 body on a plain webhook is
# a success: only Teams is read this way.
. "$(dirname "$0")/../lib/harness.sh"
fg_setup
export FLAKEGUARD_NOW=2026-03-15T10:00:00Z
CTX='with ContextId tcid=0,server=msgapi-production-eus-azsc2-4-170,cv=deadbeef.0'
fg_httpsink teams \
	--path-status "/t429/=200:Microsoft Teams endpoint returned HTTP error 429 $CTX" \
	--path-status "/t502/=200:Webhook message delivery failed with error: Microsoft Teams endpoint returned HTTP error 502 $CTX" \
	--path-status "/tfail/=200:Webhook message delivery failed with error: Microsoft Teams endpoint timed out" \
	--path-status "/t413/=200:Webhook message delivery failed with error: Microsoft Teams endpoint returned HTTP error 413 $CTX" \
	--path-status "/t400/=200:Microsoft Teams endpoint returned HTTP error 400 $CTX" \
	--path-status "/one/=200:1" \
	--path-status "/empty/=202:" \
	--path-status "/hook/=200:Microsoft Teams endpoint returned HTTP error 400 $CTX"
conf="[database]
conninfo =
[notify]
backoff_base = 60"
for c in t429 t502 tfail t413 t400 one empty; do
	conf+="
[channel $c]
type = teams
url = $FG_SINK_URL/$c/teamstoken$c"
done
conf+="
[channel hook]
type = webhook
url = $FG_SINK_URL/hook/x"
cfg=$(fg_config t.conf <<<"$conf")
notifyd-once -c "$cfg" || fg_fail "migrate"
for c in t429 t502 tfail t413 t400 one empty hook; do
	fg_sql "INSERT INTO notifications (channel, kind, severity, title, dedup_key)
		VALUES ('$c', 'generic', 'high', 'teams legacy $c', 'k-$c')"
done
state() { fg_sql "SELECT n.status || ' ' || n.attempts || ' ' || a.outcome || ' ' || coalesce(a.error, '-')
	FROM notifications n JOIN delivery_attempts a ON a.notification_id = n.id WHERE n.channel = '$1'"; }

fg_run notifyd-once -c "$cfg" --json
fg_eq "some dead: exit 69" 69 "$FG_RC"
fg_eq "every channel was tried once, all with HTTP 2xx" 8 "$(fg_sink_requests | jq -s '[.[] | select(.status >= 200 and .status < 300)] | length')"
fg_match "429 in a 200 body is retried" "^pending 1 retry HTTP 429: Microsoft Teams endpoint returned HTTP error 429" "$(state t429)"
fg_match "502 in a 200 body is retried" "^pending 1 retry HTTP 502: Webhook message delivery failed" "$(state t502)"
fg_match "delivery failed without a code is retried" "^pending 1 retry HTTP 502: " "$(state tfail)"
fg_match "413 in a 200 body is dead" "^dead 1 dead HTTP 413: " "$(state t413)"
fg_match "400 in a 200 body is dead" "^dead 1 dead HTTP 400: " "$(state t400)"
fg_eq "legacy success body 1 is sent" "sent 1 sent -" "$(state one)"
fg_eq "empty 202 is sent" "sent 1 sent -" "$(state empty)"
fg_eq "the same body on a webhook is a success" "sent 1 sent -" "$(state hook)"
fg_eq "--json counts" "3 3 2" "$(jq -r '"\(.sent) \(.retried) \(.dead)"' <<<"$FG_OUT")"
fg_eq "a dead Teams message is one error line each" 2 "$(grep -c "error: notification [0-9]* to 't4[01][03]'" <<<"$FG_ERR")"
fg_nomatch "Teams URL tokens not shown" "teamstoken" "$FG_ERR $FG_OUT"
retry_at=$(fg_sql "SELECT extract(epoch FROM next_attempt_at - now()) > 20 FROM notifications WHERE channel = 't429'")
fg_eq "the retry waits for the backoff" t "$retry_at"
fg_done

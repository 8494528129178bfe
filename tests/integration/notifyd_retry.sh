#!/usr/bin/env bash
# notifyd-once retry semantics: 500s then delivered on a later run; 429
# Retry-After honoured; max_attempts -> dead; timeouts and refused
# connections retried; exit statuses 0/75/69.
. "$(dirname "$0")/../lib/harness.sh"
fg_setup
export FLAKEGUARD_NOW=2026-03-15T10:00:00Z

add() { fg_sql "INSERT INTO notifications (channel, kind, severity, title, body, dedup_key) VALUES ('$1', 'generic', 'high', 'alert $2', 'body', '$2')"; }
state() { fg_sql "SELECT status || ' ' || attempts FROM notifications WHERE dedup_key = '$1'"; }
mkconf() { # NAME URL [extra notify lines]
	fg_config "$1.conf" <<C
[database]
conninfo =
[notify]
backoff_base = 0
max_attempts = ${3:-8}
[channel $1]
type = webhook
url = $2
timeout = 1s
C
}

# 500 three times, then 200: delivered on the fourth run.
fg_httpsink five --fail-first 3 --fail-status 500
c=$(mkconf five "$FG_SINK_URL/h/five")
fg_run notifyd-once -c "$c"
fg_eq "schema created, nothing due" 0 "$FG_RC"
add five f1
for i in 1 2 3; do
	fg_run notifyd-once -c "$c"
	fg_eq "500 run $i exits 75" 75 "$FG_RC"
	fg_eq "500 run $i is silent" "" "$FG_ERR"
done
fg_eq "three failed attempts" "pending 3" "$(state f1)"
fg_run notifyd-once -c "$c" --json
fg_eq "fourth run delivers" 0 "$FG_RC"
fg_eq "--json counts it" 1 "$(printf '%s' "$FG_OUT" | jq .sent)"
fg_eq "sent after 4 attempts" "sent 4" "$(state f1)"
fg_eq "attempts recorded" "retry:500 retry:500 retry:500 sent:200" \
	"$(fg_sql "SELECT string_agg(outcome || ':' || status_code, ' ' ORDER BY id) FROM delivery_attempts WHERE channel = 'five'")"
fg_eq "durations recorded" 4 "$(fg_sql "SELECT count(*) FROM delivery_attempts WHERE channel = 'five' AND duration_ms >= 0")"

# 429 with Retry-After: 2 -> not retried before 2 s.
fg_httpsink slow429 --fail-first 1 --fail-status 429 --retry-after 2
c=$(mkconf ra "$FG_SINK_URL/h/ra")
add ra r1
fg_run notifyd-once -c "$c"
fg_eq "429 exits 75" 75 "$FG_RC"
fg_eq "429 scheduled no earlier than Retry-After" t \
	"$(fg_sql "SELECT n.next_attempt_at >= a.attempted_at + interval '2 s' FROM notifications n JOIN delivery_attempts a ON a.notification_id = n.id WHERE n.dedup_key = 'r1'")"
fg_run notifyd-once -c "$c"   # at once: must not retry yet
sleep 2.2
fg_run notifyd-once -c "$c"
fg_eq "429 retried after Retry-After" "sent 2" "$(state r1)"
fg_eq "429 attempts at least 2 s apart" t "$(fg_sql "SELECT max(attempted_at) - min(attempted_at) >= interval '2 s' FROM delivery_attempts WHERE channel = 'ra'")"
gap=$(fg_sink_requests | jq -s '.[1].ts_ms - .[0].ts_ms')
fg_check "second request at least 2 s after the first ($gap ms)" test "$gap" -ge 2000

# Always 503 with max_attempts = 2: dead on the second attempt, exit 69.
fg_httpsink down --status 503 --body unavailable
c=$(mkconf down "$FG_SINK_URL/h/down" 2)
add down d1
fg_run notifyd-once -c "$c"
fg_eq "first 503 exits 75" 75 "$FG_RC"
fg_run notifyd-once -c "$c"
fg_eq "max_attempts reached exits 69" 69 "$FG_RC"
fg_eq "dead after max_attempts" "dead 2" "$(state d1)"
fg_match "reason kept" "gave up after 2 attempts: HTTP 503" "$(fg_sql "SELECT last_error FROM notifications WHERE dedup_key = 'd1'")"

# Other 4xx: dead at once.
fg_httpsink bad --status 400 --body '{"error":"bad request"}'
c=$(mkconf bad "$FG_SINK_URL/h/bad")
add bad b1
fg_run notifyd-once -c "$c"
fg_eq "400 exits 69" 69 "$FG_RC"
fg_eq "400 is dead after one attempt" "dead 1" "$(state b1)"

# A sink answering after the per-request timeout: retried, not hung.
fg_httpsink late --delay-ms 2500
c=$(mkconf late "$FG_SINK_URL/h/late")
add late l1
fg_run notifyd-once -c "$c"
took=$(fg_sql "SELECT duration_ms FROM delivery_attempts WHERE channel = 'late'")
fg_eq "timeout exits 75" 75 "$FG_RC"
fg_check "timeout bounded the request ($took ms)" test "$took" -lt 2000
fg_match "timeout recorded" "[Tt]imeout|timed out" "$(fg_sql "SELECT error FROM delivery_attempts WHERE channel = 'late'")"

# Connection refused: retried with backoff (a fresh default: 30 s base).
port=$(fg_free_port)
c=$(fg_config refused.conf <<C
[database]
conninfo =
[channel refused]
type = webhook
url = http://127.0.0.1:$port/h/x
C
)
add refused c1
fg_run notifyd-once -c "$c"
fg_eq "connection refused exits 75" 75 "$FG_RC"
fg_match "refusal recorded" "connect" "$(fg_sql "SELECT error FROM delivery_attempts WHERE channel = 'refused'")"
fg_eq "backoff with jitter in 15..30 s" t \
	"$(fg_sql "SELECT next_attempt_at - a.attempted_at BETWEEN interval '15 s' AND interval '31 s' FROM notifications n JOIN delivery_attempts a ON a.notification_id = n.id WHERE n.dedup_key = 'c1'")"
# Nothing starts after half the lease: what a rate-limited webhook cannot
# take in time is released for the next run (exit 75), not sent late.
fg_httpsink lease
lc=$(fg_config lease.conf <<C
[database]
conninfo =
[notify]
lease = 3s
timeout = 2s
[channel lease]
type = slack
url = $FG_SINK_URL/services/T1/B1/lease
rate_per_minute = 60
timeout = 1s
connect_timeout = 1s
C
)
fg_sql "INSERT INTO notifications (channel, kind, severity, title, dedup_key)
	SELECT 'lease', 'generic', 'info', 'l' || g, 'lease' || g FROM generate_series(1, 5) g"
fg_run notifyd-once -c "$lc" --json
fg_eq "lease half gone: exit 75" 75 "$FG_RC"
sent=$(jq .sent <<<"$FG_OUT")
left=$(jq .left <<<"$FG_OUT")
fg_check "some sent ($sent), some left ($left), none lost" test "$sent" -ge 1 -a "$left" -ge 1 -a $((sent + left)) -eq 5
fg_eq "left ones are free to claim" "$left" "$(fg_sql "SELECT count(*) FROM notifications WHERE channel = 'lease' AND status = 'pending' AND claimed_at IS NULL AND attempts = 0")"

# TLS: verified by default (a self-signed server is refused and retried),
# accepted with ca_file, and tls_verify = false works but warns loudly.
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
	-addext subjectAltName=IP:127.0.0.1 -keyout "$FG_TMP/key.pem" -out "$FG_TMP/cert.pem" 2>/dev/null
fg_httpsink tls --tls-cert "$FG_TMP/cert.pem" --tls-key "$FG_TMP/key.pem"
TLS=${FG_SINK_URL/http:/https:}
tlsconf() {
	fg_config "tls$1.conf" <<C
[database]
conninfo =
[channel tls]
type = webhook
url = $TLS/h/tls
$2
C
}
add tls t1
fg_run notifyd-once -c "$(tlsconf 1 '')"
fg_eq "unknown certificate is not trusted" "75 pending 1" "$FG_RC $(state t1)"
fg_match "certificate problem recorded" "[Cc]ertificate|SSL" "$(fg_sql "SELECT error FROM delivery_attempts WHERE channel = 'tls'")"
fg_match "an untrusted certificate is one warning line" \
	"^notifyd-once: warning: notification [0-9]+ to 'tls' \(https://127.0.0.1:[0-9]+/[^)]*\): TLS: .*: not sent \(trust the server's CA with ca_file\); will retry$" "$FG_ERR"
fg_sql "UPDATE notifications SET next_attempt_at = now() WHERE dedup_key = 't1'"
fg_run notifyd-once -c "$(tlsconf 2 "ca_file = $FG_TMP/cert.pem")"
fg_eq "ca_file makes it trusted" "0 sent 2" "$FG_RC $(state t1)"
add tls t2
fg_run notifyd-once -c "$(tlsconf 3 'tls_verify = false')"
fg_eq "tls_verify = false delivers" "sent 1" "$(state t2)"
fg_match "tls_verify = false warns" "warning: TLS certificate verification is OFF for channel 'tls'" "$FG_ERR"
fg_done

#!/usr/bin/env bash
# SMTP over TLS against the loopback sink with a throwaway self-signed
# certificate: smtps:// with an untrusted certificate is refused (attempt
# recorded, retried later, one warning line, nothing sent in clear) and
# delivered with AUTH once ca_file trusts it; STARTTLS on smtp:// with
# smtp_tls = required goes through TLS; a server without STARTTLS is
# refused rather than used in clear; tls_verify = false works but warns;
# an unreadable ca_file is a configuration error.
. "$(dirname "$0")/../lib/harness.sh"
fg_setup
export FLAKEGUARD_NOW=2026-03-15T10:00:00Z
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
	-subj /CN=localhost -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
	-keyout "$FG_TMP/key.pem" -out "$FG_TMP/cert.pem" 2>/dev/null || fg_fail "openssl"
CERT=$FG_TMP/cert.pem
TLSOPT=(--tls-cert "$CERT" --tls-key "$FG_TMP/key.pem")

mkconf() { # URL EXTRA-LINES...
	local url=$1
	shift
	fg_config tls.conf <<C
[database]
conninfo =
[notify]
backoff_base = 60
[email]
from = alerts@example.com
smtp_url = $url
$(printf '%s\n' "$@")
[channel mail]
type = email
to = ops@example.com
C
}
add() { fg_sql "INSERT INTO notifications (channel, kind, severity, title, dedup_key) VALUES ('mail', 'generic', 'high', 'tls $1', '$1')"; }
state() { fg_sql "SELECT n.status || ' ' || n.attempts FROM notifications n WHERE dedup_key = '$1'"; }
lasterr() { fg_sql "SELECT a.error FROM delivery_attempts a JOIN notifications n ON n.id = a.notification_id WHERE n.dedup_key = '$1' ORDER BY a.id DESC LIMIT 1"; }
due() { fg_sql "UPDATE notifications SET next_attempt_at = now() WHERE status = 'pending'"; }
emls() { ls "$1"/*.eml 2>/dev/null | wc -l; }

# smtps:// (implicit TLS) with AUTH.
fg_smtpsink smtps --smtps "${TLSOPT[@]}" --auth robot:smtpsPassXYZ
SMTPS_URL=$FG_SMTP_URL SMTPS_DIR=$FG_SMTP_DIR
fg_match "harness gives an smtps URL" '^smtps://127\.0\.0\.1:[0-9]+$' "$SMTPS_URL"
c=$(mkconf "$SMTPS_URL" "smtp_user = robot" "smtp_password = smtpsPassXYZ")
notifyd-once -c "$c" || fg_fail "migrate"
add s1
fg_run notifyd-once -c "$c"
fg_eq "untrusted certificate: retried later, exit 75" "75 pending 1" "$FG_RC $(state s1)"
fg_eq "one line on stderr" 1 "$(printf '%s\n' "$FG_ERR" | grep -c .)"
fg_match "the line is a warning that says nothing was sent and what to do" \
	"^notifyd-once: warning: notification [0-9]+ to 'mail' \(smtps://127.0.0.1:[0-9]+\): TLS: SSL certificate problem: self.signed certificate: not sent \(trust the server's CA with ca_file\); will retry$" "$FG_ERR"
fg_match "the attempt is recorded" "^TLS: SSL certificate problem" "$(lasterr s1)"
fg_eq "nothing reached the server" 0 "$(emls "$SMTPS_DIR")"
fg_nomatch "password not shown" smtpsPassXYZ "$FG_ERR"

c=$(mkconf "$SMTPS_URL" "smtp_user = robot" "smtp_password = smtpsPassXYZ" "ca_file = $CERT")
due
fg_run notifyd-once -c "$c"
fg_eq "with ca_file: delivered, exit 0, silent" "0 sent 2 " "$FG_RC $(state s1) $FG_ERR"
fg_eq "over TLS with AUTH" "true robot" "$(jq -r '"\(.tls) \(.auth)"' "$SMTPS_DIR/1.json")"

# STARTTLS on smtp:// (the sink refuses mail before STARTTLS and offers
# AUTH only after it).
fg_smtpsink starttls --require-starttls "${TLSOPT[@]}" --auth robot:smtpsPassXYZ
fg_match "harness gives an smtp URL" '^smtp://' "$FG_SMTP_URL"
c=$(mkconf "$FG_SMTP_URL" "smtp_user = robot" "smtp_password = smtpsPassXYZ" "smtp_tls = required" "ca_file = $CERT")
add t1
fg_run notifyd-once -c "$c"
fg_eq "STARTTLS: delivered" "0 sent 1" "$FG_RC $(state t1)"
fg_eq "the session was TLS, with AUTH" "true robot" "$(jq -r '"\(.tls) \(.auth)"' "$FG_SMTP_DIR/1.json")"
fg_match "a modern TLS version" '^TLSv1\.[23]$' "$(jq -r .tls_version "$FG_SMTP_DIR/1.json")"
# Control: the same server with smtp_tls = none is refused in clear, so
# the delivery above did go through STARTTLS.
c=$(mkconf "$FG_SMTP_URL" "smtp_tls = none")
add t2
fg_run notifyd-once -c "$c"
fg_eq "in clear the server refuses (530): dead" "69 dead 1" "$FG_RC $(state t2)"

# smtp_tls = required against a server that does not offer STARTTLS.
fg_smtpsink plain
c=$(mkconf "$FG_SMTP_URL" "smtp_tls = required")
add p1
fg_run notifyd-once -c "$c"
fg_eq "no STARTTLS offered: retried later, exit 75" "75 pending 1" "$FG_RC $(state p1)"
fg_eq "one line on stderr" 1 "$(printf '%s\n' "$FG_ERR" | grep -c .)"
fg_match "the warning says why" "warning: .*the server does not offer STARTTLS and smtp_tls = required: not sent in clear; will retry$" "$FG_ERR"
fg_eq "nothing was sent in clear" 0 "$(emls "$FG_SMTP_DIR")"
# Control: the sink records a clear-text session as such.
c=$(mkconf "$FG_SMTP_URL" "smtp_tls = none")
due
fg_run notifyd-once -c "$c"
fg_eq "smtp_tls = none on loopback delivers" "0 sent 2" "$FG_RC $(state p1)"
fg_eq "and the sink saw clear text" false "$(jq -r .tls "$FG_SMTP_DIR/1.json")"

# tls_verify = false: delivered without ca_file, with a loud warning.
c=$(mkconf "$SMTPS_URL" "smtp_user = robot" "smtp_password = smtpsPassXYZ" "tls_verify = false")
add v1
fg_run notifyd-once -c "$c"
fg_eq "tls_verify = false delivers" "0 sent 1" "$FG_RC $(state v1)"
fg_match "tls_verify = false warns" "^notifyd-once: warning: TLS certificate verification is OFF for email \(tls_verify = false\)" "$FG_ERR"
fg_eq "over TLS still" true "$(jq -r .tls "$SMTPS_DIR/2.json")"

# A ca_file that cannot be read: configuration error with file:line.
c=$(mkconf "$SMTPS_URL" "ca_file = $FG_TMP/missing.pem")
fg_run notifyd-once -c "$c"
fg_eq "unreadable ca_file exits 78" 78 "$FG_RC"
fg_match "named with file:line" "tls.conf:[0-9]+: .*cannot read ca_file '$FG_TMP/missing.pem'" "$FG_ERR"
fg_eq "one line" 1 "$(printf '%s\n' "$FG_ERR" | grep -c .)"

fg_nomatch "password never in the attempts table" smtpsPassXYZ "$(fg_sql "SELECT string_agg(coalesce(error, ''), ' ') FROM delivery_attempts")"
fg_done

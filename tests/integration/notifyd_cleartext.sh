#!/usr/bin/env bash
# Nothing secret crosses the network in clear without a warning on every
# run: SMTP credentials with smtp_tls = none to a host that is not really
# loopback (user information such as smtp://localhost@192.0.2.2 does not
# make it loopback), and plain http:// endpoints of channels, SendGrid
# and SES off loopback.  Loopback endpoints stay silent.
. "$(dirname "$0")/../lib/harness.sh"
fg_setup
export FLAKEGUARD_NOW=2026-03-15T10:00:00Z

mkconf() { # NAME LINES...
	local name=$1
	shift
	fg_config "$name" <<C
[database]
conninfo =
$(printf '%s\n' "$@")
C
}

c=$(mkconf smtp.conf "[email]" "from = alerts@example.com" "smtp_url = smtp://localhost@192.0.2.2:25" \
	"smtp_tls = none" "smtp_user = robot" "smtp_password = clearPass123")
for run in 1 2; do
	fg_run notifyd-once -c "$c"
	fg_eq "run $run: nothing due, exit 0" 0 "$FG_RC"
	fg_match "run $run: warns that SMTP credentials go in clear to the real host" \
		"^notifyd-once: warning: email smtp_tls = none sends the SMTP credentials in clear to '192\.0\.2\.2'.*set smtp_tls = required or use smtps://$" "$FG_ERR"
	fg_nomatch "run $run: password not shown" clearPass123 "$FG_ERR"
done

c=$(mkconf smtpurl.conf "[email]" "from = alerts@example.com" "smtp_url = smtp://robot:urlPass456@192.0.2.2:25" \
	"smtp_tls = none")
fg_run notifyd-once -c "$c"
fg_match "credentials in smtp_url count too" "sends the SMTP credentials in clear to '192\.0\.2\.2'" "$FG_ERR"
fg_nomatch "password in the URL not shown" urlPass456 "$FG_ERR"

c=$(mkconf smtploop.conf "[email]" "from = alerts@example.com" "smtp_url = smtp://localhost:2525" \
	"smtp_tls = none" "smtp_user = robot" "smtp_password = loopPass")
fg_run notifyd-once -c "$c"
fg_eq "loopback SMTP without TLS: silent" "0 " "$FG_RC $FG_ERR"

c=$(mkconf nocreds.conf "[email]" "from = alerts@example.com" "smtp_url = smtp://192.0.2.2:25" "smtp_tls = none")
fg_run notifyd-once -c "$c"
fg_eq "no credentials: nothing secret to warn about" "0 " "$FG_RC $FG_ERR"

c=$(mkconf http.conf "[channel hook]" "type = webhook" "url = http://192.0.2.3:8080/hook/T0ken" \
	"[channel loop]" "type = slack" "url = http://127.0.0.1:9/services/T1/B1/x" \
	"[channel teams]" "type = teams" "url = http://localhost@192.0.2.5/webhook/abc" \
	"[email]" "provider = sendgrid" "from = alerts@example.com" "sendgrid_api_key = SG.key" \
	"sendgrid_url = http://192.0.2.4/v3/mail/send")
fg_run notifyd-once -c "$c"
fg_eq "plain http: exit 0" 0 "$FG_RC"
fg_match "webhook over http warns, naming the host" \
	"^notifyd-once: warning: channel 'hook' sends to '192\.0\.2\.3' over plain http.*use https://$" "$FG_ERR"
fg_match "teams over http with loopback-looking user info warns" "channel 'teams' sends to '192\.0\.2\.5' over plain http" "$FG_ERR"
fg_nomatch "loopback channel is silent" "'loop'" "$FG_ERR"
fg_match "sendgrid over http warns" "email sendgrid_url '192\.0\.2\.4' is plain http" "$FG_ERR"
fg_nomatch "webhook token not shown" T0ken "$FG_ERR"
fg_eq "one line per warning" 3 "$(printf '%s\n' "$FG_ERR" | grep -c .)"

c=$(mkconf ses.conf "[email]" "provider = ses" "from = alerts@example.com" "ses_region = eu-west-1" \
	"ses_access_key_id = AKIAEXAMPLE" "ses_secret_access_key = sesSecret" "ses_endpoint = http://192.0.2.6")
fg_run notifyd-once -c "$c"
fg_match "ses over http warns" "email ses_endpoint '192\.0\.2\.6' is plain http" "$FG_ERR"
fg_done

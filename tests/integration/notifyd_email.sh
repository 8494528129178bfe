#!/usr/bin/env bash
# notifyd-once e-mail: SMTP (MIME multipart/alternative, several
# recipients, Message-ID, Date, Auto-Submitted, RFC 2047 subjects, AUTH,
# 4xx retried, 5xx dead, header injection refused), SendGrid v3 and SES v2
# (SigV4 Authorization) against the loopback sinks; secrets kept out.
. "$(dirname "$0")/../lib/harness.sh"
fg_setup
export FLAKEGUARD_NOW=2026-03-15T10:00:00Z

add() { # CHANNEL KEY SEVERITY TITLE
	fg_sql "INSERT INTO notifications (channel, kind, severity, title, body, fields, dedup_key)
		VALUES ('$1', 'budget', '$3', '$4', 'spend 912.50 of 1000.00 USD',
		'{\"budget\":\"prod\",\"threshold\":90,\"spend\":\"912.50\",\"amount\":\"1000.00\",\"currency\":\"USD\"}', '$2')"
}
state() { fg_sql "SELECT status || ' ' || attempts FROM notifications WHERE dedup_key = '$1'"; }

fg_smtpsink mail --auth robot:smtpPassXYZ --fail-first 1
c=$(fg_config smtp.conf <<C
[database]
conninfo =
[notify]
backoff_base = 0
[email]
provider = smtp
from = Flake Guard <alerts@example.com>
smtp_url = $FG_SMTP_URL
smtp_user = robot
smtp_password = smtpPassXYZ
[channel finance]
type = email
to = finance@example.com, cto@example.com
C
)
fg_run notifyd-once -c "$c"
add finance e1 high 'Budget prod at 91 % – über'
fg_run notifyd-once -c "$c"
fg_eq "SMTP 451 exits 75" 75 "$FG_RC"
fg_match "451 recorded as a retry" "retry 451" "$(fg_sql "SELECT outcome || ' ' || status_code FROM delivery_attempts WHERE notification_id = (SELECT id FROM notifications WHERE dedup_key = 'e1')")"
fg_run notifyd-once -c "$c"
fg_eq "SMTP delivery exits 0" 0 "$FG_RC"
fg_eq "SMTP sent" "sent 2" "$(state e1)"
fg_eq "one message in the sink" 1 "$(ls "$FG_SMTP_DIR"/*.eml 2>/dev/null | wc -l)"
fg_eq "envelope has both recipients" '["finance@example.com","cto@example.com"]' "$(jq -c .rcpt_tos "$FG_SMTP_DIR/1.json")"
fg_eq "envelope sender" alerts@example.com "$(jq -r .mail_from "$FG_SMTP_DIR/1.json")"
mime=$(/usr/bin/python3 - "$FG_SMTP_DIR/1.eml" <<'PY'
import email, email.policy, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
parts = [p.get_content_type() for p in m.iter_parts()]
print(m.get_content_type(), ",".join(parts))
print(m["Subject"])
print(m["To"])
print(m["Auto-Submitted"])
print(bool(m["Message-ID"]) and m["Message-ID"].startswith("<") and m["Message-ID"].endswith("@example.com>"))
print(m["Date"])
print(m.get_body(("plain",)).get_content().splitlines()[0])
print("<table>" in m.get_body(("html",)).get_content())
print(m["From"])
PY
)
fg_eq "multipart/alternative, text then HTML" "multipart/alternative text/plain,text/html" "$(sed -n 1p <<<"$mime")"
fg_eq "RFC 2047 subject decodes" "[flakeguard] high: Budget prod at 91 % – über" "$(sed -n 2p <<<"$mime")"
fg_match "raw subject is encoded" '^Subject: =\?UTF-8\?B\?' "$(grep -a '^Subject:' "$FG_SMTP_DIR/1.eml")"
fg_eq "To lists both" "finance@example.com, cto@example.com" "$(sed -n 3p <<<"$mime")"
fg_eq "Auto-Submitted" auto-generated "$(sed -n 4p <<<"$mime")"
fg_eq "Message-ID in the sender's domain" True "$(sed -n 5p <<<"$mime")"
fg_eq "Date from the tool's clock" "Sun, 15 Mar 2026 10:00:00 +0000" "$(sed -n 6p <<<"$mime")"
fg_eq "text part starts with the title" "Budget prod at 91 % – über" "$(sed -n 7p <<<"$mime")"
fg_eq "HTML part has the facts table" True "$(sed -n 8p <<<"$mime")"
fg_eq "From with display name" "Flake Guard <alerts@example.com>" "$(sed -n 9p <<<"$mime")"

# The sink requires AUTH: a wrong password is refused (535) and dead.
sed 's/^smtp_password = .*/smtp_password = wrongPass/' "$c" >"$FG_TMP/wrong.conf"
chmod 600 "$FG_TMP/wrong.conf"
add finance w1 high 'wrong password'
fg_run notifyd-once -c "$FG_TMP/wrong.conf"
fg_eq "SMTP auth failure exits 69" 69 "$FG_RC"
fg_eq "SMTP auth failure is dead" "dead 1" "$(state w1)"
fg_nomatch "the wrong password is not shown" "wrongPass" "$FG_ERR $(fg_sql "SELECT last_error FROM notifications WHERE dedup_key = 'w1'")"

# A line break in the subject: refused, never sent, dead.
fg_sql "INSERT INTO notifications (channel, kind, severity, title, dedup_key)
	VALUES ('finance', 'generic', 'high', E'hello\r\nBcc: victim@example.org', 'inj')"
fg_run notifyd-once -c "$c"
fg_eq "header injection exits 69" 69 "$FG_RC"
fg_eq "header injection is dead" "dead 1" "$(state inj)"
fg_match "the refusal is named" "line break" "$(fg_sql "SELECT last_error FROM notifications WHERE dedup_key = 'inj'")"
fg_eq "nothing reached the server" 1 "$(ls "$FG_SMTP_DIR"/*.eml | wc -l)"

# A CR/LF in a configured address is a configuration error.
bad=$FG_TMP/bad.conf
umask 077
printf '[database]\nconninfo =\n[email]\nfrom = alerts@example.com\nsmtp_url = %s\n[channel x]\ntype = email\nto = "a@example.com>, <b"\n' "$FG_SMTP_URL" >"$bad"
fg_run notifyd-once -c "$bad"
fg_eq "bad recipient exits 78" 78 "$FG_RC"
fg_match "bad recipient named with file:line" "bad.conf:8: .*invalid recipient" "$FG_ERR"

# SMTP 554: dead at once.
fg_smtpsink reject --reject
r=$(fg_config rej.conf <<C
[database]
conninfo =
[email]
from = alerts@example.com
smtp_url = $FG_SMTP_URL
[channel rej]
type = email
to = ops@example.com
C
)
add rej x1 medium 'rejected'
fg_run notifyd-once -c "$r"
fg_eq "SMTP 5xx exits 69" 69 "$FG_RC"
fg_eq "SMTP 5xx is dead after one attempt" "dead 1" "$(state x1)"

# SendGrid v3.
fg_httpsink sendgrid --status 202 --body ''
sg=$(fg_config sg.conf <<C
[database]
conninfo =
[email]
provider = sendgrid
from = Flake Guard <alerts@example.com>
sendgrid_api_key = SG.sendgridKeyXYZ
sendgrid_url = $FG_SINK_URL/v3/mail/send
[channel sg]
type = email
to = a@example.com, b@example.com
C
)
add sg s1 critical 'SendGrid alert'
fg_run notifyd-once -c "$sg" --json
fg_eq "SendGrid 202 is sent" "sent 1" "$(state s1)"
q=$(fg_sink_requests)
fg_eq "SendGrid path" /v3/mail/send "$(jq -r .path <<<"$q")"
fg_eq "SendGrid bearer key" "Bearer SG.sendgridKeyXYZ" "$(jq -r .headers.Authorization <<<"$q")"
b=$(jq -r .body <<<"$q")
fg_eq "SendGrid recipients" '["a@example.com","b@example.com"]' "$(jq -c '[.personalizations[0].to[].email]' <<<"$b")"
fg_eq "SendGrid text then HTML" '["text/plain","text/html"]' "$(jq -c '[.content[].type]' <<<"$b")"
fg_eq "SendGrid sender" "alerts@example.com Flake Guard" "$(jq -r '.from.email + " " + .from.name' <<<"$b")"
fg_nomatch "SendGrid key not in --json" "sendgridKeyXYZ" "$FG_OUT $FG_ERR"

# SES v2 signed with SigV4.
fg_httpsink ses
ses=$(fg_config ses.conf <<C
[database]
conninfo =
[email]
provider = ses
from = alerts@example.com
ses_region = eu-west-1
ses_access_key_id = AKIDEXAMPLE
ses_secret_access_key = sesSecretKeyXYZ
ses_session_token = sesSessionTokenXYZ
ses_endpoint = $FG_SINK_URL
[channel ses]
type = email
to = a@example.com
C
)
add ses v1 high 'SES alert'
fg_run notifyd-once -c "$ses" -v
fg_eq "SES sent" "sent 1" "$(state v1)"
q=$(fg_sink_requests)
fg_eq "SES path" /v2/email/outbound-emails "$(jq -r .path <<<"$q")"
fg_match "SigV4 Authorization header" \
	'^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/[0-9]{8}/eu-west-1/ses/aws4_request, SignedHeaders=[a-z0-9;-]*x-amz-date[a-z0-9;-]*, Signature=[0-9a-f]{64}$' \
	"$(jq -r .headers.Authorization <<<"$q")"
fg_match "x-amz-date header" '^[0-9]{8}T[0-9]{6}Z$' "$(jq -r '.headers["X-Amz-Date"]' <<<"$q")"
fg_eq "session token sent" sesSessionTokenXYZ "$(jq -r '.headers["X-Amz-Security-Token"]' <<<"$q")"
b=$(jq -r .body <<<"$q")
fg_eq "SES simple content" "a@example.com|SES alert" \
	"$(jq -r '.Destination.ToAddresses[0] + "|" + (.Content.Simple.Subject.Data | sub("^.*: "; ""))' <<<"$b")"
fg_eq "SES text and HTML bodies" true "$(jq '.Content.Simple.Body.Text.Data != null and .Content.Simple.Body.Html.Data != null' <<<"$b")"

# SES credentials and region from the standard AWS_* environment.
envses=$(fg_config envses.conf <<C
[database]
conninfo =
[email]
provider = ses
from = alerts@example.com
ses_endpoint = $FG_SINK_URL
[channel ses]
type = email
to = a@example.com
C
)
add ses v2 high 'SES env alert'
AWS_ACCESS_KEY_ID=AKIDENV AWS_SECRET_ACCESS_KEY=envSecretXYZ AWS_SESSION_TOKEN=envTokenXYZ AWS_REGION=us-west-2 \
	fg_run notifyd-once -c "$envses" -v
fg_eq "SES from the environment sent" "sent 1" "$(state v2)"
q=$(fg_sink_requests | tail -n 1)
fg_match "environment credentials and region signed" '^AWS4-HMAC-SHA256 Credential=AKIDENV/[0-9]{8}/us-west-2/ses/aws4_request' "$(jq -r .headers.Authorization <<<"$q")"
fg_eq "environment session token sent" envTokenXYZ "$(jq -r '.headers["X-Amz-Security-Token"]' <<<"$q")"
fg_nomatch "environment secret not shown" envSecretXYZ "$FG_ERR $FG_OUT"

# Daily quota: warnings at 80/90/100 % once a day to quota_alert_channel,
# critical mail bypasses it, the rest waits for the next UTC day.
fg_smtpsink quota
fg_httpsink quotahook
qc=$(fg_config quota.conf <<C
[database]
conninfo =
[email]
from = alerts@example.com
smtp_url = $FG_SMTP_URL
daily_quota = 5
quota_alert_channel = ops
[channel qmail]
type = email
to = ops@example.com
[channel ops]
type = webhook
url = $FG_SINK_URL/quota
C
)
for i in 1 2 3 4; do add qmail q$i medium "quota $i"; done
fg_run notifyd-once -c "$qc"
fg_eq "under the quota all go" 4 "$(ls "$FG_SMTP_DIR"/*.eml | wc -l)"
fg_eq "80 % warning sent" '[80]' "$(fg_sink_requests | jq -s -c '[.[].body | fromjson | .fields.level]')"
for i in 5 6 7; do add qmail q$i medium "quota $i"; done
add qmail qc critical "quota critical"
fg_run notifyd-once -c "$qc" --json
fg_eq "quota deferral exits 0" 0 "$FG_RC"
fg_eq "--json counts deferred" 2 "$(jq .deferred <<<"$FG_OUT")"
fg_eq "one more and the critical one go" 6 "$(ls "$FG_SMTP_DIR"/*.eml | wc -l)"
fg_eq "critical bypassed the quota" "sent 1" "$(state qc)"
fg_eq "90 and 100 % warnings sent once" '[80,90,100]' "$(fg_sink_requests | jq -s -c '[.[].body | fromjson | .fields.level] | sort')"
fg_eq "two deferred to the next day" "2 2026-03-16" "$(fg_sql "SELECT count(*) || ' ' || max(defer_day) FROM notifications WHERE channel = 'qmail' AND status = 'pending'")"
fg_run notifyd-once -c "$qc"
fg_eq "same day: still deferred, no new warning" "6 3" "$(ls "$FG_SMTP_DIR"/*.eml | wc -l) $(fg_sink_count)"
FLAKEGUARD_NOW=2026-03-16T00:05:00Z fg_run notifyd-once -c "$qc"
fg_eq "next day the deferred mail goes" 8 "$(ls "$FG_SMTP_DIR"/*.eml | wc -l)"
fg_eq "nothing left" 0 "$(fg_sql "SELECT count(*) FROM notifications WHERE channel = 'qmail' AND status <> 'sent'")"
fg_eq "quota counted per UTC day" "2026-03-15:6:100 2026-03-16:2:0" "$(fg_sql "SELECT string_agg(day || ':' || sent || ':' || warned, ' ' ORDER BY day) FROM email_quota")"

# Digest at 12:00: non-critical mail is held, critical goes at once; at
# 12:00 one digest per channel and day carries the held ones.
fg_smtpsink digest
dc=$(fg_config digest.conf <<C
[database]
conninfo =
[email]
from = alerts@example.com
smtp_url = $FG_SMTP_URL
digest = 12:00
[channel dmail]
type = email
to = ops@example.com
C
)
add dmail d1 medium "digest one"
add dmail d2 low "digest two"
add dmail d3 critical "digest critical"
fg_run notifyd-once -c "$dc" --json
fg_eq "held before the digest time" "2 1" "$(jq -r '"\(.held) \(.sent)"' <<<"$FG_OUT")"
fg_eq "only the critical one went" 1 "$(ls "$FG_SMTP_DIR"/*.eml | wc -l)"
FLAKEGUARD_NOW=2026-03-15T12:01:00Z fg_run notifyd-once -c "$dc"
fg_eq "digest sent at its time" 2 "$(ls "$FG_SMTP_DIR"/*.eml | wc -l)"
fg_match "digest subject" "digest: 2 alerts on 2026-03-15" "$(grep -a '^Subject:' "$FG_SMTP_DIR/2.eml")"
fg_match "digest lists both" "digest one" "$(cat "$FG_SMTP_DIR/2.eml")"
fg_eq "held rows sent through the digest" 2 "$(fg_sql "SELECT count(*) FROM notifications WHERE channel = 'dmail' AND digest_id IS NOT NULL AND status = 'sent'")"
add dmail d4 medium "after the digest"
FLAKEGUARD_NOW=2026-03-15T12:30:00Z fg_run notifyd-once -c "$dc"
fg_eq "one digest a day" 2 "$(ls "$FG_SMTP_DIR"/*.eml | wc -l)"
FLAKEGUARD_NOW=2026-03-16T12:00:00Z fg_run notifyd-once -c "$dc"
fg_eq "next day's digest" 3 "$(ls "$FG_SMTP_DIR"/*.eml | wc -l)"
add dmail d5 medium "held when the digest is switched off"
FLAKEGUARD_NOW=2026-03-17T09:00:00Z fg_run notifyd-once -c "$dc"
fg_eq "held before the digest time again" "held 0" "$(state d5)"
sed '/^digest = /d' "$dc" >"$FG_TMP/nodigest.conf"
chmod 600 "$FG_TMP/nodigest.conf"
FLAKEGUARD_NOW=2026-03-17T09:00:00Z fg_run notifyd-once -c "$FG_TMP/nodigest.conf"
fg_eq "digest switched off: held mail goes out" "sent 1" "$(state d5)"

all="$FG_ERR $FG_OUT $(fg_sql "SELECT string_agg(coalesce(error, ''), ' ') FROM delivery_attempts")"
for s in smtpPassXYZ sendgridKeyXYZ sesSecretKeyXYZ sesSessionTokenXYZ; do
	fg_nomatch "secret $s absent" "$s" "$all"
done
fg_done

#!/usr/bin/env bash
# Hostile names from Snowflake: SQL in a name, every control character but
# NUL, a 10 KB name, 2 KB that do not compress, Slack mentions and links,
# bidirectional overrides, an e-mail header smuggled after CR/LF.  Warehouse
# names reach daily_costs, user names reach findings and the outbox,
# byte for byte; notifications render them safely: valid JSON with Slack's
# control sequences escaped, and e-mail headers that stay one line each.
. "$(dirname "$0")/../lib/harness.sh"
fg_setup
export FLAKEGUARD_NOW=2026-03-15T10:00:00Z

# The names, built in SQL so that no shell quoting stands in between.
NAMES="(VALUES
  ('x''); DROP TABLE daily_costs; --'),
  ((SELECT string_agg(chr(i), '') FROM generate_series(1, 31) i) || chr(127) || 'ctl'),
  (repeat('Zürich ☃ 東京 ', 540)),
  ((SELECT string_agg(md5(i::text), '') FROM generate_series(1, 64) i)),
  (E'<!channel> <@U024BE7LH> <https://evil.example|click> &amp; *bold*'),
  (E'Zürich \u202Egnp.exe\u202C 東京 🚀 \u200B'),
  (E'robot\r\nBcc: victim@example.com\r\nX-Evil: 1'))"
fg_sim "CREATE TABLE public.hostile AS SELECT row_number() OVER () AS id, n AS name FROM $NAMES v(n)" >/dev/null
fg_sim "INSERT INTO account_usage.warehouse_metering_history
	SELECT '2026-03-12 05:00+00', '2026-03-12 06:00+00', 900 + id, name, 1, 1, 0, 0 FROM public.hostile" >/dev/null
fg_sim "INSERT INTO account_usage.users (user_id, name, created_on, has_password, has_mfa, disabled, type, last_success_login)
	SELECT 900 + id, name, '2026-01-01', true, false, false, 'PERSON', '2026-03-14' FROM public.hostile" >/dev/null
hashes() { sort | tr '\n' ' '; }
want=$(fg_sim "SELECT md5(name) FROM public.hostile" | hashes)

fg_httpsink slack
SLACK_DIR=$FG_SINK_DIR SLACK_URL=$FG_SINK_URL
fg_smtpsink mail
cfg=$(fg_config hostile.conf <<C
[database]
conninfo =
[connector prod]
odbc = $FG_SIM_ODBC
credit_price = 3.00
[channel sec]
type = slack
url = $SLACK_URL/services/T0/B0/hostileSecret
[channel mail]
type = email
to = security@example.com
[email]
provider = smtp
from = alerts@example.com
smtp_url = $FG_SMTP_URL
[secscan]
notify = sec, mail
C
)

fg_run costsync -c "$cfg" --since 2026-03-12 --until 2026-03-12
fg_eq "costsync takes the hostile warehouses" 0 "$FG_RC"
fg_eq "every warehouse name stored byte for byte" "$want" \
	"$(fg_sql "SELECT md5(entity) FROM daily_costs WHERE day = '2026-03-12'" | grep -Fxf <(printf '%s\n' $want) | hashes)"
fg_eq "daily_costs still there" 1 "$(fg_sql "SELECT count(*) FROM pg_tables WHERE tablename = 'daily_costs'")"

# 10 KB that do not compress exceed PostgreSQL's btree key limit: the day
# cannot be stored as it is, which is bad input data (65), said in one
# line; what was stored before stays.
before=$(fg_sql "SELECT count(*) FROM daily_costs")
fg_sim "INSERT INTO account_usage.warehouse_metering_history
	SELECT '2026-03-13 05:00+00', '2026-03-13 06:00+00', 999,
	       (SELECT string_agg(md5(i::text), '') FROM generate_series(1, 320) i), 1, 1, 0, 0" >/dev/null
fg_run costsync -c "$cfg" --since 2026-03-13 --until 2026-03-13
fg_eq "an unstorable name exits 65" 65 "$FG_RC"
fg_match "the database's reason is given" "index row .* maximum size" "$FG_ERR"
fg_eq "in one line" 1 "$(printf '%s\n' "$FG_ERR" | grep -c .)"
fg_eq "nothing stored before is lost" "$before" "$(fg_sql "SELECT count(*) FROM daily_costs")"
fg_sim "DELETE FROM account_usage.warehouse_metering_history WHERE warehouse_id = 999" >/dev/null

fg_run secscan -c "$cfg" --json
fg_eq "secscan takes the hostile users" 0 "$FG_RC"
fg_eq "every user name stored byte for byte in findings" "$want" \
	"$(fg_sql "SELECT md5(subject) FROM findings WHERE rule = 'user-password-no-mfa'" | grep -Fxf <(printf '%s\n' $want) | hashes)"
# md5 of each NUL-terminated string on stdin, one per line
nul_md5s() { local s; while IFS= read -r -d '' s; do printf '%s' "$s" | md5sum | cut -d' ' -f1; done; }
fg_eq "--json carries every name exactly" "$want" \
	"$(printf '%s' "$FG_OUT" | jq -j '.findings[] | select(.rule == "user-password-no-mfa") | .subject + "\u0000"' |
		nul_md5s | grep -Fxf <(printf '%s\n' $want) | hashes)"
fg_eq "outbox fields carry every name exactly" "$want" \
	"$(fg_sql "SELECT md5(fields->>'subject') FROM notifications WHERE channel = 'sec' AND fields->>'rule' = 'user-password-no-mfa'" | grep -Fxf <(printf '%s\n' $want) | hashes)"

fg_run notifyd-once -c "$cfg"
fg_eq "notifyd-once delivers them" 0 "$FG_RC"
bodies=$(fg_sink_requests "$SLACK_DIR" | jq -r '.body')
fg_eq "every Slack message is valid JSON" "$(fg_sink_count "$SLACK_DIR")" \
	"$(printf '%s\n' "$bodies" | jq -c . 2>/dev/null | wc -l)"
text=$(printf '%s\n' "$bodies" | jq -r '.. | strings')
fg_nomatch "no Slack mention reaches Slack unescaped" "<!channel>|<@U024BE7LH>|<https://evil" "$text"
fg_match "the mention is shown escaped" "&lt;!channel&gt;" "$text"
fg_eq "Slack titles stay one line, without control characters" 0 \
	"$(printf '%s\n' "$bodies" | jq -r '.attachments[].title | select(explode | any(. < 32 or . == 127))' | wc -l)"
# the subject field shows each name exactly, Slack's three characters escaped
slack_want=$(fg_sim "SELECT md5(replace(replace(replace(name, '&', '&amp;'), '<', '&lt;'), '>', '&gt;')) FROM public.hostile" | hashes)
fg_eq "the subject field shows the exact name" "$slack_want" \
	"$(printf '%s\n' "$bodies" | jq -j '.attachments[].fields[] | select(.title == "subject") | .value + "\u0000"' |
		nul_md5s | grep -Fxf <(printf '%s\n' $slack_want) | sort -u | hashes)"
hdrs=$(for f in "$FG_SMTP_DIR"/*.eml; do sed '/^\r\{0,1\}$/q' "$f"; done)
fg_check "e-mail went out" test -n "$hdrs"
fg_nomatch "no header smuggled into an e-mail" "^(Bcc|X-Evil):" "$hdrs"
fg_eq "no smuggled recipient" "security@example.com" \
	"$(cat "$FG_SMTP_DIR"/*.json | jq -r '.rcpt_tos[]' | sort -u | tr '\n' ' ' | sed 's/ $//')"
fg_nomatch "secrets stay out of stderr" "hostileSecret" "$FG_ERR"
fg_done

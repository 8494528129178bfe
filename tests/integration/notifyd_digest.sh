#!/usr/bin/env bash
# E-mail digest: one digest per recipient address and UTC day across every
# e-mail channel naming that address.  Two channels share a recipient and
# each has one of its own: the shared recipient gets one digest with the
# alerts of both (an event queued on both listed once), the others one
# with their channel's alerts.  Concurrent runs make each digest once; a
# digest counts once against the quota; mail held after a recipient's
# digest waits for the next day's, while its other recipients still get
# theirs today.
. "$(dirname "$0")/../lib/harness.sh"
fg_setup
export FLAKEGUARD_NOW=2026-03-15T10:00:00Z
fg_smtpsink digest
cfg=$(fg_config d.conf <<C
[database]
conninfo =
[email]
from = alerts@example.com
smtp_url = $FG_SMTP_URL
digest = 12:00
daily_quota = 100
[channel a-mail]
type = email
to = shared@example.com, alice@example.com
min_severity = high
[channel b-mail]
type = email
to = bob@example.com, SHARED@example.com
C
)
notifyd-once -c "$cfg" || fg_fail "migrate"
add() { # CHANNEL SEVERITY TITLE DEDUP
	fg_sql "INSERT INTO notifications (channel, kind, severity, title, body, dedup_key)
		VALUES ('$1', 'generic', '$2', '$3', 'details of $3', '$4')"
}
emls() { ls "$FG_SMTP_DIR"/*.eml 2>/dev/null | wc -l; }
# envelope recipient -> message file of the digests, one per line
digest_of() { # ADDRESS [DAY]
	local j
	for j in "$FG_SMTP_DIR"/*.json; do
		if [ "$(jq -r '.rcpt_tos | join(",") | ascii_downcase' "$j")" = "$1" ] &&
			grep -aq "^Subject: \[flakeguard\] .*: digest: .* on ${2:-2026-03-15}" "${j%.json}.eml"; then
			echo "${j%.json}.eml"
		fi
	done
}

add a-mail high 'budget prod passed 90%' 'budget:prod:2026-03-01:actual:90'
add b-mail high 'budget prod passed 90%' 'budget:prod:2026-03-01:actual:90'
add a-mail high 'a only' a1
add b-mail medium 'b only' b1
add a-mail critical 'a critical' c1
add a-mail low 'a too low' l1
fg_run notifyd-once -c "$cfg" --json
fg_eq "before 12:00: held 4, critical sent, low skipped" "4 1 1" "$(jq -r '"\(.held) \(.sent) \(.skipped)"' <<<"$FG_OUT")"
fg_eq "critical went at once to both of a-mail" "shared@example.com,alice@example.com" "$(jq -r '.rcpt_tos | join(",")' "$FG_SMTP_DIR/1.json")"

# Two runs at once at digest time: each digest is made and sent once.
export FLAKEGUARD_NOW=2026-03-15T12:01:00Z
notifyd-once -c "$cfg" --json >"$FG_TMP/r1" 2>&1 &
p1=$!
notifyd-once -c "$cfg" --json >"$FG_TMP/r2" 2>&1 &
p2=$!
wait $p1 $p2
fg_eq "three digests, made once" 3 "$(fg_sql "SELECT count(*) FROM notifications WHERE kind = 'digest'")"
fg_eq "three digests sent, one message each" 4 "$(emls)"
fg_eq "one recipient per digest" "1 1 1" "$(for j in "$FG_SMTP_DIR"/[234].json; do jq '.rcpt_tos | length' "$j"; done | xargs)"
shared=$(digest_of shared@example.com) alice=$(digest_of alice@example.com) bob=$(digest_of bob@example.com)
fg_check "each recipient has exactly one digest" test "$(wc -w <<<"$shared $alice $bob")" -eq 3
fg_match "shared digest holds both channels' alerts" "digest: 3 alerts on 2026-03-15" "$(grep -a '^Subject:' "$shared")"
body() { /usr/bin/python3 -c 'import email,email.policy,sys; m=email.message_from_binary_file(open(sys.argv[1],"rb"),policy=email.policy.default); print(m.get_body(("plain",)).get_content())' "$1"; }
sb=$(body "$shared")
fg_eq "the event on both channels is listed once" 1 "$(grep -c '^\[high\] budget prod passed 90%' <<<"$sb")"
fg_eq "shared digest: a only and b only" "1 1" "$(grep -c '\] a only' <<<"$sb") $(grep -c '\] b only' <<<"$sb")"
ab=$(body "$alice") bb=$(body "$bob")
fg_eq "alice: her channel's two alerts only" "2 0" "$(grep -c '^\[' <<<"$ab") $(grep -c 'b only' <<<"$ab")"
fg_eq "bob: his channel's two alerts only" "2 0" "$(grep -c '^\[' <<<"$bb") $(grep -c 'a only' <<<"$bb")"
fg_eq "held rows sent, each linked to a digest" "4" \
	"$(fg_sql "SELECT count(*) FROM notifications WHERE kind <> 'digest' AND status = 'sent' AND digest_id IS NOT NULL")"
fg_eq "each held row reached each recipient of its channel" 8 "$(fg_sql "SELECT count(*) FROM digest_items")"
fg_eq "quota: the critical one and one per digest" 4 "$(fg_sql "SELECT sent FROM email_quota WHERE day = '2026-03-15'")"
fg_eq "the runs exited 0" "0" "$(cat "$FG_TMP/r1" "$FG_TMP/r2" | jq -s 'map(.dead + .retried) | add')"

# Later the same day: both recipients of b-mail already had their digest.
add b-mail low 'b late' b2
FLAKEGUARD_NOW=2026-03-15T12:30:00Z fg_run notifyd-once -c "$cfg"
FLAKEGUARD_NOW=2026-03-15T18:00:00Z fg_run notifyd-once -c "$cfg"
fg_eq "no second digest the same day" "4 held" "$(emls) $(fg_sql "SELECT status FROM notifications WHERE dedup_key = 'b2'")"

# Next day: bob and shared get it.  shared's digest goes through a-mail
# (min_severity high) although it only holds a low alert: each alert
# already passed its own channel's bar.
export FLAKEGUARD_NOW=2026-03-16T12:00:00Z
fg_run notifyd-once -c "$cfg" --json
fg_eq "next day: two digests" "6 2" "$(emls) $(jq .sent <<<"$FG_OUT")"
fg_eq "shared's low digest is sent, not skipped" "a-mail low sent" \
	"$(fg_sql "SELECT channel || ' ' || severity || ' ' || status FROM notifications WHERE kind = 'digest' AND dedup_key = 'digest:2026-03-16:shared@example.com'")"
fg_check "bob got it" test -n "$(digest_of bob@example.com 2026-03-16)"

# After the day's digests: an a-mail alert reaches alice today (no digest
# for her yet) and shared tomorrow; the row stays held until then.
add a-mail high 'a late' a2
FLAKEGUARD_NOW=2026-03-16T12:30:00Z fg_run notifyd-once -c "$cfg"
fg_eq "alice gets a digest today" 7 "$(emls)"
fg_match "with the late alert" "a late" "$(body "$(digest_of alice@example.com 2026-03-16)")"
fg_eq "row still held for shared" "held alice@example.com" \
	"$(fg_sql "SELECT n.status || ' ' || string_agg(i.recipient, ',') FROM notifications n JOIN digest_items i ON i.notification_id = n.id WHERE n.dedup_key = 'a2' GROUP BY n.status")"
FLAKEGUARD_NOW=2026-03-17T12:00:00Z fg_run notifyd-once -c "$cfg"
fg_eq "shared gets it the next day, once" "8 1" "$(emls) $(digest_of shared@example.com 2026-03-17 | wc -l)"
fg_eq "the row is now sent" sent "$(fg_sql "SELECT status FROM notifications WHERE dedup_key = 'a2'")"
fg_eq "nothing held, nothing pending" 0 "$(fg_sql "SELECT count(*) FROM notifications WHERE status IN ('held', 'pending')")"
fg_done

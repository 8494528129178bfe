#!/usr/bin/env bash
# A lease shorter than a request could last is refused (78, FILE:LINE):
# with lease = 4s and the default 30 s timeout two runs each sent the
# same messages.  The lease must be at least 2 x the longest timeout of
# any channel or of e-mail, plus the longest connect_timeout.  With a
# lease that fits, two runs side by side against a slow sink send each
# message once.
. "$(dirname "$0")/../lib/harness.sh"
fg_setup
export FLAKEGUARD_NOW=2026-03-15T10:00:00Z
fg_httpsink slow --delay-ms 1500

mk() { # NAME NOTIFY-LINES CHANNEL-LINES
	fg_config "$1" <<C
[database]
conninfo =
[notify]
concurrency = 4
$2
[channel hook]
type = webhook
url = $FG_SINK_URL/hook
$3
C
}

c=$(mk short.conf "lease = 4s" "")
fg_run notifyd-once -c "$c"
fg_eq "lease 4s with the default 30s timeout: exit 78" 78 "$FG_RC"
fg_match "names FILE:LINE, the numbers and what to do" \
	"short.conf:5: lease: a lease of 4s is shorter than 2 x the longest timeout \(30s\) \+ connect_timeout \(10s\) = 70s: .*raise lease to 70s or more, or lower the timeouts" "$FG_ERR"
fg_eq "one line" 1 "$(printf '%s\n' "$FG_ERR" | grep -c .)"

c=$(mk chan.conf "lease = 60s" "timeout = 30s
connect_timeout = 5s")
fg_run notifyd-once -c "$c"
fg_eq "a channel's own timeout counts: exit 78" 78 "$FG_RC"
fg_match "65s needed" "= 65s" "$FG_ERR"

c=$(mk mail.conf "lease = 5s" "timeout = 2s
connect_timeout = 1s
[email]
from = alerts@example.com
smtp_url = smtp://127.0.0.1:9
timeout = 10s")
fg_run notifyd-once -c "$c"
fg_eq "the e-mail timeout counts: exit 78" 78 "$FG_RC"
fg_match "21s needed" "\(10s\) \+ connect_timeout \(1s\) = 21s" "$FG_ERR"

c=$(mk ok.conf "lease = 5s" "timeout = 2s
connect_timeout = 1s")
fg_run notifyd-once -c "$c"
fg_eq "lease 5s with timeouts 2s + 1s: accepted" "0 " "$FG_RC $FG_ERR"

# Two runs at once against the slow sink: each message sent once.
fg_sql "INSERT INTO notifications (channel, kind, severity, title, dedup_key)
	SELECT 'hook', 'generic', 'info', 'n' || g, 'k' || g FROM generate_series(1, 6) g"
notifyd-once -c "$c" >/dev/null 2>&1 & a=$!
notifyd-once -c "$c" >/dev/null 2>&1 & b=$!
wait $a $b
fg_eq "all sent" 6 "$(fg_sql "SELECT count(*) FROM notifications WHERE status = 'sent'")"
fg_eq "no message sent twice" 6 "$(fg_sink_requests | jq -r '.body | fromjson | .id' | sort -u | wc -l | tr -d ' ')"
fg_eq "the sink saw 6 requests" 6 "$(fg_sink_count)"
fg_done

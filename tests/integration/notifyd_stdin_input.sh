#!/usr/bin/env bash
# notifyd-once --stdin: a badly typed record exits 65 naming where it
# starts, its record number and the field, and the whole input is refused
# (nothing sent); "percent" may be a number (budgetcheck --json) or a
# string; secscan findings keep their title and remediation and respect
# [secscan] min_severity; alerts marked queued are left to the outbox.
. "$(dirname "$0")/../lib/harness.sh"
fg_setup
export FLAKEGUARD_NOW=2026-03-15T10:00:00Z
unset PGHOST
fg_httpsink stdin
sc=$(fg_config stdin.conf <<C
[channel ops]
type = webhook
url = $FG_SINK_URL/ops
[secscan]
min_severity = medium
C
)
# fg_run reads stdin from /dev/null: feed the input file directly.
feed() { printf '%s' "$1" >"$FG_TMP/in.json"; shift; set +e; FG_OUT=$(notifyd-once -c "$sc" "$@" <"$FG_TMP/in.json" 2>"$FG_TMP/err"); FG_RC=$?; FG_ERR=$(cat "$FG_TMP/err"); }

feed '{"new_alerts":[{}]}' --stdin --channel ops
fg_eq "a budget status without a name exits 65" 65 "$FG_RC"
fg_match "names line, column and record" 'stdin:1:1: record 1: a budgetcheck status needs "name"' "$FG_ERR"

n0=$(fg_sink_count)
feed $'{"title":"valid one"}\n  {"name":"b","new_alerts":[{}]}\n{"title":"valid two"}\n' --stdin --channel ops
fg_eq "a bad alert entry exits 65, not 70" 65 "$FG_RC"
fg_match "names the field of the bad entry" 'stdin:2:3: record 2: "new_alerts\[0\].threshold" must be a whole number' "$FG_ERR"
fg_match "says the valid ones were held back" 'refusing all of stdin: 1 bad record; nothing sent \(2 valid' "$FG_ERR"
fg_eq "nothing was sent" "$n0" "$(fg_sink_count)"

feed '{"name":"b","amount":"100.00","spend":"147.36","currency":"USD","percent":147.36,"period_start":"2026-03-01","new_alerts":[{"threshold":100,"kind":"actual","severity":"high","queued":false},{"threshold":50,"queued":true}]}' --stdin --channel ops
fg_eq "a number percent is read" 0 "$FG_RC"
fg_eq "the figure is in the title" "budget 'b' passed 100%: 147.36 of 100.00 USD spent (147.36%)" \
	"$(fg_sink_requests | tail -n 1 | jq -r '.body | fromjson | .title')"

n0=$(fg_sink_count)
feed '[{"name":"q","percent":60.5,"new_alerts":[{"threshold":50,"queued":true}]}]' --stdin --channel ops -v
fg_eq "queued alerts are the outbox's: exit 0" 0 "$FG_RC"
fg_eq "queued alerts are not sent again" "$n0" "$(fg_sink_count)"
fg_match "-v says why" "skipping 1 alert of budget 'q': in the outbox" "$FG_ERR"

feed '{"findings":[{"rule":"user-password-no-mfa","title":"Password user without MFA","remediation":"Enrol ALICE in MFA","severity":"high","subject":"ALICE","connector":"prod","status":"new","queued":false},{"rule":"stale-user","title":"Stale user","severity":"low","subject":"BOB","connector":"prod","status":"new","queued":false}]}' --stdin --channel ops --json
fg_eq "findings below [secscan] min_severity are not sent" 1 "$(jq .sent <<<"$FG_OUT")"
b=$(fg_sink_requests | tail -n 1 | jq -r .body)
fg_eq "finding titled as the outbox does" "secscan prod: Password user without MFA: ALICE" "$(jq -r .title <<<"$b")"
fg_match "finding text carries the remediation" "Remediation: Enrol ALICE in MFA" "$(jq -r .text <<<"$b")"
fg_done

#!/usr/bin/env bash
# Every rule fires on the subject the seed planted for it and on nothing
# else; options, JSON shape, notifications, suppressions and --fail-on.
. "$(dirname "$0")/../lib/harness.sh"
. "$(dirname "$0")/../lib/secscan.sh"
fg_setup

fg_run secscan --help
fg_eq "--help exits 0" 0 "$FG_RC"
fg_match "--help lists --rule" '--rule ID' "$FG_OUT"
fg_run secscan --rule no-such-rule
fg_eq "unknown --rule is a usage error" 64 "$FG_RC"
fg_match "unknown --rule names it" "unknown rule 'no-such-rule'" "$FG_ERR"
fg_run secscan --fail-on severe
fg_eq "bad --fail-on is a usage error" 64 "$FG_RC"

fg_run secscan --list-rules
fg_eq "--list-rules exits 0 without a config" 0 "$FG_RC"
fg_eq "--list-rules prints 39 rules" 40 "$(printf '%s\n' "$FG_OUT" | wc -l)"
fg_run secscan --list-rules --json
fg_eq "--list-rules --json is an array of 39" 39 "$(printf '%s' "$FG_OUT" | jq length)"
fg_eq "every listed rule has sources and remediation" 39 \
	"$(printf '%s' "$FG_OUT" | jq '[.[] | select((.sources | length) > 0 and (.remediation | length) > 0)] | length')"
ids=$(printf '%s' "$FG_OUT" | jq -r '.[].id' | sort)
fg_eq "rule ids are unique" 39 "$(printf '%s\n' "$ids" | sort -u | wc -l)"
man=$FG_SOURCE_DIR/man/secscan.1
missing=$(for id in $ids; do grep -q "^\.It Cm $id " "$man" || echo "$id"; done)
fg_eq "secscan(1) documents every rule id" "" "$missing"
missing=$(secscan --help | grep -oE -- '--[a-z-]+' | sort -u | while read -r o; do grep -q -- "Fl ${o#-}" "$man" || echo "$o"; done)
fg_eq "secscan(1) documents every option of --help" "" "$missing"
if command -v mandoc >/dev/null; then
	fg_eq "secscan(1) is mandoc -Tlint clean" "" "$(mandoc -Tlint -Wwarning "$man" 2>&1)"
fi

sec_setup <<'C'
min_severity = medium
ignore = stale-user:STALE_STAN (on parental leave until May; reviewed by security)
C

fg_run secscan -c "$SEC_CFG" --connector nope
fg_eq "unknown --connector is a usage error" 64 "$FG_RC"

fg_run secscan -c "$SEC_CFG" --dry-run --json
fg_eq "dry run exits 0" 0 "$FG_RC"
fg_eq "dry run reports 48 findings" 48 "$(printf '%s' "$FG_OUT" | jq '.findings | length')"
fg_eq "dry run writes no finding" 0 "$(fg_sql "SELECT count(*) FROM findings")"
fg_eq "dry run writes no notification" 0 "$(fg_sql "SELECT count(*) FROM notifications")"
fg_eq "dry run keeps no copy" 0 "$(fg_sql "SELECT count(*) FROM sec_users")"

fg_run secscan -c "$SEC_CFG" --json
fg_eq "scan exits 0" 0 "$FG_RC"
fg_eq "scan is silent on stderr" "" "$FG_ERR"
fg_eq "every rule fires on its seeded subjects and nothing else" "$(sec_truth)" "$(sec_findings)"
truth_counts=$(fg_sim "SELECT rule || '=' || count(*) FROM public.seed_security_truth GROUP BY rule ORDER BY rule")
found_counts=$(printf '%s' "$FG_OUT" | jq -r '[.findings[] | .rule] | group_by(.) | map("\(.[0])=\(length)") | .[]' | LC_ALL=C sort)
fg_eq "counts per rule equal the seed's truth" "$(printf '%s\n' "$truth_counts" | LC_ALL=C sort)" "$found_counts"
fg_eq "all 39 rules evaluated" 39 "$(printf '%s' "$FG_OUT" | jq .counts.rules_evaluated)"
fg_eq "every rule has at least one seeded subject" 39 \
	"$(fg_sim "SELECT count(DISTINCT rule) FROM public.seed_security_truth")"
fg_eq "nothing not evaluated" 0 "$(printf '%s' "$FG_OUT" | jq '.not_evaluated | length')"
fg_eq "finding objects carry the contract keys" "cis,connector,evidence,first_seen,last_seen,queued,remediation,reopened,rule,severity,status,subject,title" \
	"$(printf '%s' "$FG_OUT" | jq -r '.findings[0] | keys | join(",")')"
fg_eq "suppressed finding reported as suppressed" "suppressed" \
	"$(printf '%s' "$FG_OUT" | jq -r '.findings[] | select(.rule == "stale-user" and .subject == "STALE_STAN") | .status')"
fg_eq "counts: 47 new, 1 suppressed" "47 1" "$(printf '%s' "$FG_OUT" | jq -r '"\(.counts.new) \(.counts.suppressed)"')"
fg_eq "admin holder found through two custom roles" '["ROLE_OPS","ROLE_PLATFORM","ACCOUNTADMIN"]' \
	"$(fg_sql "SELECT evidence->'via' FROM findings WHERE rule = 'admin-no-email'" | tr -d ' ')"
fg_eq "admin-count lists four holders" '["ADMIN_ALICE","ADMIN_NOMFA_DAVE","DEEP_ADMIN_CAROL","SECADMIN_BOB"]' \
	"$(fg_sql "SELECT evidence->'admins' FROM findings WHERE rule = 'admin-count'" | tr -d ' ')"

# Notifications: medium and above, not suppressed, one per channel.
want=$(fg_sql "SELECT count(*) FROM findings WHERE NOT suppressed AND sec_severity_rank(severity) >= 2")
fg_eq "one notification per channel per notifiable finding" "$((want * 2))" "$(fg_sql "SELECT count(*) FROM notifications")"
fg_eq "low findings do not notify under min_severity = medium" 0 \
	"$(fg_sql "SELECT count(*) FROM notifications WHERE fields->>'rule' IN ('admin-no-email', 'key-not-rotated')")"
fg_eq "suppressed finding does not notify" 0 \
	"$(fg_sql "SELECT count(*) FROM notifications WHERE fields->>'subject' = 'STALE_STAN'")"
fg_eq "outbox rows follow the finding contract" "finding|critical|admin-no-mfa|ADMIN_NOMFA_DAVE|prod|t|t" \
	"$(fg_sql "SELECT n.kind, n.severity, n.fields->>'rule', n.fields->>'subject', n.fields->>'connector',
	   n.fields ? 'evidence', n.dedup_key = 'finding:' || f.id || ':' || extract(epoch FROM f.opened_at)::bigint
	   FROM notifications n JOIN findings f ON f.id = n.source_id WHERE n.channel = 'ops' AND f.rule = 'admin-no-mfa'")"

# --rule limits the run and leaves other findings alone.
fg_sql "UPDATE findings SET last_seen = '2000-01-01' WHERE rule <> 'stale-user'"
fg_run secscan -c "$SEC_CFG" --rule stale-user --rule user-password-no-mfa --json
fg_eq "--rule run exits 0" 0 "$FG_RC"
fg_eq "--rule evaluates only the named rules" "stale-user,user-password-no-mfa" \
	"$(printf '%s' "$FG_OUT" | jq -r '[.findings[].rule] | unique | join(",")')"
fg_eq "--rule leaves other rules' findings untouched" 1 \
	"$(fg_sql "SELECT count(*) FROM findings WHERE rule = 'admin-count' AND status = 'open' AND last_seen = '2000-01-01'")"

# --fail-on
fg_run secscan -c "$SEC_CFG" --fail-on high
fg_eq "--fail-on high exits 1 with open high findings" 1 "$FG_RC"
fg_run secscan -c "$SEC_CFG" --rule admin-no-email --fail-on medium
fg_eq "--fail-on medium exits 0 when only a low finding is open" 0 "$FG_RC"
fg_run secscan -c "$SEC_CFG" --rule stale-user --fail-on medium
fg_eq "--fail-on medium exits 1 on an open medium finding" 1 "$FG_RC"

# Suppressions need a reason; unknown rules are refused.
bad=$(fg_config bad.conf <<C
[database]
conninfo =
[secscan]
ignore = stale-user:STALE_STAN
C
)
fg_run secscan -c "$bad"
fg_eq "ignore without a reason is a config error" 78 "$FG_RC"
fg_match "the error names the entry" "bad.conf:4: invalid ignore entry 'stale-user:STALE_STAN'" "$FG_ERR"
bad2=$(fg_config bad2.conf <<C
[database]
conninfo =
[secscan]
notify = nowhere
C
)
fg_run secscan -c "$bad2"
fg_eq "unknown notify channel is a config error" 78 "$FG_RC"
printf '# test list\n198.51.100.1\nnot-an-address\n' >"$FG_TMP/ioc.txt"
bad3=$(fg_config bad3.conf <<C
[database]
conninfo =
[secscan]
ioc_ip_file = $FG_TMP/ioc.txt
C
)
fg_run secscan -c "$bad3"
fg_eq "a bad IoC line is a config error" 78 "$FG_RC"
fg_match "the error names file and line" "ioc.txt:3: not an IP address" "$FG_ERR"
sed -i "s|ioc.txt|missing.txt|" "$bad3"
fg_run secscan -c "$bad3"
fg_eq "a configured IoC file that is missing is a config error" 78 "$FG_RC"
fg_match "the error names the file" "bad3.conf:4: ioc_ip_file: cannot read IoC address file '.*missing.txt'" "$FG_ERR"
fg_done

#!/usr/bin/env bash
# What an operator reads: the exit statuses -h lists, one summary line per
# run at -v, and --requeue saying what it did.
. "$(dirname "$0")/../lib/harness.sh"
. "$(dirname "$0")/../lib/secscan.sh"
fg_setup
sec_setup </dev/null

# -h lists exit status 1 only where a tool can exit 1, with its meaning.
for t in budgetcheck secscan; do
	fg_run "$t" -h
	fg_match "$t -h lists 1 for --fail-on" "0 success, 1 --fail-on matched, 64 usage" "$FG_OUT"
done
fg_run snapshot -h
fg_match "snapshot -h lists 1 for --status" "0 success, 1 --status found a stale or failing job, 64" "$FG_OUT"
for t in costsync notifyd-once; do
	fg_run "$t" -h
	fg_match "$t -h lists exit statuses" "0 success, 64 usage" "$FG_OUT"
	fg_nomatch "$t -h lists no exit status 1" "1 --fail-on" "$FG_OUT"
done

# -v: one summary line per run, and nothing at the default level.
fg_run snapshot -c "$SEC_CFG" --no-prune # migrations
fg_run secscan -c "$SEC_CFG" -v
fg_eq "secscan -v exits 0" 0 "$FG_RC"
fg_match "secscan -v summary" "^secscan: scanned 1 connector with [0-9]+ rules: [0-9]+ new, [0-9]+ open, 0 resolved findings, [0-9]+ notifications in [0-9.]+ s$" "$FG_ERR"
fg_eq "secscan -v says one line" 1 "$(printf '%s\n' "$FG_ERR" | wc -l)"
fg_run secscan -c "$SEC_CFG"
fg_eq "secscan is silent by default" "" "$FG_ERR"

fg_run snapshot -c "$SEC_CFG" -v
fg_eq "snapshot -v exits 0" 0 "$FG_RC"
fg_match "snapshot -v summary" "^snapshot: built 7 days of history \(0 history rows, [0-9]+ cost summary rows\), pruned 0 old rows in [0-9.]+ s$" "$FG_ERR"
fg_run snapshot -c "$SEC_CFG"
fg_eq "snapshot is silent by default" "" "$FG_ERR"

fg_run notifyd-once -c "$SEC_CFG" -v --limit 1
fg_match "notifyd-once -v summary" "^notifyd-once: claimed 1 notification: 0 sent, 1 retried, 0 dead, 0 skipped, 0 deferred, 0 held, 0 left in [0-9.]+ s$" \
	"$(printf '%s\n' "$FG_ERR" | grep ': claimed')"

# --requeue says what it did, on stdout.
fg_sql "UPDATE notifications SET status = 'dead' WHERE id IN (SELECT id FROM notifications ORDER BY id LIMIT 2)"
fg_run notifyd-once -c "$SEC_CFG" --requeue all
fg_eq "--requeue exits 0" 0 "$FG_RC"
fg_eq "--requeue says how many" "requeued 2 dead notifications" "$FG_OUT"
fg_eq "--requeue logs nothing" "" "$FG_ERR"
id=$(fg_sql "SELECT min(id) FROM notifications")
fg_sql "UPDATE notifications SET status = 'dead' WHERE id = $id"
fg_run notifyd-once -c "$SEC_CFG" --requeue "$id"
fg_eq "--requeue ID says so" "requeued 1 dead notification" "$FG_OUT"
fg_sql "UPDATE notifications SET status = 'dead' WHERE id = $id"
fg_run notifyd-once -c "$SEC_CFG" --requeue "$id" --json
fg_eq "--requeue --json keeps its form" '{"requeued": 1}' "$FG_OUT"

fg_done

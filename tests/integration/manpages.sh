#!/usr/bin/env bash
# Man pages: mandoc -Tlint clean at warning level, and every option --help
# lists appears in the tool's page.
. "$(dirname "$0")/../lib/harness.sh"
FG_TMP=$(mktemp -d /tmp/fgman.XXXXXX)
trap 'rm -rf "$FG_TMP"' EXIT
for page in "$FG_SOURCE_DIR"/man/*.[157]; do
	name=$(basename "$page")
	out=$(mandoc -Tlint -Wwarning "$page" 2>&1)
	fg_eq "$name is mandoc -Tlint clean" "" "$out"
done
for t in costsync budgetcheck notifyd-once snapshot secscan; do
	page=$FG_SOURCE_DIR/man/$t.1
	fg_check "$t(1) exists" test -f "$page"
	[ -f "$page" ] || continue
	# options are the first long name on each option line of --help
	for opt in $("$t" --help | grep -E '^  +(-[a-zA-Z], )?--' | grep -oE -- '--[a-z][a-z-]*' | sort -u); do
		name=${opt#--}
		fg_check "$t(1) documents $opt in its option list" \
			grep -qE "^\.It .*Fl (-|\\\\-|Fl )$name( |,|$)" "$page"
	done
	for s in NAME SYNOPSIS DESCRIPTION ENVIRONMENT FILES "EXIT STATUS" EXAMPLES "SEE ALSO"; do
		fg_check "$t(1) has $s" grep -q "^\.Sh $s\$" "$page"
	done
done
fg_done

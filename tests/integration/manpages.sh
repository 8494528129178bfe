#!/usr/bin/env bash
# Man pages: mandoc -Tlint clean at warning level, groff -ww clean, the
# same text under both formatters with no garbled quoting, and every
# option --help lists appears in the tool's page.
. "$(dirname "$0")/../lib/harness.sh"
FG_TMP=$(mktemp -d /tmp/fgman.XXXXXX)
trap 'rm -rf "$FG_TMP"' EXIT
for page in "$FG_SOURCE_DIR"/man/*.[157]; do
	name=$(basename "$page")
	out=$(mandoc -Tlint -Wwarning "$page" 2>&1)
	fg_eq "$name is mandoc -Tlint clean" "" "$out"
	out=$(groff -ww -mandoc -z "$page" 2>&1)
	fg_eq "$name is groff -ww clean" "" "$out"
	# nested quoting macros garble JSON examples: {"threshold, "kind, ...
	for fmt in mandoc groff; do
		if [ $fmt = mandoc ]; then
			text=$(mandoc -Tascii "$page" 2>/dev/null | col -bx)
		else
			text=$(groff -mandoc -Tascii "$page" 2>/dev/null | col -bx)
		fi
		fg_check "$name renders under $fmt" test -n "$text"
		bad=$(printf '%s\n' "$text" | grep -nE '"""|""[a-z]|\{"[a-z_]+,' || true)
		fg_eq "$name has no garbled quotes under $fmt" "" "$bad"
	done
done
# the JSON shapes as written
text=$(groff -mandoc -Tascii "$FG_SOURCE_DIR/man/budgetcheck.1" 2>/dev/null | col -bx | tr -s ' \n' ' ')
fg_check "budgetcheck(1) shows the alert object" grep -qF '{"threshold", "kind", "severity", "queued"}' <<<"$text"
text=$(mandoc -Tascii "$FG_SOURCE_DIR/man/costsync.1" 2>/dev/null | col -bx | tr -s ' \n' ' ')
fg_check "costsync(1) shows the document" grep -qF '{"dry_run", "connectors"}' <<<"$text"
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

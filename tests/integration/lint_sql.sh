#!/usr/bin/env bash
# Every SQL statement is parameterised: no statement text is built with a
# printf-style format or by concatenating values.
. "$(dirname "$0")/../lib/harness.sh"
src=$FG_SOURCE_DIR
# A format string that holds SQL and a conversion (%s, %d, %lld, ...),
# unless it or the line before carries a fg_db_lint_ok justification.
SQLFMT='"[^"]*(SELECT|INSERT INTO|UPDATE|DELETE FROM|WHERE|VALUES)[^"]*%[-0-9.]*(l|ll|z)?[sdu]'
lint() {
	awk -v re="$SQLFMT" 'FNR == 1 { prev = "" }
		$0 ~ re && $0 !~ /fg_db_lint_ok/ && prev !~ /fg_db_lint_ok/ { print FILENAME ":" FNR ": " $0 }
		{ prev = $0 }' "$@"
}
hits=$(lint $(find "$src/lib" "$src/cmd" -name '*.c'))
fg_eq "no SQL built with printf formats" "" "$hits"
# PQexec (no parameters) only with literal statements.
hits=$(grep -rnE 'PQexec\([^,]+, *[a-z_]+[^")]*\)' "$src/lib" "$src/cmd" --include='*.c' |
	grep -vE 'PQexec\([^,]+, *m->sql\)' | grep -v 'fg_db_lint_ok' || true)
fg_eq "PQexec only with literal SQL or compiled-in migrations" "" "$hits"
# ODBC statements go through SQLPrepare + SQLBindParameter, never SQLExecDirect.
hits=$(grep -rn 'SQLExecDirect' "$src/lib" "$src/cmd" --include='*.c' || true)
fg_eq "no SQLExecDirect" "" "$hits"
# The lint itself catches what it should.
probe=$(mktemp)
printf 'snprintf(buf, n, "SELECT * FROM t WHERE name = '"'"'%%s'"'"'", name);\n' >"$probe"
fg_check "lint detects a formatted query" test -n "$(lint "$probe")"
rm -f "$probe"
fg_done

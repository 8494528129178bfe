#!/usr/bin/env bash
# bench/stdin/run.sh - notifyd-once --stdin reading 40,000 generic alerts
# as JSON lines and as one array, with --dry-run --json to /dev/null (no
# delivery: the parse and the rendering are what is timed).  Both forms
# should take about the same time; JSON lines once took 40 times as long
# (the position of every value was recomputed from the start).  Prints
# seconds per form.  Needs no database.
#   bench/stdin/run.sh [N]    N alerts (default 40000)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
bin=${FG_BUILD_DIR:-$src/build}/notifyd-once
n=${1:-40000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf '[channel ops]\ntype = webhook\nurl = http://127.0.0.1:9/bench\n' >"$tmp/b.conf"
chmod 600 "$tmp/b.conf"
awk -v n="$n" 'BEGIN { for (i = 1; i <= n; i++)
	printf "{\"severity\":\"high\",\"title\":\"alert %d\",\"text\":\"body %d\",\"fields\":{\"i\":\"%d\"}}\n", i, i, i }' \
	>"$tmp/lines.json"
awk 'BEGIN { printf "[" } { printf "%s%s", (NR > 1 ? "," : ""), $0 } END { print "]" }' "$tmp/lines.json" >"$tmp/array.json"
run() { # FORM
	local t0 t1
	t0=$(date +%s.%N)
	"$bin" -c "$tmp/b.conf" -q --stdin --channel ops --dry-run --json <"$tmp/$1.json" >/dev/null
	t1=$(date +%s.%N)
	awk -v a="$t0" -v b="$t1" -v f="$1" -v n="$n" 'BEGIN { printf "%s: %d alerts in %.2f s\n", f, n, b - a }'
}
run lines
run array

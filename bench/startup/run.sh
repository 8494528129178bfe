#!/usr/bin/env bash
# bench/startup/run.sh - process start to exit for every tool:
#   --version (goal <= 3 ms median) and a run with no work against a local
#   PostgreSQL over a unix socket (goal <= 30 ms median).  5 runs each.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export FG_SOURCE_DIR=${FG_SOURCE_DIR:-$(cd "$here/../.." && pwd)}
export FG_BUILD_DIR=${FG_BUILD_DIR:-$FG_SOURCE_DIR/build}
. "$FG_SOURCE_DIR/tests/lib/harness.sh"
fg_setup >/dev/null
set -e
cfg=$(fg_config bench.conf <<'C'
[database]
conninfo =
C
)
for t in costsync budgetcheck notifyd-once snapshot secscan; do "$FG_BUILD_DIR/$t" -c "$cfg" >/dev/null 2>&1 || true; done

# median_ms CMD...: run 5 times, print the median wall time in ms (3 decimals)
median_ms() {
	local i s e
	for i in 1 2 3 4 5; do
		s=$(date +%s%N)
		"$@" >/dev/null 2>&1 || true
		e=$(date +%s%N)
		echo $(((e - s) / 1000))
	done | sort -n | sed -n 3p | awk '{ printf "%.3f", $1 / 1000 }'
}
# the cost of starting a trivial process, measured the same way
floor=$(median_ms /bin/true)
printf '%-14s %12s %16s\n' tool "--version ms" "no-work run ms"
for t in costsync budgetcheck notifyd-once snapshot secscan; do
	v=$(median_ms "$FG_BUILD_DIR/$t" --version)
	r=$(median_ms "$FG_BUILD_DIR/$t" -c "$cfg")
	printf '%-14s %12s %16s\n' "$t" "$v" "$r"
done
echo "floor: /bin/true takes $floor ms the same way (goals: --version <= 3 ms, no-work run <= 30 ms)"
echo "# load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"

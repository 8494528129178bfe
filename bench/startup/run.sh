#!/usr/bin/env bash
# bench/startup/run.sh - process start to exit for every tool, for
# information (start-up time is not a goal: a cron tool is judged by its
# work): a bare --version and a run with no work against a local
# PostgreSQL over a unix socket.  Median of 5 runs
# each, timed from posix_spawn to waitpid by bench/startup/spawntime.c,
# next to two floors measured the same way: /bin/true (starting any
# program) and pqfloor.c (a C program that links libpq, connects, runs
# SELECT 1 and exits: the least a run against PostgreSQL can cost).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export FG_SOURCE_DIR=${FG_SOURCE_DIR:-$(cd "$here/../.." && pwd)}
export FG_BUILD_DIR=${FG_BUILD_DIR:-$FG_SOURCE_DIR/build}
. "$FG_SOURCE_DIR/tests/lib/harness.sh"
fg_setup >/dev/null
set -e
cc -O2 -o "$FG_TMP/spawntime" "$here/spawntime.c"
cc -O2 -o "$FG_TMP/pqfloor" "$here/pqfloor.c" -I"$(pg_config --includedir)" -lpq
cfg=$(fg_config bench.conf <<'C'
[database]
conninfo =
C
)
# first runs migrate the schema; every later run finds nothing to do
for t in costsync budgetcheck notifyd-once snapshot secscan; do "$FG_BUILD_DIR/$t" -c "$cfg" >/dev/null 2>&1 || true; done

ms() { "$FG_TMP/spawntime" 5 "$@"; }
ratio() { printf "%.2f" "$(echo "scale=4; $1 / $2" | bc)"; }
true_ms=$(ms /bin/true)
pq_ms=$(ms "$FG_TMP/pqfloor")
printf '%-14s %13s %8s %15s %8s\n' tool "--version ms" "x true" "no-work run ms" "x libpq"
for t in costsync budgetcheck notifyd-once snapshot secscan; do
	v=$(ms "$FG_BUILD_DIR/$t" --version)
	r=$(ms "$FG_BUILD_DIR/$t" -c "$cfg")
	printf '%-14s %13s %8s %15s %8s\n' "$t" "$v" "$(ratio "$v" "$true_ms")" "$r" "$(ratio "$r" "$pq_ms")"
done
echo "floors: /bin/true $true_ms ms; libpq connect + SELECT 1 + exit $pq_ms ms"
echo "# load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"

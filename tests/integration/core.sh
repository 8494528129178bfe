#!/usr/bin/env bash
# Foundation behaviour shared by every tool: command line, config errors,
# migrations under concurrent starts, job lock, job runs, unreachable
# database, dry-run schema checks.
. "$(dirname "$0")/../lib/harness.sh"
fg_setup

TOOLS="costsync budgetcheck notifyd-once snapshot secscan"
NMIG=$(ls "$FG_SOURCE_DIR"/sql/[0-9][0-9][0-9]_*.sql | wc -l)

for t in $TOOLS; do
	fg_run "$t" --help
	fg_eq "$t --help exits 0" 0 "$FG_RC"
	fg_match "$t --help shows usage" "^usage: $t \[options\]" "$FG_OUT"
	fg_run "$t" --version
	fg_eq "$t --version exits 0" 0 "$FG_RC"
	fg_match "$t --version names libraries" "libpq [0-9]+.*libcurl .*jansson .*unixODBC " "$FG_OUT"
	fg_run "$t" --no-such-option
	fg_eq "$t bad option exits 64" 64 "$FG_RC"
	fg_match "$t bad option message" "unknown option '--no-such-option'" "$FG_ERR"
	fg_run "$t" extra-arg
	fg_eq "$t positional argument exits 64" 64 "$FG_RC"
	fg_run "$t" --log-format xml
	fg_eq "$t bad --log-format exits 64" 64 "$FG_RC"
	fg_run "$t" -c
	fg_eq "$t missing option argument exits 64" 64 "$FG_RC"
	fg_run "$t" -v --version
	fg_match "$t -v --version names the libraries loaded" "running with libpq [0-9]+.*libcurl .*jansson .*unixODBC [0-9]+\.[0-9]+ " "$FG_OUT"
	# one plain executable, linked with the libraries it uses
	for lib in libpq libcurl libjansson libodbc; do
		fg_match "$t needs $lib" "$lib" "$(ldd "$FG_BUILD_DIR/$t")"
	done
	fg_nomatch "$t loads no code of its own at run time" "dlopen" "$(nm -D "$FG_BUILD_DIR/$t")"
	if [ -w /dev/full ]; then
		fg_run sh -c '"$1" --version >/dev/full' sh "$FG_BUILD_DIR/$t"
		fg_eq "$t --version to a full disk exits 75" 75 "$FG_RC"
		fg_match "$t --version to a full disk says so" "cannot write standard output" "$FG_ERR"
	fi
done

# A copied executable is the whole tool.
cp "$FG_BUILD_DIR/costsync" "$FG_TMP/costsync-alone"
fg_run "$FG_TMP/costsync-alone" --version
fg_eq "a copied executable answers --version" 0 "$FG_RC"
fg_run "$FG_TMP/costsync-alone" --help
fg_eq "a copied executable answers --help" 0 "$FG_RC"

# Config errors: exit 78 with file:line.
fg_run costsync -c "$FG_TMP/nope.conf"
fg_eq "missing config exits 78" 78 "$FG_RC"
fg_match "missing config names the file" "cannot open config file '$FG_TMP/nope.conf'" "$FG_ERR"
FLAKEGUARD_CONFIG=$FG_TMP/nope2.conf fg_run costsync
fg_match "FLAKEGUARD_CONFIG is the default" "nope2.conf" "$FG_ERR"

bad=$(fg_config bad.conf <<'C'
[database]
conninfo =
bogus_key = 1
C
)
fg_run budgetcheck -c "$bad"
fg_eq "unknown key exits 78" 78 "$FG_RC"
fg_match "unknown key names file:line and key" "bad.conf:3: unknown key 'bogus_key' in section '\[database\]'" "$FG_ERR"

leaky=$(fg_config leaky.conf <<'C'
[database]
conninfo =
[channel ops]
type = slack
url = https://hooks.slack.com/services/T0SECRET/B0SECRET/verysecrettoken
C
)
chmod 644 "$leaky"
fg_run snapshot -c "$leaky"
fg_eq "world-readable secret exits 78" 78 "$FG_RC"
fg_match "world-readable secret says chmod 600" "chmod 600" "$FG_ERR"
fg_nomatch "world-readable secret is not printed" "verysecrettoken" "$FG_ERR"

FLAKEGUARD_NOW=soon fg_run secscan -c "$bad"
fg_eq "bad FLAKEGUARD_NOW exits 78" 78 "$FG_RC"

# Dry run against a database without schema: says so, exits 78, writes nothing.
cfg=$(fg_config ok.conf <<C
[database]
conninfo =
[connector sim]
odbc = $FG_SIM_ODBC
credit_price = 2.50
[secscan]
ioc_ip_file = $FG_SOURCE_DIR/data/unc5537-ips.txt
C
)
fg_run costsync -c "$cfg" --dry-run
fg_eq "dry run on a missing schema exits 78" 78 "$FG_RC"
fg_match "dry run explains the missing schema" "schema is missing" "$FG_ERR"
fg_eq "dry run created nothing" "" "$(fg_sql "SELECT to_regclass('flakeguard.job_runs')")"

# Four concurrent first starts: migrations applied exactly once.
pids=()
for t in costsync budgetcheck snapshot secscan; do
	"$t" -c "$cfg" >"$FG_TMP/$t.out" 2>"$FG_TMP/$t.err" &
	pids+=($!)
done
rcs=""
for p in "${pids[@]}"; do wait "$p"; rcs="$rcs$?"; done
fg_eq "four concurrent first starts all succeed" "0000" "$rcs"
fg_eq "concurrent starts are silent" "" "$(cat "$FG_TMP"/*.err)"
fg_eq "each migration applied once" "$NMIG" "$(fg_sql "SELECT count(*) FROM schema_migrations")"
fg_eq "each run recorded as success" "4" \
	"$(fg_sql "SELECT count(*) FROM job_runs WHERE status = 'success' AND exit_code = 0 AND finished_at IS NOT NULL AND host <> '' AND pid > 0")"

# Silence on success and job runs for every tool.
for t in $TOOLS; do
	fg_run "$t" -c "$cfg"
	fg_eq "$t runs and exits 0" 0 "$FG_RC"
	fg_eq "$t is silent on success" "" "$FG_ERR"
done
fg_eq "notifyd-once run recorded" 1 "$(fg_sql "SELECT count(*) FROM job_runs WHERE job = 'notifyd-once' AND status = 'success'")"

# Dry run on a current schema works and records nothing.
before=$(fg_sql "SELECT count(*) FROM job_runs")
fg_run budgetcheck -c "$cfg" --dry-run
fg_eq "dry run on a current schema exits 0" 0 "$FG_RC"
fg_eq "dry run records no job run" "$before" "$(fg_sql "SELECT count(*) FROM job_runs")"

# Empty conninfo: libpq takes PG* variables; a service file works too.
cat >"$FG_TMP/pg_service.conf" <<S
[fgtest]
host=$PGHOST
port=$PGPORT
dbname=flakeguard
user=postgres
S
svc=$(fg_config svc.conf <<'C'
[database]
conninfo = service=fgtest
C
)
PGSERVICEFILE=$FG_TMP/pg_service.conf PGHOST=/nonexistent PGPORT=1 fg_run costsync -c "$svc"
fg_eq "service file conninfo works" 0 "$FG_RC"

# The per-job lock: a second run while the lock is held exits 0 at once.
psql -X -q -d flakeguard -c "SELECT pg_advisory_lock(1718381415, 1); SELECT pg_sleep(30)" >/dev/null 2>&1 &
holder=$!
FG_PIDS+=("$holder")
for i in $(seq 1 100); do
	[ "$(psql -X -At -d flakeguard -c "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = 1 AND granted")" = 1 ] && break
	sleep 0.1
done
start=$(date +%s%N)
fg_run costsync -c "$cfg" -v
took=$((($(date +%s%N) - start) / 1000000))
fg_eq "locked job exits 0" 0 "$FG_RC"
fg_match "locked job says so at info level" "another costsync run holds the lock" "$FG_ERR"
fg_check "locked job returns at once (${took} ms)" test "$took" -lt 5000
fg_eq "locked run recorded as skipped" 1 "$(fg_sql "SELECT count(*) FROM job_runs WHERE job = 'costsync' AND status = 'skipped'")"
fg_run budgetcheck -c "$cfg"
fg_eq "other jobs are not blocked by costsync's lock" 0 "$FG_RC"
fg_kill_sleepers
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null

# A schema newer than the binary is refused.
fg_sql "INSERT INTO schema_migrations (version, name) VALUES (999, '999_future.sql')"
fg_run budgetcheck -c "$cfg"
fg_eq "newer schema exits 78" 78 "$FG_RC"
fg_match "newer schema explained" "schema version 999 is newer than this flakeguard knows" "$FG_ERR"
fg_sql "DELETE FROM schema_migrations WHERE version = 999"

# Unreachable PostgreSQL: exit 75 within 10 s with one line.
unreach=$(fg_config unreach.conf <<'C'
[database]
conninfo = host=127.0.0.1 port=1 dbname=flakeguard password=pgsecretpw
C
)
start=$(date +%s)
fg_run secscan -c "$unreach"
took=$(($(date +%s) - start))
fg_eq "unreachable database exits 75" 75 "$FG_RC"
fg_check "unreachable database fails within 10 s (${took} s)" test "$took" -le 10
fg_eq "unreachable database is one line" 1 "$(printf '%s\n' "$FG_ERR" | wc -l)"
fg_match "unreachable database message" "cannot connect to PostgreSQL" "$FG_ERR"
fg_nomatch "database password not printed" "pgsecretpw" "$FG_ERR"
fg_run secscan -c "$unreach" --log-format json
fg_match "JSON log line" '^\{"ts": ?"[0-9T:.-]+Z", ?"level": ?"error"' "$FG_ERR"

# A malformed conninfo is a configuration error.
badci=$(fg_config badci.conf <<'C'
[database]
conninfo = host=x bogus_option=1
C
)
fg_run costsync -c "$badci"
fg_eq "malformed conninfo exits 78" 78 "$FG_RC"

fg_done

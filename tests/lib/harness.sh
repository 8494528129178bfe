# harness.sh - shared setup for integration tests (source it).
#
# fg_setup starts a throwaway PostgreSQL cluster (initdb into a temp dir,
# unix socket only, random port), creates the flakeguard database and the
# Snowflake simulator database (tests/sim/*.sql), and writes an ODBC
# configuration whose DSN "snowsim" reaches the simulator through unixODBC
# and the PostgreSQL ODBC driver.  Everything is removed on exit, also when
# a test fails.  Sinks (HTTP, SMTP) are started on demand on 127.0.0.1.

set -u
FG_SOURCE_DIR=${FG_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
FG_BUILD_DIR=${FG_BUILD_DIR:-$FG_SOURCE_DIR/build}
export PATH="$FG_BUILD_DIR:$FG_BUILD_DIR/tests:$PATH"
FG_PG_BIN=${FG_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
FG_ODBC_DRIVER=${FG_ODBC_DRIVER:-$(ls /usr/lib/*/odbc/psqlodbcw.so 2>/dev/null | head -n 1)}
FG_TEST_NAME=$(basename "$0" .sh)
FG_PIDS=()
FG_FAILS=0
FG_CHECKS=0
unset FLAKEGUARD_CONFIG FLAKEGUARD_NOW PGSERVICE PGSERVICEFILE PGPASSFILE

fg_log() { printf '# %s\n' "$*" >&2; }

fg_fail() {
	printf 'FAIL: %s: %s\n' "$FG_TEST_NAME" "$*" >&2
	FG_FAILS=$((FG_FAILS + 1))
}

fg_ok() { FG_CHECKS=$((FG_CHECKS + 1)); printf 'ok %d - %s\n' "$FG_CHECKS" "$*"; }

# fg_check DESCRIPTION COMMAND...: passes when the command succeeds.
fg_check() {
	local what=$1
	shift
	if "$@"; then fg_ok "$what"; else fg_fail "$what"; fi
}

# fg_eq DESCRIPTION EXPECTED ACTUAL
fg_eq() {
	if [ "$2" == "$3" ]; then
		fg_ok "$1"
	else
		fg_fail "$1: expected '$2', got '$3'"
	fi
}

# fg_match DESCRIPTION REGEX TEXT
fg_match() {
	if printf '%s' "$3" | grep -Eq -- "$2"; then
		fg_ok "$1"
	else
		fg_fail "$1: '$3' does not match /$2/"
	fi
}

# fg_nomatch DESCRIPTION FIXED-STRING TEXT
fg_nomatch() {
	if printf '%s' "$3" | grep -Fq -- "$2"; then
		fg_fail "$1: found '$2' in output"
	else
		fg_ok "$1"
	fi
}

# fg_run CMD...: runs and captures FG_OUT, FG_ERR, FG_RC.
fg_run() {
	local o e
	o=$(mktemp "$FG_TMP/out.XXXXXX")
	e=$(mktemp "$FG_TMP/err.XXXXXX")
	"$@" >"$o" 2>"$e" </dev/null
	FG_RC=$?
	FG_OUT=$(cat "$o")
	FG_ERR=$(cat "$e")
	rm -f "$o" "$e"
}

fg_done() {
	fg_valgrind_check
	if [ "$FG_FAILS" -gt 0 ]; then
		printf '%s: %d of %d checks failed\n' "$FG_TEST_NAME" "$FG_FAILS" "$((FG_CHECKS + FG_FAILS))" >&2
		exit 1
	fi
	printf '%s: %d checks passed\n' "$FG_TEST_NAME" "$FG_CHECKS"
	exit 0
}

fg_teardown() {
	local pid
	for pid in "${FG_PIDS[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
	if [ -n "${FG_PGDATA:-}" ] && [ -f "$FG_PGDATA/postmaster.pid" ]; then
		fg_as_pg "$FG_PG_BIN/pg_ctl" -D "$FG_PGDATA" -m immediate stop >/dev/null 2>&1 || true
	fi
	for pid in "${FG_PIDS[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
	if [ -n "${FG_TMP:-}" ] && [ -z "${FG_KEEP_TMP:-}" ]; then
		rm -rf "$FG_TMP"
	fi
}

# initdb refuses to run as root: use the postgres account then.
fg_as_pg() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

fg_free_port() {
	local p
	while :; do
		p=$((20000 + RANDOM % 40000))
		if ! (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null && [ ! -e "$FG_TMP/.s.PGSQL.$p" ]; then
			echo "$p"
			return
		fi
	done
}

fg_pg_start() {
	fg_as_pg "$FG_PG_BIN/pg_ctl" -D "$FG_PGDATA" -w -t 30 -l "$FG_TMP/pg.log" \
		-o "-k $FG_TMP -p $PGPORT -c listen_addresses=''" start >/dev/null
}

fg_pg_stop() {
	fg_as_pg "$FG_PG_BIN/pg_ctl" -D "$FG_PGDATA" -w -m "${1:-fast}" stop >/dev/null
}

fg_setup() {
	set -e
	FG_TMP=$(mktemp -d /tmp/fgtest.XXXXXX)
	chmod 755 "$FG_TMP"
	trap fg_teardown EXIT
	FG_PGDATA=$FG_TMP/pgdata
	mkdir -p "$FG_PGDATA"
	[ "$(id -u)" -eq 0 ] && chown postgres "$FG_TMP" "$FG_PGDATA"
	fg_as_pg "$FG_PG_BIN/initdb" -D "$FG_PGDATA" -U postgres -A trust -E UTF8 --no-locale \
		--no-sync >"$FG_TMP/initdb.log" 2>&1 || { cat "$FG_TMP/initdb.log" >&2; return 1; }
	cat >>"$FG_PGDATA/postgresql.conf" <<CONF
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 60
shared_buffers = 64MB
log_min_messages = warning
CONF
	export PGHOST=$FG_TMP PGUSER=postgres PGDATABASE=flakeguard
	PGPORT=$(fg_free_port)
	export PGPORT
	fg_pg_start
	psql -q -X -d postgres -c "CREATE DATABASE flakeguard" -c "CREATE DATABASE snowflake" >/dev/null
	local f
	for f in "$FG_SOURCE_DIR"/tests/sim/*.sql; do
		psql -q -X -v ON_ERROR_STOP=1 -d snowflake -f "$f" >/dev/null
	done
	mkdir -p "$FG_TMP/odbc"
	cat >"$FG_TMP/odbc/odbcinst.ini" <<INI
[PostgreSQL Unicode]
Description = PostgreSQL ODBC driver standing in for Snowflake's
Driver = $FG_ODBC_DRIVER
INI
	cat >"$FG_TMP/odbc/odbc.ini" <<INI
[snowsim]
Driver = PostgreSQL Unicode
Servername = $FG_TMP
Port = $PGPORT
Database = snowflake
Username = postgres
UseDeclareFetch = 1
Fetch = 2000
# Snowflake describes text as VARCHAR(16777216); psqlODBC's default of
# 8190 would make the stand-in refuse names Snowflake's driver returns.
MaxLongVarcharSize = 16777216
INI
	export ODBCSYSINI=$FG_TMP/odbc ODBCINI=$FG_TMP/odbc/odbc.ini
	FG_SIM_ODBC="DSN=snowsim"
	fg_valgrind_wrappers
	set +e
}

# Under FG_VALGRIND=1 (scripts/test --valgrind) every tool runs inside
# valgrind memcheck; an error or a definite leak makes it exit 99, and
# fg_done fails the test when any run left a report, whatever its exit
# status was (a test may expect a failure exit).
fg_valgrind_wrappers() {
	[ -n "${FG_VALGRIND:-}" ] || return 0
	local t
	mkdir -p "$FG_TMP/vgbin" "$FG_TMP/vglog"
	for t in costsync budgetcheck notifyd-once snapshot secscan; do
		cat >"$FG_TMP/vgbin/$t" <<W
#!/bin/sh
exec valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \\
	--log-file=$FG_TMP/vglog/$t.%p.log \\
	--suppressions=$FG_SOURCE_DIR/tests/valgrind.supp $FG_BUILD_DIR/$t "\$@"
W
		chmod +x "$FG_TMP/vgbin/$t"
	done
	export PATH="$FG_TMP/vgbin:$PATH"
}

# fg_timed: true when wall-clock bounds mean something, that is not under
# valgrind, which slows every tool 20-50 times.  Guard checks of elapsed
# time and of leases with it: fg_timed && fg_check ...
fg_timed() { [ -z "${FG_VALGRIND:-}" ]; }

# fg_valgrind_check: one failed check per tool run that valgrind reported on.
fg_valgrind_check() {
	[ -n "${FG_VALGRIND:-}" ] && [ -d "${FG_TMP:-}/vglog" ] || return 0
	local f
	for f in "$FG_TMP"/vglog/*.log; do
		[ -s "$f" ] || continue
		FG_FAILS=$((FG_FAILS + 1))
		printf 'FAIL: valgrind reported on %s:\n' "${f##*/}" >&2
		cat "$f" >&2
	done
}

# fg_sim SQL: run SQL against the simulator database; prints unaligned rows.
fg_sim() { psql -X -q -At -v ON_ERROR_STOP=1 -d snowflake -c "$1"; }
# fg_sql SQL: run SQL against the flakeguard database.
fg_sql() { psql -X -q -At -v ON_ERROR_STOP=1 -d flakeguard -c "SET search_path = flakeguard" -c "$1"; }

# fg_kill_sleepers: end server sessions parked in pg_sleep by a test.
fg_kill_sleepers() {
	psql -X -q -At -d postgres -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
		WHERE query LIKE '%pg_sleep(%' AND pid <> pg_backend_pid()" >/dev/null 2>&1 || true
}

# fg_config NAME <<EOF ...: write a config file (mode 600), print its path.
fg_config() {
	local path=$FG_TMP/$1
	umask 077
	cat >"$path"
	umask 022
	echo "$path"
}

# fg_refuses_channel_key NAME URL LINE...: for each LINE, a webhook
# channel NAME at URL with LINE as its last key (line 6) is refused by
# --check-config with 78 and FILE:LINE.
fg_refuses_channel_key() {
	local name=$1 url=$2 bad c
	shift 2
	for bad in "$@"; do
		c=$(fg_config bad.conf <<C
[database]
conninfo =
[channel $name]
type = webhook
url = $url
$bad
C
)
		fg_run notifyd-once -c "$c" --check-config
		fg_eq "$bad exits 78" 78 "$FG_RC"
		fg_match "$bad: FILE:LINE" "bad.conf:6: " "$FG_ERR"
	done
}

# fg_wait_file PATH: wait up to 10 s for a file to appear.
fg_wait_file() {
	local i
	for i in $(seq 1 200); do
		[ -s "$1" ] && return 0
		sleep 0.05
	done
	echo "timed out waiting for $1" >&2
	return 1
}

# fg_httpsink NAME [fg-httpsink options]: start a sink; sets
# FG_SINK_URL (http://127.0.0.1:PORT), FG_SINK_DIR and FG_SINK_PID.
fg_httpsink() {
	local name=$1
	shift
	FG_SINK_DIR=$FG_TMP/sink-$name
	mkdir -p "$FG_SINK_DIR"
	fg-httpsink --dir "$FG_SINK_DIR" --port-file "$FG_SINK_DIR/port" "$@" &
	FG_SINK_PID=$!
	FG_PIDS+=("$FG_SINK_PID")
	fg_wait_file "$FG_SINK_DIR/port"
	FG_SINK_URL="http://127.0.0.1:$(cat "$FG_SINK_DIR/port")"
}

# fg_smtpsink NAME [smtpsink options]: start an SMTP sink; sets
# FG_SMTP_URL (smtp://127.0.0.1:PORT, smtps:// with --smtps), FG_SMTP_DIR
# and FG_SMTP_PID.  TLS options: --tls-cert F --tls-key F with --starttls,
# --require-starttls or --smtps.
fg_smtpsink() {
	local name=$1
	shift
	FG_SMTP_DIR=$FG_TMP/smtp-$name
	mkdir -p "$FG_SMTP_DIR"
	/usr/bin/python3 "$FG_SOURCE_DIR/tests/sinks/smtpsink.py" --dir "$FG_SMTP_DIR" \
		--port-file "$FG_SMTP_DIR/port" "$@" 2>"$FG_SMTP_DIR/stderr" &
	FG_SMTP_PID=$!
	FG_PIDS+=("$FG_SMTP_PID")
	fg_wait_file "$FG_SMTP_DIR/port"
	local scheme=smtp a
	for a in "$@"; do [ "$a" = --smtps ] && scheme=smtps; done
	FG_SMTP_URL="$scheme://127.0.0.1:$(cat "$FG_SMTP_DIR/port")"
}

# Requests recorded by an HTTP sink, one JSON object per line.
fg_sink_requests() { cat "${1:-$FG_SINK_DIR}/requests.jsonl" 2>/dev/null; }
fg_sink_count() { fg_sink_requests "${1:-$FG_SINK_DIR}" | wc -l | tr -d ' '; }

#!/usr/bin/env bash
# Snowflake failing in the middle of a query, for costsync and secscan:
# a view that sleeps past the connector's query_timeout (enforced through
# SQL_ATTR_QUERY_TIMEOUT, no session setting) and a view whose query
# fails while it runs.  Each gives one clear line naming the connector and
# the view; a timeout exits 75 and the connector's work is rolled back;
# the healthy connector is synced and scanned as if nothing happened.
. "$(dirname "$0")/../lib/harness.sh"
. "$FG_SOURCE_DIR/tests/lib/faults.sh"
fg_setup
fg_sim "SELECT account_usage.generate_costs('2026-03-01', 14, 2, 3)" >/dev/null
fg_sim "SELECT account_usage.seed_security('$FLAKEGUARD_NOW')" >/dev/null

# Two more simulated accounts, told apart by their login (three-part
# names always resolve in the simulator database): for "slowbot"
# STORAGE_USAGE and LOGIN_HISTORY sleep for 60 s, for "badbot" they fail
# while running.
fg_sim "CREATE ROLE slowbot LOGIN SUPERUSER; CREATE ROLE badbot LOGIN SUPERUSER" >/dev/null
psql -X -q -v ON_ERROR_STOP=1 -d snowflake >/dev/null <<'SQL'
CREATE FUNCTION account_usage.trouble() RETURNS boolean LANGUAGE plpgsql VOLATILE AS $$
BEGIN
	IF current_user = 'slowbot' THEN
		PERFORM pg_sleep(60);
	ELSIF current_user = 'badbot' THEN
		RAISE EXCEPTION 'simulated warehouse failure' USING ERRCODE = 'XX000';
	END IF;
	RETURN true;
END $$;
ALTER TABLE account_usage.storage_usage RENAME TO storage_usage_t;
CREATE VIEW account_usage.storage_usage AS
	SELECT * FROM account_usage.storage_usage_t WHERE (SELECT account_usage.trouble());
ALTER TABLE account_usage.login_history RENAME TO login_history_t;
CREATE VIEW account_usage.login_history AS
	SELECT * FROM account_usage.login_history_t WHERE (SELECT account_usage.trouble());
SQL

conf() { # NAME CONNECTOR-SECTIONS
	fg_config "$1" <<C
[database]
conninfo =
$2
[secscan]
ioc_ip_file = $FG_SOURCE_DIR/data/unc5537-ips.txt
C
}
section() { # NAME ODBC-EXTRA [MORE]
	printf '[connector %s]\nodbc = %s%s\ncredit_price = 3.00\nbackfill_days = 14\n%s\n' "$1" "$FG_SIM_ODBC" "$2" "${3:-}"
}
good=$(conf good.conf "$(section good '')")
cfg=$(conf sf.conf "$(section good '')
$(section slow ';Username=slowbot' 'query_timeout = 1')
$(section bad ';Username=badbot')")

# The healthy connector alone, in a scratch database: what it must get.
psql -X -q -d postgres -c "CREATE DATABASE alone" >/dev/null
PGDATABASE=alone costsync -c "$good" || fg_fail "costsync alone"
PGDATABASE=alone secscan -c "$good" >/dev/null || fg_fail "secscan alone"
PGDATABASE=alone flt_digest | grep -v '^sec_sources\|^sec_scans' >"$FG_TMP/want"

start=$(date +%s%N)
fg_run costsync -c "$cfg" --connector slow
took=$((($(date +%s%N) - start) / 1000000))
fg_eq "costsync: query timeout exits 75" 75 "$FG_RC"
fg_check "costsync: the timeout is enforced (${took} ms)" test "$took" -lt 15000
fg_eq "costsync: one line" 1 "$(printf '%s\n' "$FG_ERR" | wc -l)"
fg_match "costsync: the line names connector, view and timeout" \
	"^costsync: error: connector 'slow': cannot read STORAGE_USAGE .*SQLSTATE (57014|HYT00).*(timeout|cancel)" "$FG_ERR"
fg_eq "costsync: nothing written for the timed-out connector" 0 "$(flt_count daily_costs)"

fg_run costsync -c "$cfg" --connector bad
fg_eq "costsync: a query failing while it runs exits 75 (a refusal is 69)" 75 "$FG_RC"
fg_eq "costsync: one line" 1 "$(printf '%s\n' "$FG_ERR" | wc -l)"
fg_match "costsync: the line names connector, view and the error" \
	"^costsync: error: connector 'bad': cannot read STORAGE_USAGE .*simulated warehouse failure" "$FG_ERR"

fg_run costsync -c "$cfg"
fg_eq "costsync: some connectors failed: exit 75" 75 "$FG_RC"
fg_eq "costsync: one line per failed connector" "bad slow" \
	"$(printf '%s\n' "$FG_ERR" | sed -n "s/^costsync: error: connector '\([a-z]*\)'.*/\1/p" | sort | tr '\n' ' ' | sed 's/ $//')"
fg_eq "costsync: only the failed connectors" 2 "$(printf '%s\n' "$FG_ERR" | wc -l)"

start=$(date +%s%N)
fg_run secscan -c "$cfg" --connector slow
took=$((($(date +%s%N) - start) / 1000000))
fg_eq "secscan: query timeout exits 75" 75 "$FG_RC"
fg_check "secscan: the timeout is enforced (${took} ms)" test "$took" -lt 15000
fg_eq "secscan: one line" 1 "$(printf '%s\n' "$FG_ERR" | wc -l)"
fg_match "secscan: the line names connector, view and timeout" \
	"^secscan: error: connector 'slow': cannot read LOGIN_HISTORY .*SQLSTATE (57014|HYT00)" "$FG_ERR"
fg_eq "secscan: the timed-out scan is rolled back" 0 "$(flt_count sec_users "connector = 'slow'")"

# A view Snowflake refuses to read is not a temporary failure: secscan
# says so once, as a warning (the run succeeds), reports the view's rules
# as not evaluated and scans the rest.
fg_run secscan -c "$cfg" --connector bad --json
fg_eq "secscan: failing view: the other rules still run (exit 0)" 0 "$FG_RC"
fg_eq "secscan: one line" 1 "$(printf '%s\n' "$FG_ERR" | grep -c .)"
fg_match "secscan: the line names connector, view, the error and the rules" \
	"^secscan: warning: connector 'bad': cannot read SNOWFLAKE.ACCOUNT_USAGE.LOGIN_HISTORY: .*simulated warehouse failure.*; not evaluated: " "$FG_ERR"
fg_check "secscan: the view's rules are reported not evaluated" \
	test "$(jq '[.not_evaluated[] | select(.rule == "failed-login-burst-ip")] | length' <<<"$FG_OUT")" -ge 1

fg_run secscan -c "$cfg"
fg_eq "secscan: a connector timed out: exit 75" 75 "$FG_RC"
fg_eq "secscan: nothing kept for the timed-out connector" 0 "$(flt_count findings "connector = 'slow'")"

flt_digest | grep -v '^sec_sources\|^sec_scans\|"connector": "bad"' >"$FG_TMP/got"
fg_check "the healthy connector's costs, findings and outbox equal a run without the others" \
	cmp -s "$FG_TMP/want" "$FG_TMP/got" || diff "$FG_TMP/want" "$FG_TMP/got" | head -n 5 >&2
fg_kill_sleepers
fg_done

#!/usr/bin/env bash
# A permanent mistake is a configuration error (78), not a temporary one:
# an unknown database or role, an ODBC data source or driver that does not
# exist.  75 stays for what a later run can fix by itself (server down).
. "$(dirname "$0")/../lib/harness.sh"
fg_setup
export FLAKEGUARD_NOW=2026-03-15T10:00:00Z

conf() { # NAME CONNINFO [ODBC]
	fg_config "$1.conf" <<C
[database]
conninfo = $2
[connector prod]
odbc = ${3:-$FG_SIM_ODBC}
credit_price = 3.00
backfill_days = 3
C
}

fg_run budgetcheck -c "$(conf nodb dbname=no_such_database)"
fg_eq "unknown database exits 78" 78 "$FG_RC"
fg_match "unknown database: one line saying what to fix" \
	"^budgetcheck: error: cannot connect to PostgreSQL: .*no_such_database.* does not exist; fix the database, user or password in \[database\] conninfo$" "$FG_ERR"
fg_run snapshot -c "$(conf norole user=no_such_role)"
fg_eq "unknown role exits 78" 78 "$FG_RC"
fg_match "unknown role named" "no_such_role" "$FG_ERR"
fg_run budgetcheck -c "$(conf down 'host=127.0.0.1 port=1')"
fg_eq "a server that is down stays temporary: 75" 75 "$FG_RC"

fg_run costsync -c "$(conf nodsn "" DSN=no_such_dsn)"
fg_eq "costsync: an ODBC data source that does not exist exits 78" 78 "$FG_RC"
fg_match "the line names the connector, the diagnostic and what to check" \
	"^costsync: error: connector 'prod': cannot connect through ODBC: SQLSTATE IM002: .*; check the connector's odbc string, odbc.ini and the credentials$" "$FG_ERR"
fg_eq "costsync: one line" 1 "$(printf '%s\n' "$FG_ERR" | grep -c .)"
fg_run costsync -c "$(conf nodriver "" "Driver=No Such Driver;Server=x")"
fg_eq "costsync: an ODBC driver that does not exist exits 78" 78 "$FG_RC"
fg_run costsync -c "$(conf unreachable "" "Driver=PostgreSQL Unicode;Servername=$FG_TMP/nowhere;Port=1;Database=snowflake")"
fg_eq "costsync: Snowflake unreachable stays temporary: 75" 75 "$FG_RC"
fg_done

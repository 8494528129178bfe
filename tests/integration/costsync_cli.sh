#!/usr/bin/env bash
# costsync command line and configuration: options, bad dates and names
# (64), every bad [connector] key reported with FILE:LINE (78), enabled
# and disabled connectors, rate-sheet problems, and the man page covering
# every option.
. "$(dirname "$0")/../lib/harness.sh"
fg_setup
export FLAKEGUARD_NOW=2026-03-15T10:00:00Z

fg_run costsync --help
fg_eq "--help exits 0" 0 "$FG_RC"
for o in connector since until dry-run json; do
	fg_match "--help shows --$o" "--$o" "$FG_OUT"
done
man=$FG_SOURCE_DIR/man/costsync.1
for o in $(printf '%s\n' "$FG_OUT" | grep -Eo -- '^ +(-[a-zA-Z], )?--[a-z-]+' | grep -Eo -- '--[a-z-]+'); do
	fg_check "man page documents $o" grep -Eq -- "Fl (Fl |-)${o#--}( |$)" "$man"
done
if command -v mandoc >/dev/null; then
	fg_eq "man page is mandoc -Tlint clean" "" "$(mandoc -Tlint -W warning "$man" 2>&1)"
fi

ok=$(fg_config ok.conf <<C
[database]
conninfo =
[connector prod]
odbc = $FG_SIM_ODBC
credit_price = 3
[connector off]
odbc = $FG_SIM_ODBC
credit_price = 3
enabled = false
C
)
fg_run costsync -c "$ok" --since 2026-02-30
fg_eq "impossible date exits 64" 64 "$FG_RC"
fg_match "bad date is named" "invalid --since '2026-02-30': expected a date as YYYY-MM-DD" "$FG_ERR"
fg_run costsync -c "$ok" --until yesterday
fg_eq "non-date --until exits 64" 64 "$FG_RC"
fg_run costsync -c "$ok" --since 2026-03-10 --until 2026-03-01
fg_eq "--since after --until exits 64" 64 "$FG_RC"
fg_run costsync -c "$ok" --since 2026-04-01
fg_eq "--since after today exits 64" 64 "$FG_RC"
fg_match "empty window explained" "empty window 2026-04-01\.\.2026-03-15" "$FG_ERR"
fg_run costsync -c "$ok" --connector prod --connector nope
fg_eq "unknown --connector exits 64" 64 "$FG_RC"
fg_match "unknown connector is named" "unknown connector 'nope'" "$FG_ERR"
fg_eq "nothing synced after a usage error" "0" "$(fg_sql "SELECT count(*) FROM daily_costs")"

fg_run costsync -c "$ok" --json
fg_eq "enabled connectors only by default" "prod" "$(printf '%s' "$FG_OUT" | jq -r '[.connectors[].connector] | join(",")')"
fg_run costsync -c "$ok" --json --connector off
fg_eq "a disabled connector runs when named" "off:ok" \
	"$(printf '%s' "$FG_OUT" | jq -r '[.connectors[] | .connector + ":" + .status] | join(",")')"

none=$(fg_config none.conf <<C
[database]
conninfo =
C
)
fg_run costsync -c "$none"
fg_eq "no connector: exit 0" 0 "$FG_RC"
fg_eq "no connector: silent" "" "$FG_ERR$FG_OUT"

bad=$(fg_config bad.conf <<C
[database]
conninfo =
[connector a]
odbc = $FG_SIM_ODBC
credit_price = three
currency = usd
lookback_days = -1
backfill_days = 0
fetch_rows = 0
query_timeout = forever
enabled = maybe
[connector b]
credit_price = 1
[connector c]
odbc = $FG_SIM_ODBC
storage_price_tb_month = -2
C
)
fg_run costsync -c "$bad"
fg_eq "bad connector keys exit 78" 78 "$FG_RC"
fg_match "credit_price FILE:LINE" "bad.conf:5: credit_price: 'three' is not a decimal number" "$FG_ERR"
fg_match "currency FILE:LINE" "bad.conf:6: currency: 'usd' is not a currency code" "$FG_ERR"
fg_match "lookback_days FILE:LINE" "bad.conf:7: lookback_days: -1 is out of range" "$FG_ERR"
fg_match "backfill_days FILE:LINE" "bad.conf:8: backfill_days: 0 is out of range" "$FG_ERR"
fg_match "fetch_rows FILE:LINE" "bad.conf:9: fetch_rows: 0 is out of range" "$FG_ERR"
fg_match "query_timeout FILE:LINE" "bad.conf:10: query_timeout: 'forever' is not a duration" "$FG_ERR"
fg_match "enabled FILE:LINE" "bad.conf:11: enabled: 'maybe' is not a boolean" "$FG_ERR"
fg_match "missing odbc names the section" "bad.conf:[0-9]+: missing odbc.*\[connector b\]" "$FG_ERR"
fg_match "negative price" "bad.conf:16: storage_price_tb_month: '-2' must be 0 or more" "$FG_ERR"
fg_match "missing credit_price" "missing credit_price.*\[connector c\]" "$FG_ERR"
fg_nomatch "a refused credit_price is one error, not also 'missing'" "missing credit_price.*\[connector a\]" "$FG_ERR"
fg_eq "one line per problem: 10 problems, 10 lines" 10 "$(printf '%s\n' "$FG_ERR" | grep -c .)"
fg_eq "config errors are found before any sync" "0" "$(fg_sql "SELECT count(*) FROM daily_costs")"

# Organisation rates: wrong currency (78), no rate and no fallback (65).
fg_sim "SELECT account_usage.generate_costs('2026-03-10', 6, 1, 1)" >/dev/null
fg_sim "INSERT INTO account_usage.warehouse_metering_history VALUES
        ('2026-03-09 10:00+00', '2026-03-09 11:00+00', 1, 'WH_001', 1, 1, 0, 0)" >/dev/null
eur=$(fg_config eur.conf <<C
[database]
conninfo =
[connector org]
odbc = $FG_SIM_ODBC
use_org_rates = true
currency = EUR
C
)
fg_run costsync -c "$eur"
fg_eq "rate sheet in another currency exits 78" 78 "$FG_RC"
fg_match "currency mismatch explained" "RATE_SHEET_DAILY rates are in 'USD' but currency = EUR" "$FG_ERR"
sed -i 's/EUR/USD/' "$eur"
fg_run costsync -c "$eur" --since 2026-03-08 --until 2026-03-15
fg_eq "credits before the first rate, no credit_price: exit 65" 65 "$FG_RC"
fg_match "missing rate names the day" "no rate in RATE_SHEET_DAILY on or before 2026-03-09" "$FG_ERR"
fg_sim "DELETE FROM account_usage.warehouse_metering_history WHERE start_time < '2026-03-10 00:00+00'" >/dev/null
fg_run costsync -c "$eur" --since 2026-03-08 --until 2026-03-15
fg_eq "days without credits need no rate" 0 "$FG_RC"

fg_done

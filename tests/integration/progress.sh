#!/usr/bin/env bash
# Long runs show progress on a terminal, and nothing without one.
. "$(dirname "$0")/../lib/harness.sh"
fg_setup
export FLAKEGUARD_NOW=2026-04-02T00:05:00Z TERM=xterm
cfg=$(fg_config p.conf <<'C'
[database]
conninfo =
[connector prod]
odbc = DSN=none
credit_price = 3.00
[budget a]
connector = prod
amount = 1000
[budget b]
connector = prod
amount = 100
period = daily
C
)
snapshot -c "$cfg" --date 2026-01-01 --no-prune || fg_fail "migrate"
fg_sql "INSERT INTO daily_costs (connector, day, service_type, entity, cost, currency)
 SELECT 'prod', d::date, 'WAREHOUSE_METERING', 'WH' || w, w, 'USD'
 FROM generate_series('2025-06-01'::date, '2026-04-01'::date, '1 day') d, generate_series(1, 5) w"
# A pseudo-terminal from script(1): progress appears, then the line is cleared.
script -qec "snapshot -c '$cfg' --since 2025-09-01 --until 2026-04-01 --no-prune" "$FG_TMP/tty.log" >/dev/null
out=$(tr '\r' '\n' <"$FG_TMP/tty.log")
fg_match "progress with count, rate and ETA on a terminal" "building budget history: [0-9]+/213 days \([0-9]+/s, ETA [0-9]+s\)" "$out"
# Without a terminal (cron, pipes): silent.
fg_run snapshot -c "$cfg" --since 2026-03-01 --until 2026-04-01 --no-prune
fg_eq "no progress without a terminal" "" "$FG_ERR"

# costsync shows the rows it streams while Snowflake answers slowly.
fg_sim "SELECT account_usage.generate_costs('2026-01-01', 60, 3, 5)" >/dev/null
fg_sim "ALTER TABLE account_usage.warehouse_metering_history RENAME TO wmh_real;
 CREATE VIEW account_usage.warehouse_metering_history AS
 WITH s AS MATERIALIZED (SELECT pg_sleep(1)) SELECT w.* FROM account_usage.wmh_real w, s"
sync=$(fg_config sync.conf <<C
[database]
conninfo =
[connector sim]
odbc = $FG_SIM_ODBC
credit_price = 3.00
backfill_days = 120
C
)
script -qec "costsync -c '$sync'" "$FG_TMP/tty2.log" >/dev/null
out=$(tr '\r' '\n' <"$FG_TMP/tty2.log")
fg_match "costsync progress on a terminal" "connector 'sim': WAREHOUSE_METERING_HISTORY: [0-9]+ rows \([0-9]+/s\)" "$out"
fg_done

#!/usr/bin/env bash
# costsync totals: every day and service type equals what the simulator's
# hourly tables say, to the cent, computed here independently: warehouse
# compute per warehouse, cloud services after the daily 10 % adjustment,
# serverless services, storage priced per TB-month pro rata, transfer
# bytes; UTC days whatever the session time zone (a UTC-midnight boundary
# case); organisation rates filled forward; odd warehouse names verbatim;
# re-running is idempotent.
. "$(dirname "$0")/../lib/harness.sh"
fg_setup
export FLAKEGUARD_NOW=2026-03-15T10:00:00Z

# Snowflake accounts default to America/Los_Angeles: so does the simulator
# here, so a day taken in the session time zone would land wrong.
fg_sim "ALTER DATABASE snowflake SET timezone = 'America/Los_Angeles'" >/dev/null
fg_sim "SELECT account_usage.generate_costs('2026-02-20', 24, 3, 7)" >/dev/null
# UTC-midnight boundary: last instant of March 10 and first of March 11.
fg_sim "INSERT INTO account_usage.warehouse_metering_history VALUES
 ('2026-03-10 23:59:59.999+00', '2026-03-11 00:00:00+00', 90, 'EDGE', 1.25, 1.25, 0, 0),
 ('2026-03-11 00:00:00+00', '2026-03-11 01:00:00+00', 90, 'EDGE', 2.5, 2.5, 0, 0)"
# Names with quotes, tabs, backslashes, newlines, unicode, 255 characters.
LONG=$(printf 'W%.0s' $(seq 1 255))
fg_sim "INSERT INTO account_usage.warehouse_metering_history VALUES
 ('2026-03-12 05:00+00', '2026-03-12 06:00+00', 91, 'it''s \"q\" a	b\\c', 0.5, 0.5, 0, 0),
 ('2026-03-12 05:00+00', '2026-03-12 06:00+00', 92, 'Lagerhaus Zürich ☃ 東京', 0.75, 0.75, 0, 0),
 ('2026-03-12 05:00+00', '2026-03-12 06:00+00', 93, '$LONG', 1, 1, 0, 0),
 ('2026-03-12 05:00+00', '2026-03-12 06:00+00', 94, E'two\\nlines\\r\\\\N', 0.25, 0.25, 0, 0)"
# An unknown service type with a NULL cloud-services value, a negative
# adjustment on its own, and a NULL compute value: stored as they are.
fg_sim "INSERT INTO account_usage.metering_daily_history VALUES
 ('NEW_FANCY_SERVICE', '2026-03-13', 4.000000001, NULL, 4.000000001, 0, 4.000000001),
 ('SNOWPIPE_STREAMING', '2026-03-13', NULL, 0.5, 0.5, -0.75, -0.25)"

cfg=$(fg_config costsync.conf <<C
[database]
conninfo =

[connector prod]
odbc = $FG_SIM_ODBC
credit_price = 3.00
storage_price_tb_month = 23.00
currency = USD
backfill_days = 20

[connector euro]
odbc = $FG_SIM_ODBC
use_org_rates = true
credit_price = 9.99
storage_price_tb_month = 20
transfer_price_tb = 90
currency = USD
backfill_days = 20
fetch_rows = 7
C
)

fg_run costsync -c "$cfg"
fg_eq "first sync exits 0" 0 "$FG_RC"
fg_eq "first sync is silent" "" "$FG_ERR$FG_OUT"
fg_eq "watermark is today" "prod|2026-03-15 euro|2026-03-15" \
	"$(fg_sql "SELECT connector || '|' || last_synced_day FROM connector_state ORDER BY connector DESC" | tr '\n' ' ' | sed 's/ $//')"
fg_eq "backfill window starts backfill_days back" "2026-02-24" \
	"$(fg_sql "SELECT min(day) FROM daily_costs WHERE connector = 'prod'")"

# Expected rows, from the hourly tables, per (day, service, entity).
WIN="BETWEEN '2026-02-24' AND '2026-03-15'"
UTC="CAST(start_time AT TIME ZONE 'UTC' AS date)"
expected() { # $1 credit price expression (per day d), $2 storage price, $3 transfer price
	fg_sim "
WITH wh AS (
  SELECT $UTC AS d, 'WAREHOUSE_METERING' AS svc, warehouse_name AS ent, sum(credits_used_compute) AS cr
  FROM account_usage.warehouse_metering_history GROUP BY 1, 3),
sv AS (
  SELECT $UTC AS d, service_type AS svc, '' AS ent, sum(credits_used_compute) AS cr
  FROM account_usage.metering_history GROUP BY 1, 2
  UNION ALL SELECT usage_date, service_type, '', credits_used_compute
  FROM account_usage.metering_daily_history WHERE service_type IN ('NEW_FANCY_SERVICE', 'SNOWPIPE_STREAMING')),
cs AS (
  SELECT d, sum(cs) AS c FROM (
    SELECT $UTC AS d, credits_used_cloud_services AS cs FROM account_usage.warehouse_metering_history
    UNION ALL SELECT $UTC, credits_used_cloud_services FROM account_usage.metering_history) x GROUP BY d),
w AS (
  SELECT $UTC AS d, sum(credits_used_compute) AS c FROM account_usage.warehouse_metering_history
  WHERE warehouse_name LIKE 'WH\\_%' GROUP BY 1),
cloud AS (
  SELECT cs.d, 'CLOUD_SERVICES' AS svc, '' AS ent, cs.c - LEAST(cs.c, round(0.1 * w.c, 9))
         + CASE WHEN cs.d = '2026-03-13' THEN 0.5 - 0.75 ELSE 0 END AS cr
  FROM cs JOIN w USING (d)),
credits AS (SELECT * FROM wh UNION ALL SELECT * FROM sv UNION ALL SELECT * FROM cloud),
st AS (
  SELECT usage_date AS d, 'STORAGE' AS svc, '' AS ent,
         (storage_bytes + stage_bytes + failsafe_bytes) * $2
         / (1099511627776 * extract(day FROM date_trunc('month', usage_date) + interval '1 month - 1 day')) AS cost
  FROM account_usage.storage_usage),
tr AS (
  SELECT $UTC AS d, 'DATA_TRANSFER' AS svc, '' AS ent,
         coalesce(sum(bytes_transferred::numeric) * $3 / 1099511627776, 0) AS cost
  FROM account_usage.data_transfer_history GROUP BY 1),
rates AS (
  SELECT g::date AS d, (SELECT effective_rate FROM organization_usage.rate_sheet_daily r
                        WHERE r.date <= g::date ORDER BY r.date DESC LIMIT 1) AS rate
  FROM generate_series('2026-02-24'::date, '2026-03-15', '1 day') g),
allrows AS (
  SELECT c.d, svc, ent, coalesce(c.cr * $1, 0) AS cost FROM credits c JOIN rates USING (d)
  UNION ALL SELECT * FROM st UNION ALL SELECT * FROM tr)
SELECT d || '|' || svc || '|' || md5(ent) || '|' || round(cost, 2) FROM allrows WHERE d $WIN ORDER BY 1"
}
actual() {
	fg_sql "SELECT day || '|' || service_type || '|' || md5(entity) || '|' || round(cost, 2)
	        FROM daily_costs WHERE connector = '$1' ORDER BY 1"
}
expected 3.00 23.00 NULL >"$FG_TMP/exp.prod"
actual prod >"$FG_TMP/act.prod"
fg_check "prod: every day, service and warehouse equals the hourly truth to the cent" \
	diff "$FG_TMP/exp.prod" "$FG_TMP/act.prod"
fg_eq "prod: row count" "$(wc -l <"$FG_TMP/exp.prod")" \
	"$(fg_sql "SELECT count(*) FROM daily_costs WHERE connector = 'prod'")"

expected "rate" 20 90 >"$FG_TMP/exp.euro"
actual euro >"$FG_TMP/act.euro"
fg_check "euro: organisation rates filled forward, storage and transfer priced" \
	diff "$FG_TMP/exp.euro" "$FG_TMP/act.euro"

# Spot checks a reader can verify by hand.
fg_eq "UTC-midnight boundary: 23:59:59.999 belongs to its own day" "2026-03-10|1.25|3.7500 2026-03-11|2.5|7.5000" \
	"$(fg_sql "SELECT day || '|' || credits::float8 || '|' || round(cost, 4) FROM daily_costs
	           WHERE connector = 'prod' AND entity = 'EDGE' ORDER BY day" | tr '\n' ' ' | sed 's/ $//')"
fg_eq "quotes, tab and backslash stored verbatim" "1" \
	"$(fg_sql "SELECT count(*) FROM daily_costs WHERE entity = E'it''s \"q\" a\\tb\\\\c' AND connector = 'prod'")"
fg_eq "newline, carriage return and a literal \\N stored verbatim" "0.25" \
	"$(fg_sql "SELECT credits::float8 FROM daily_costs WHERE entity = E'two\\nlines\\r\\\\N' AND connector = 'prod'")"
fg_eq "unicode name stored verbatim" "0.75" \
	"$(fg_sql "SELECT credits::float8 FROM daily_costs WHERE entity = 'Lagerhaus Zürich ☃ 東京' AND connector = 'prod'")"
fg_eq "255-character name stored verbatim" "255" \
	"$(fg_sql "SELECT length(entity) FROM daily_costs WHERE entity = '$LONG' AND connector = 'prod'")"
fg_eq "unknown service type kept with its credits" "4.000000001|12.00000000300" \
	"$(fg_sql "SELECT credits || '|' || cost FROM daily_costs WHERE service_type = 'NEW_FANCY_SERVICE' AND connector = 'prod'")"
fg_eq "NULL compute stays NULL, costing 0" "NULL|0" \
	"$(fg_sql "SELECT coalesce(credits::text, 'NULL') || '|' || cost FROM daily_costs WHERE service_type = 'SNOWPIPE_STREAMING' AND connector = 'prod'")"
fg_eq "storage quantity is average bytes" \
	"$(fg_sim "SELECT storage_bytes + stage_bytes + failsafe_bytes FROM account_usage.storage_usage WHERE usage_date = '2026-03-01'")" \
	"$(fg_sql "SELECT quantity FROM daily_costs WHERE connector = 'prod' AND day = '2026-03-01' AND service_type = 'STORAGE'")"
fg_eq "transfer unpriced without transfer_price_tb" "0" \
	"$(fg_sql "SELECT sum(cost) FROM daily_costs WHERE connector = 'prod' AND service_type = 'DATA_TRANSFER'")"
fg_eq "cost stored in the connector's currency" "USD" \
	"$(fg_sql "SELECT string_agg(DISTINCT currency, ',') FROM daily_costs")"
adjusted=$(fg_sql "SELECT count(*) FILTER (WHERE cost > 0) || '|' || count(*) FILTER (WHERE cost = 0)
                   FROM daily_costs WHERE connector = 'prod' AND service_type = 'CLOUD_SERVICES' AND day <> '2026-03-13'")
fg_match "cloud services: some days billed, some fully adjusted away" "^[1-9][0-9]*\|[1-9][0-9]*$" "$adjusted"

# Idempotent: a second run changes nothing, not even updated_at.
before=$(fg_sql "SELECT md5(string_agg(t::text, ',' ORDER BY connector, day, service_type, entity)) FROM daily_costs t")
FLAKEGUARD_NOW=2026-03-15T11:00:00Z fg_run costsync -c "$cfg" --json
fg_eq "second run exits 0" 0 "$FG_RC"
fg_eq "second run changes no row" "$before" \
	"$(fg_sql "SELECT md5(string_agg(t::text, ',' ORDER BY connector, day, service_type, entity)) FROM daily_costs t")"
fg_eq "json: re-read the lookback window" "2026-03-08..2026-03-15" \
	"$(printf '%s' "$FG_OUT" | jq -r '.connectors[0].window | .since + ".." + .until')"
fg_eq "json: nothing inserted, updated or deleted" "0" \
	"$(printf '%s' "$FG_OUT" | jq '[.connectors[] | .inserted, .updated, .deleted] | add')"
fg_eq "json: money as decimal strings" "string" \
	"$(printf '%s' "$FG_OUT" | jq -r '.connectors[0].totals.WAREHOUSE_METERING.cost | type')"
fg_eq "json: totals by service type match the table" \
	"$(fg_sql "SELECT round(sum(cost), 2) FROM daily_costs WHERE connector = 'prod' AND service_type = 'WAREHOUSE_METERING' AND day >= '2026-03-08'")" \
	"$(printf '%s' "$FG_OUT" | jq -r '.connectors[0].totals.WAREHOUSE_METERING.cost')"
fg_eq "job run recorded with counts" "success|2" \
	"$(fg_sql "SELECT status || '|' || (counts->>'connectors') FROM job_runs ORDER BY id DESC LIMIT 1")"

# --connector limits the run; a disabled connector named explicitly runs.
fg_run costsync -c "$cfg" --connector euro --since 2026-03-01 --until 2026-03-02 --json
fg_eq "--connector runs only that connector" "euro" "$(printf '%s' "$FG_OUT" | jq -r '[.connectors[].connector] | join(",")')"
fg_eq "--since/--until window" "2026-03-01..2026-03-02" \
	"$(printf '%s' "$FG_OUT" | jq -r '.connectors[0].window | .since + ".." + .until')"
fg_eq "watermark never moves back" "2026-03-15" \
	"$(fg_sql "SELECT last_synced_day FROM connector_state WHERE connector = 'euro'")"

fg_done

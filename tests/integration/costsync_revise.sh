#!/usr/bin/env bash
# costsync revisions: Snowflake revises two recent days (new values, a
# service type gone); the next run replaces them, leaves every other day
# untouched and makes no duplicates.  --dry-run shows the change and writes
# nothing.  A malformed number rolls the connector back with an error
# naming view, row and column.
. "$(dirname "$0")/../lib/harness.sh"
fg_setup
export FLAKEGUARD_NOW=2026-03-15T10:00:00Z

fg_sim "SELECT account_usage.generate_costs('2026-03-01', 15, 2, 3)" >/dev/null
cfg=$(fg_config costsync.conf <<C
[database]
conninfo =
[connector prod]
odbc = $FG_SIM_ODBC
credit_price = 2.00
storage_price_tb_month = 23.00
backfill_days = 15
C
)
snap() { fg_sql "SELECT day || '|' || service_type || '|' || entity || '|' || coalesce(credits::text, '') || '|' || coalesce(quantity::text, '') || '|' || cost || '|' || updated_at FROM daily_costs ORDER BY 1"; }

fg_run costsync -c "$cfg"
fg_eq "initial sync exits 0" 0 "$FG_RC"
snap >"$FG_TMP/before"

# Revise March 13 and 14: more compute on WH_001, storage doubled, PIPE gone.
fg_sim "UPDATE account_usage.warehouse_metering_history SET credits_used_compute = credits_used_compute + 1
        WHERE warehouse_name = 'WH_001' AND start_time >= '2026-03-13 00:00+00' AND start_time < '2026-03-15 00:00+00'"
fg_sim "UPDATE account_usage.storage_usage SET storage_bytes = storage_bytes * 2 WHERE usage_date IN ('2026-03-13', '2026-03-14')"
# (PIPE's cloud services move to AUTO_CLUSTERING so the day's total stays.)
fg_sim "UPDATE account_usage.metering_daily_history a
        SET credits_used_cloud_services = a.credits_used_cloud_services + p.credits_used_cloud_services
        FROM account_usage.metering_daily_history p
        WHERE p.service_type = 'PIPE' AND a.service_type = 'AUTO_CLUSTERING' AND a.usage_date = p.usage_date
          AND p.usage_date IN ('2026-03-13', '2026-03-14');
        DELETE FROM account_usage.metering_daily_history WHERE service_type = 'PIPE' AND usage_date IN ('2026-03-13', '2026-03-14')"

# --dry-run: reads, shows, writes nothing.
runs=$(fg_sql "SELECT count(*) FROM job_runs")
state=$(fg_sql "SELECT last_synced_day || '|' || last_sync_at FROM connector_state")
FLAKEGUARD_NOW=2026-03-16T10:00:00Z fg_run costsync -c "$cfg" --dry-run
fg_eq "dry run exits 0" 0 "$FG_RC"
fg_match "dry run summary" "^prod	dry run 2026-03-08\.\.2026-03-16: [0-9]+ rows read, [0-9]+ cost rows: would insert 0, update 4, delete 2; [0-9]+ unchanged" "$FG_OUT"
fg_match "dry run lists an update" "prod	update	2026-03-13	WAREHOUSE_METERING	\"WH_001\"	[0-9.]+ -> [0-9.]+" "$FG_OUT"
fg_match "dry run lists a deletion" "prod	delete	2026-03-14	PIPE	\"\"	[0-9.]+ -> -" "$FG_OUT"
snap >"$FG_TMP/dry"
fg_check "dry run leaves daily_costs alone" cmp -s "$FG_TMP/before" "$FG_TMP/dry"
fg_eq "dry run records no job run" "$runs" "$(fg_sql "SELECT count(*) FROM job_runs")"
fg_eq "dry run leaves the watermark" "$state" "$(fg_sql "SELECT last_synced_day || '|' || last_sync_at FROM connector_state")"
FLAKEGUARD_NOW=2026-03-16T10:00:00Z fg_run costsync -c "$cfg" --dry-run --json
fg_eq "dry run --json counts" "true 4 2 0" \
	"$(printf '%s' "$FG_OUT" | jq -r '"\(.dry_run) \(.connectors[0].updated) \(.connectors[0].deleted) \(.connectors[0].inserted)"')"

FLAKEGUARD_NOW=2026-03-16T10:00:00Z fg_run costsync -c "$cfg"
fg_eq "sync after revision exits 0" 0 "$FG_RC"
snap >"$FG_TMP/after"
fg_eq "revised compute replaces the old value" \
	"$(fg_sim "SELECT sum(credits_used_compute) * 2.00 FROM account_usage.warehouse_metering_history
	           WHERE warehouse_name = 'WH_001' AND start_time >= '2026-03-13 00:00+00' AND start_time < '2026-03-14 00:00+00'")" \
	"$(fg_sql "SELECT cost FROM daily_costs WHERE day = '2026-03-13' AND entity = 'WH_001'")"
fg_eq "no duplicates" "0" \
	"$(fg_sql "SELECT count(*) FROM (SELECT 1 FROM daily_costs GROUP BY connector, day, service_type, entity HAVING count(*) > 1) d")"
fg_eq "a service type gone from a revised day is removed" "0" \
	"$(fg_sql "SELECT count(*) FROM daily_costs WHERE service_type = 'PIPE' AND day IN ('2026-03-13', '2026-03-14')")"
fg_eq "other days keep their PIPE rows" "13" "$(fg_sql "SELECT count(*) FROM daily_costs WHERE service_type = 'PIPE'")"
grep -v '^2026-03-1[34]|' "$FG_TMP/before" >"$FG_TMP/before.rest"
grep -v '^2026-03-1[34]|' "$FG_TMP/after" >"$FG_TMP/after.rest"
fg_check "untouched days are byte for byte unchanged (updated_at too)" cmp -s "$FG_TMP/before.rest" "$FG_TMP/after.rest"
fg_eq "changed rows carry the run's time" "4" \
	"$(fg_sql "SELECT count(*) FROM daily_costs WHERE updated_at = '2026-03-16T10:00:00Z'")"
fg_eq "watermark moved forward" "2026-03-16" "$(fg_sql "SELECT last_synced_day FROM connector_state")"

# A day with no source row at all (outside ACCOUNT_USAGE retention) is kept.
fg_sim "DELETE FROM account_usage.warehouse_metering_history WHERE start_time < '2026-03-03 00:00+00';
        DELETE FROM account_usage.metering_daily_history WHERE usage_date < '2026-03-03';
        DELETE FROM account_usage.storage_usage WHERE usage_date < '2026-03-03';
        DELETE FROM account_usage.data_transfer_history WHERE start_time < '2026-03-03 00:00+00'"
FLAKEGUARD_NOW=2026-03-16T10:00:00Z fg_run costsync -c "$cfg" --since 2026-03-01 --until 2026-03-05
fg_eq "re-sync past retention exits 0" 0 "$FG_RC"
fg_eq "days Snowflake no longer has are kept" "2" \
	"$(fg_sql "SELECT count(DISTINCT day) FROM daily_costs WHERE day < '2026-03-03'")"

# Bad number: NaN bytes in DATA_TRANSFER_HISTORY -> rollback, exit 65.
snap >"$FG_TMP/pre-bad"
fg_sim "UPDATE account_usage.warehouse_metering_history SET credits_used_compute = credits_used_compute + 5
        WHERE start_time >= '2026-03-15 00:00+00'"
fg_sim "INSERT INTO account_usage.data_transfer_history VALUES
        ('2026-03-15 12:00+00', '2026-03-15 12:10+00', 'AWS', 'us-west-2', 'GCP', 'us-east4', 'NaN', 'COPY')"
FLAKEGUARD_NOW=2026-03-17T10:00:00Z fg_run costsync -c "$cfg"
fg_eq "malformed number exits 65" 65 "$FG_RC"
fg_match "error names view, row and column" \
	"connector 'prod': malformed number 'NaN' in DATA_TRANSFER_HISTORY row [0-9]+ column BYTES_TRANSFERRED \(day 2026-03-15\)" "$FG_ERR"
fg_eq "one error line" "1" "$(printf '%s\n' "$FG_ERR" | wc -l)"
snap >"$FG_TMP/post-bad"
fg_check "the connector's transaction rolled back" cmp -s "$FG_TMP/pre-bad" "$FG_TMP/post-bad"
fg_eq "watermark not moved by a failed run" "2026-03-16" "$(fg_sql "SELECT last_synced_day FROM connector_state")"
fg_eq "failed run recorded" "failed|65" "$(fg_sql "SELECT status || '|' || exit_code FROM job_runs ORDER BY id DESC LIMIT 1")"

# A new contract price reaches old days when they are read again.
sed -i 's/^credit_price = 2.00/credit_price = 2.50/' "$cfg"
FLAKEGUARD_NOW=2026-03-17T10:00:00Z fg_run costsync -c "$cfg" --since 2026-03-03 --until 2026-03-05 --json
fg_eq "re-sync with a new price exits 0" 0 "$FG_RC"
fg_eq "repriced rows updated" "true" "$(printf '%s' "$FG_OUT" | jq '.connectors[0].updated > 0')"
fg_eq "repriced at the new price" "0" \
	"$(fg_sql "SELECT count(*) FROM daily_costs WHERE day BETWEEN '2026-03-03' AND '2026-03-05'
	           AND credits IS NOT NULL AND cost <> credits * 2.50")"
fg_eq "days outside the re-read range keep the old price" "0" \
	"$(fg_sql "SELECT count(*) FROM daily_costs WHERE day BETWEEN '2026-03-06' AND '2026-03-12'
	           AND credits IS NOT NULL AND cost <> credits * 2.00")"

fg_done

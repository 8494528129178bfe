#!/bin/bash
# budgetcheck and out-of-date cost data: a connector whose last synced day
# is more than max_data_age days old warns once, marks its budgets
# "stale" in --json and the table, and fails every --fail-on mode, instead
# of reading as no spend.
. "$FG_SOURCE_DIR/tests/lib/harness.sh"
fg_setup
export FLAKEGUARD_NOW=2026-03-10T18:00:00Z

conf=$(fg_config bc.conf <<CONF
[connector prod]
odbc = $FG_SIM_ODBC
[connector dev]
odbc = $FG_SIM_ODBC
max_data_age = 20
[connector lab]
odbc = $FG_SIM_ODBC
max_data_age = 0
[connector side]
odbc = $FG_SIM_ODBC
[budget prod-a]
connector = prod
amount = 1000
[budget prod-b]
connector = prod
amount = 1000
scope = warehouse:ETL_WH
[budget dev]
connector = dev
amount = 1000
[budget lab]
connector = lab
amount = 1000
[budget side]
connector = side
amount = 1000
CONF
)
fg_run budgetcheck -c "$conf" -n
fg_eq "dry run before the schema exits 78" 78 "$FG_RC"
fg_run budgetcheck -c "$conf" -q
fg_eq "schema created" 0 "$FG_RC"

# costsync last ran 17 days ago for prod, dev and lab; side has cost rows
# loaded some other way, through yesterday, and no watermark.
fg_sql "INSERT INTO connector_state VALUES ('prod', '2026-02-21', '2026-02-21 02:00:00+00'),
	('dev', '2026-02-21', '2026-02-21 02:00:00+00'), ('lab', '2026-02-21', '2026-02-21 02:00:00+00');
	INSERT INTO daily_costs (connector, day, service_type, entity, cost, currency)
	SELECT c, t::date, 'WAREHOUSE_METERING', 'ETL_WH', 1, 'USD'
	FROM generate_series(timestamp '2026-02-01', timestamp '2026-02-21', interval '1 day') AS t,
	unnest(ARRAY['prod', 'dev', 'lab']) AS c
	UNION ALL SELECT 'side', t::date, 'STORAGE', '', 1, 'USD'
	FROM generate_series(timestamp '2026-02-01', timestamp '2026-03-09', interval '1 day') AS t"

fg_run budgetcheck -c "$conf" --dry-run --json
fg_eq "stale data alone does not change the exit status" 0 "$FG_RC"
stale() { jq -r --arg n "$1" '.[] | select(.name == $n) | .stale' <<<"$FG_OUT"; }
fg_eq "17 days old, default max_data_age 2: stale" "true true" "$(stale prod-a) $(stale prod-b)"
fg_eq "within the connector's max_data_age 20: not stale" "false" "$(stale dev)"
fg_eq "max_data_age 0: never stale" "false" "$(stale lab)"
fg_eq "no watermark: the last cost row counts" "false" "$(stale side)"
fg_eq "one warning per stale connector" 1 "$(grep -c "warning: cost data of connector" <<<"$FG_ERR")"
fg_match "the warning names the connector, the last synced day and what to do" \
	"warning: cost data of connector 'prod' is stale: last synced day 2026-02-21 is 17 days before 2026-03-10 \(max_data_age 2\); check that costsync runs" \
	"$FG_ERR"
fg_eq "one warning line in all" 1 "$(grep -c . <<<"$FG_ERR")"

fg_run budgetcheck -c "$conf" --dry-run -v
fg_match "the table shows stale budgets" "^prod-a .* stale$" "$(grep '^prod-a ' <<<"$FG_OUT")"
fg_match "and fresh ones as usual" "^side .* ok$" "$(grep '^side ' <<<"$FG_OUT")"

# A CI gate must not pass on missing data: every mode fails on stale.
for mode in warn breach forecast; do
	fg_run budgetcheck -c "$conf" --dry-run --fail-on "$mode" --budget prod-a
	fg_eq "--fail-on $mode fails on a stale budget" 1 "$FG_RC"
done
fg_run budgetcheck -c "$conf" --dry-run --fail-on breach --budget dev --budget side
fg_eq "--fail-on passes when the budgets evaluated are fresh" 0 "$FG_RC"
fg_eq "and says nothing" "" "$FG_ERR"

# A real run records the outcome; costsync catching up clears it.
fg_run budgetcheck -c "$conf" --fail-on breach
fg_eq "real run fails on stale data too" 1 "$FG_RC"
fg_sql "UPDATE connector_state SET last_synced_day = '2026-03-08' WHERE connector = 'prod'"
fg_run budgetcheck -c "$conf" --fail-on breach --json
fg_eq "two days old is within max_data_age 2" 0 "$FG_RC"
fg_eq "no longer stale" "false" "$(stale prod-a)"
fg_eq "no warning" "" "$FG_ERR"

# --as-of looks at the data as of that day.
fg_sql "UPDATE connector_state SET last_synced_day = '2026-02-21' WHERE connector = 'prod'"
fg_run budgetcheck -c "$conf" --dry-run --json --as-of 2026-02-22 --budget prod-a
fg_eq "--as-of: fresh as of that day" "false" "$(stale prod-a)"

bad=$(printf '[connector prod]\nodbc = x\nmax_data_age = -1\n[budget b]\namount = 1\n' | fg_config bad.conf)
fg_run budgetcheck -c "$bad"
fg_eq "bad max_data_age exits 78" 78 "$FG_RC"
fg_match "bad max_data_age names file:line" "bad.conf:3: max_data_age" "$FG_ERR"

fg_done

#!/usr/bin/env bash
# The whole pipeline runs as a PostgreSQL role with only the rights
# flakeguard(7) lists: no superuser, no CREATE on the database, owner of
# the flakeguard schema only.
. "$(dirname "$0")/../lib/harness.sh"
fg_setup
export FLAKEGUARD_NOW=2026-03-20T10:00:00Z
psql -X -q -v ON_ERROR_STOP=1 -d flakeguard <<'SQL'
CREATE ROLE fg_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE;
REVOKE CREATE ON DATABASE flakeguard FROM PUBLIC;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
CREATE SCHEMA flakeguard AUTHORIZATION fg_app;
SQL
fg_httpsink slack
fg_smtpsink mail
fg_sim "SELECT account_usage.generate_costs('2026-02-01', 48, 2, 7)" >/dev/null
fg_sim "SELECT account_usage.seed_security('$FLAKEGUARD_NOW')" >/dev/null
cfg=$(fg_config lp.conf <<C
[database]
conninfo = user=fg_app dbname=flakeguard
[connector prod]
odbc = $FG_SIM_ODBC
credit_price = 3.00
backfill_days = 60
[budget tight]
connector = prod
amount = 10
notify = slack, mail
[channel slack]
type = slack
url = $FG_SINK_URL/services/T0/B0/x
[channel mail]
type = email
to = ops@example.com
[email]
provider = smtp
from = flakeguard <alerts@example.com>
smtp_url = $FG_SMTP_URL
[secscan]
notify = slack
min_severity = critical
ioc_ip_file = $FG_SOURCE_DIR/data/unc5537-ips.txt
C
)
for t in costsync budgetcheck notifyd-once snapshot secscan notifyd-once "snapshot --status" "snapshot --history tight"; do
	# shellcheck disable=SC2086
	fg_run $t -c "$cfg"
	fg_eq "$t runs as the unprivileged role" 0 "$FG_RC"
	fg_eq "$t has nothing to complain about" "" "$FG_ERR"
done
fg_eq "every table belongs to the role" "" \
	"$(fg_sql "SELECT tablename FROM pg_tables WHERE schemaname = 'flakeguard' AND tableowner <> 'fg_app'")"
fg_check "alerts were delivered" test "$(fg_sink_count)" -gt 0
fg_eq "the role is not a superuser" f "$(fg_sql "SELECT rolsuper FROM pg_roles WHERE rolname = 'fg_app'")"

# A role without those rights is a configuration error, said plainly.
fg_sql "CREATE ROLE fg_nobody LOGIN"
nobody=$(fg_config nobody.conf <<C
[database]
conninfo = user=fg_nobody dbname=flakeguard
C
)
fg_run budgetcheck -c "$nobody"
fg_eq "a role without rights exits 78" 78 "$FG_RC"
fg_match "and says permission denied" "permission denied" "$FG_ERR"
fg_done

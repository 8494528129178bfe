# secscan.sh - shared setup for secscan integration tests (source after
# harness.sh).  sec_setup seeds the simulator at FLAKEGUARD_NOW and writes
# a config with one connector "prod" on the simulator and two channels;
# extra [secscan] lines come from stdin.  Sets SEC_CFG.
export FLAKEGUARD_NOW=${FLAKEGUARD_NOW:-2026-03-15T10:00:00Z}

sec_setup() {
	local extra
	extra=$(cat)
	fg_sim "SELECT account_usage.seed_security('$FLAKEGUARD_NOW')" >/dev/null
	SEC_CFG=$(fg_config secscan.conf <<CONF
[database]
conninfo =
[connector prod]
odbc = $FG_SIM_ODBC
query_timeout = 60
[channel ops]
type = webhook
url = http://127.0.0.1:9/hook
[channel sec]
type = slack
url = http://127.0.0.1:9/slack
[secscan]
notify = ops, sec
ioc_ip_file = $FG_SOURCE_DIR/data/unc5537-ips.txt
$extra
CONF
)
}

# The findings as "rule|subject" lines, sorted.
sec_findings() { fg_sql "SELECT rule || '|' || subject FROM findings WHERE status = 'open' ORDER BY 1"; }
sec_truth() { fg_sim "SELECT rule || '|' || subject FROM public.seed_security_truth ORDER BY 1"; }

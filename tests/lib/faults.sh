# faults.sh - shared setup for the fault-injection tests (source after
# harness.sh).
#
# flt_setup fills the simulator (a generated cost backfill and the seeded
# security data), starts a recording HTTP sink and writes FLT_CFG: one
# connector "prod" on the simulator, a few budgets and channels, secscan
# notifying the sink.  Extra HTTP sink options come as arguments.
#
# State: flt_save NAME / flt_restore NAME keep and put back the contents
# of the flakeguard tables, so every trial starts from the same state.
#
# flt_digest prints the rows of every flakeguard table but job_runs and
# delivery_attempts (they record runs, which legitimately differ), one
# JSON object per row, sorted, without the surrogate ids (also where a
# finding's id is part of a key: dedup_key, incident), the *_at
# timestamps and the per-run statistics (rows_read: an incremental read
# after a committed step reads fewer rows) that differ between two runs
# doing the same work.
export FLAKEGUARD_NOW=${FLAKEGUARD_NOW:-2026-03-15T10:00:00Z}

flt_setup() {
	fg_sim "SELECT account_usage.generate_costs('2026-02-01', 43, 2, 9)" >/dev/null
	fg_sim "SELECT account_usage.seed_security('$FLAKEGUARD_NOW')" >/dev/null
	fg_httpsink flt "$@"
	FLT_SINK_DIR=$FG_SINK_DIR
	FLT_CFG=$(fg_config faults.conf <<C
[database]
conninfo =
[connector prod]
odbc = $FG_SIM_ODBC
credit_price = 3.00
backfill_days = 43
query_timeout = 30
[notify]
concurrency = 4
[channel ops]
type = webhook
url = $FG_SINK_URL/hook/ops
[channel sec]
type = slack
url = $FG_SINK_URL/services/T1/B1/sec
[budget month]
connector = prod
amount = 2000
notify = ops
[budget day]
connector = prod
amount = 40
period = daily
notify = ops, sec
[budget wh1]
connector = prod
amount = 300
scope = warehouse:WH_001
notify = ops
[budget year]
connector = prod
amount = 9000
period = yearly
thresholds = 10,20,30,40,50,60,70,80,90,100
notify = ops
[secscan]
notify = ops, sec
ioc_ip_file = $FG_SOURCE_DIR/data/unc5537-ips.txt
C
)
}

# flt_save NAME: keep a copy of every flakeguard table in schema flt_NAME.
flt_save() {
	fg_sql "SET client_min_messages = warning; DROP SCHEMA IF EXISTS flt_$1 CASCADE; CREATE SCHEMA flt_$1;
	DO \$\$ DECLARE t text; BEGIN
	FOR t IN SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		 WHERE n.nspname = 'flakeguard' AND c.relkind = 'r' AND c.relname <> 'schema_migrations'
	LOOP EXECUTE format('CREATE TABLE flt_$1.%I AS TABLE flakeguard.%I', t, t); END LOOP; END \$\$"
}

# flt_restore NAME: put the flakeguard tables back as flt_save NAME left
# them (sequences keep going forward, so new rows never reuse an id;
# generated columns are computed again).
flt_restore() {
	fg_sql "SET session_replication_role = replica;
	DO \$\$ DECLARE t text; cols text; BEGIN
	EXECUTE (SELECT 'TRUNCATE ' || string_agg(format('flakeguard.%I', c.relname), ', ')
		 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		 WHERE n.nspname = 'flt_$1' AND c.relkind = 'r');
	FOR t, cols IN SELECT c.relname, string_agg(format('%I', a.attname), ', ' ORDER BY a.attnum)
		 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		 JOIN pg_attribute a ON a.attrelid = format('flakeguard.%I', c.relname)::regclass
		  AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
		 WHERE n.nspname = 'flt_$1' AND c.relkind = 'r' GROUP BY c.relname
	LOOP EXECUTE format('INSERT INTO flakeguard.%I (%s) SELECT %s FROM flt_$1.%I', t, cols, cols, t);
	END LOOP; END \$\$"
}

# flt_wait_gone APP: wait until no server session of APP is left (a
# killed client's backend ends when it notices the closed socket).
flt_wait_gone() {
	[ "$(psql -X -q -At -d postgres -c "DO \$\$ BEGIN
		FOR i IN 1..200 LOOP
			PERFORM pg_stat_clear_snapshot();
			EXIT WHEN NOT EXISTS (SELECT 1 FROM pg_stat_activity WHERE application_name = '$1');
			PERFORM pg_sleep(0.02);
		END LOOP; END \$\$" -c "SELECT count(*) FROM pg_stat_activity WHERE application_name = '$1'")" = 0 ] ||
		fg_fail "sessions of $1 still there after 4 s"
}

# flt_digest [DATABASE]: the state of the tools' tables, normalised.
flt_digest() {
	psql -X -q -At -v ON_ERROR_STOP=1 -d "${1:-$PGDATABASE}" <<'SQL'
SET search_path = flakeguard;
DO $$
DECLARE t text;
BEGIN
	CREATE TEMP TABLE digest (tab text, j text);
	FOR t IN SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		 WHERE n.nspname = 'flakeguard' AND c.relkind = 'r'
		   AND c.relname NOT IN ('job_runs', 'delivery_attempts', 'schema_migrations')
	LOOP
		EXECUTE format($q$INSERT INTO digest
			SELECT %L, (SELECT jsonb_object_agg(key, CASE
				WHEN key IN ('dedup_key', 'incident') THEN to_jsonb(regexp_replace(value #>> '{}', '^finding:[0-9]+:', 'finding:#:'))
				WHEN key = 'fields' THEN regexp_replace(value::text, '"finding:[0-9]+:', '"finding:#:', 'g')::jsonb
				ELSE value END)
			  FROM jsonb_each(to_jsonb(x))
			  WHERE key NOT IN ('id', 'budget_id', 'source_id', 'notification_id', 'digest_id', 'claimed_by', 'rows_read')
			    AND key NOT LIKE '%%\_at')::text
			FROM %I x$q$, t, t);
	END LOOP;
END $$;
SELECT tab || ' ' || j FROM digest ORDER BY 1;
SQL
}

# flt_count TABLE [WHERE]: rows in a flakeguard table.
flt_count() { fg_sql "SELECT count(*) FROM $1 ${2:+WHERE $2}"; }

# flt_trials TOOL FROM: 10 kill-and-rerun trials of TOOL -c FLT_CFG, each
# starting from saved state FROM.  BEFORE_RERUN names a function run
# between the kill and the rerun, AFTER_TRIAL one run after each check.
flt_trials() {
	local tool=$1 from=$2 i ms start took killed=0 rc
	flt_restore "$from"
	start=$(date +%s%N)
	fg_run "$tool" -c "$FLT_CFG"
	took=$((($(date +%s%N) - start) / 1000000))
	fg_eq "$tool: uninterrupted run exits 0" 0 "$FG_RC"
	flt_digest >"$FG_TMP/$tool.want"
	fg_check "$tool: the run wrote state" test "$(grep -cv '^connector_state\|^budgets' "$FG_TMP/$tool.want")" -gt 10
	for i in $(seq 1 10); do
		flt_restore "$from"
		${TRIAL_START:-:}
		ms=$((RANDOM % (took * 3 / 4)))
		"$tool" -c "$FLT_CFG" >/dev/null 2>&1 &
		local victim=$!
		sleep "$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))"
		kill -KILL "$victim" 2>/dev/null
		wait "$victim" 2>/dev/null
		rc=$?
		[ "$rc" = 137 ] && killed=$((killed + 1))
		flt_wait_gone "$tool"
		${BEFORE_RERUN:-:}
		fg_run "$tool" -c "$FLT_CFG"
		if [ "$FG_RC" != 0 ]; then
			fg_fail "$tool: trial $i (killed at $ms ms): rerun exits $FG_RC: $FG_ERR"
			continue
		fi
		flt_digest >"$FG_TMP/$tool.got"
		if cmp -s "$FG_TMP/$tool.want" "$FG_TMP/$tool.got"; then
			fg_ok "$tool: trial $i (killed at $ms ms of $took): rerun state equals an uninterrupted run"
		else
			fg_fail "$tool: trial $i (killed at $ms ms): state differs: $(diff "$FG_TMP/$tool.want" "$FG_TMP/$tool.got" | head -n 4 | cut -c1-300)"
		fi
		${AFTER_TRIAL:-:}
	done
	fg_check "$tool: trials killed the run before its end ($killed of 10)" test "$killed" -ge 3
}


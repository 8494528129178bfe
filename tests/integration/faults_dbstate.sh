#!/usr/bin/env bash
# Operational database failures get operational exit codes and one line
# saying what to fix: a full disk is temporary (75), a read-only session
# (a read-only role, as on a hot standby: SQLSTATE 25006) is a setup to
# change (78).  When notifyd-once cannot record a delivery, the claims of
# the requests that never started are released at once instead of held
# for the lease.
. "$(dirname "$0")/../lib/harness.sh"
fg_setup
export FLAKEGUARD_NOW=2026-03-15T10:00:00Z
cfg=$(fg_config db.conf <<'C'
[database]
conninfo =
C
)
snapshot -c "$cfg" --no-prune || fg_fail "first run"

# A read-only role: every tool says so and exits 78.
fg_sql "CREATE ROLE fgro LOGIN SUPERUSER; ALTER ROLE fgro SET default_transaction_read_only = on"
ro=$(fg_config ro.conf <<'C'
[database]
conninfo = user=fgro
C
)
for t in snapshot budgetcheck notifyd-once; do
	fg_run $t -c "$ro"
	fg_eq "$t as a read-only role: exit 78" 78 "$FG_RC"
	fg_match "$t: says the session is read-only and what to do" \
		"read-only transaction.*the session is read-only \(a hot standby, or default_transaction_read_only for the role\): point \[database\] conninfo at the primary" "$FG_ERR"
	fg_eq "$t: one line" 1 "$(printf '%s\n' "$FG_ERR" | grep -c .)"
done

# A full disk: delivery_attempts on a 1 MiB tmpfs tablespace filled to the
# brim (or, where nothing can be mounted, a trigger raising SQLSTATE 53100).
SMALL=$(mktemp -d /tmp/fgsmall.XXXXXX)
trap 'fg_teardown; umount "$SMALL" 2>/dev/null; rmdir "$SMALL" 2>/dev/null' EXIT
if mount -t tmpfs -o size=1M tmpfs "$SMALL" 2>/dev/null; then
	chown postgres "$SMALL" 2>/dev/null
	fg_sql "CREATE TABLESPACE small LOCATION '$SMALL'"
	fg_sql "ALTER TABLE delivery_attempts SET TABLESPACE small"
	fg_sql "CREATE TABLE filler (x text) TABLESPACE small"
	fg_sql "DO \$\$ BEGIN LOOP INSERT INTO filler SELECT md5(g::text) || md5(random()::text)
		FROM generate_series(1, 100) g; END LOOP; EXCEPTION WHEN disk_full THEN NULL; END \$\$"
	fg_log "disk full: a tmpfs tablespace"
else
	fg_sql "CREATE FUNCTION full_disk() RETURNS trigger LANGUAGE plpgsql AS \$\$
		BEGIN RAISE EXCEPTION 'could not extend file: No space left on device' USING ERRCODE = '53100'; END \$\$;
		CREATE TRIGGER full_disk BEFORE INSERT ON delivery_attempts EXECUTE FUNCTION full_disk()"
	fg_log "disk full: simulated by a trigger"
fi
fg_httpsink slow --delay-ms 300
nc=$(fg_config nc.conf <<C
[database]
conninfo =
[notify]
concurrency = 2
[channel hook]
type = webhook
url = $FG_SINK_URL/hook
C
)
fg_sql "INSERT INTO notifications (channel, kind, severity, title, dedup_key)
	SELECT 'hook', 'generic', 'info', 'n' || g, 'k' || g FROM generate_series(1, 10) g"
fg_run notifyd-once -c "$nc"
fg_eq "disk full while recording: exit 75" 75 "$FG_RC"
fg_match "says the disk is full and what to do" \
	"^notifyd-once: error: cannot record delivery attempts: .*No space left on device.*; the database server is out of disk space: free space, then retry$" "$FG_ERR"
fg_eq "one line" 1 "$(printf '%s\n' "$FG_ERR" | grep -c .)"
started=$(fg_sink_count)
released=$(fg_sql "SELECT count(*) FROM notifications WHERE status = 'pending' AND claimed_at IS NULL AND attempts = 0")
held=$(fg_sql "SELECT count(*) FROM notifications WHERE claimed_at IS NOT NULL")
fg_check "requests that started ($started) are at most the 2 in flight" test "$started" -le 2
fg_eq "the ones never started are released at once" $((10 - started)) "$released"
fg_eq "only the ones that may have been sent keep their claim" "$started" "$held"
fg_done
